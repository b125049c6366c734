import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { availableParallelism } from 'node:os';
import { assembleAuditResult } from '../audit/build-audit-result.js';
import type { AuditResult } from '../audit/audit-result.js';
import { readInstalledPackages } from '../audit/gather-packages.js';
import { runAuditTasks } from '../audit/run-audit-tasks.js';
import { IoError, UsageError } from '../errors.js';
import { findPackageFiles } from '../formats/find-package-files.js';
import { renderJson } from '../report/render-json.js';
import { renderSarif } from '../report/render-sarif.js';
import { renderTable } from '../report/render-table.js';
import type { RegisterCommand } from './commands.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { progressReporter } from './progress.js';
import { addAuditTraces, checkTraceSandbox, type AuditTraceOptions } from './audit-trace.js';
import { wholeNumber } from './whole-number.js';

type FailOn = 'defer' | 'risk';
type ReportFormat = 'table' | 'json' | 'sarif';

interface AuditOptions extends AuditTraceOptions {
  installed?: boolean;
  root: string;
  policy?: string;
  json?: boolean;
  sarif?: boolean;
  format?: ReportFormat;
  output?: string;
  failOn: FailOn[];
  installOnly?: boolean;
  keepGoing?: boolean;
  quiet?: boolean;
  jobs?: string;
}

/** `--fail-on` decides exit 1: CI jobs gate on deferred install-time scripts or on risk flags. */
export function gateTripped(result: AuditResult, failOn: readonly FailOn[]): boolean {
  return result.packages.some((p) =>
    p.scripts.some(
      (s) => (failOn.includes('defer') && s.installPhase && s.verdict.outcome === 'defer') || (failOn.includes('risk') && s.risks.length > 0),
    ),
  );
}

export async function runAudit(paths: string[], opts: AuditOptions, io: CliIo): Promise<number> {
  if (paths.length === 0 && !opts.installed) {
    throw new UsageError('nothing to audit: give package files or directories, or --installed', {
      hint: 'scriptlet audit ./pkgs/ or scriptlet audit --installed',
    });
  }
  const format: ReportFormat = opts.sarif ? 'sarif' : opts.json ? 'json' : (opts.format ?? 'table');
  if (opts.trace) await checkTraceSandbox(io);
  const jobs = parseJobs(opts.jobs);
  const progress = progressReporter(io, !opts.quiet);
  const root = resolve(io.cwd, opts.root);
  try {
    const given = paths.map((p) => resolve(io.cwd, p));
    const { files, emptyDirectories } = await findPackageFiles(given);
    // A directory with no package in it is most likely the wrong one; a CI gate auditing nothing
    // must not pass quietly.
    const empty = paths.filter((_, i) => emptyDirectories.includes(given[i]!));
    if (files.length === 0 && !opts.installed) {
      throw new UsageError('no package files found', {
        file: empty.join(', '),
        hint: 'packages are recognised by content (.deb, .rpm, Arch .pkg.tar.*); symbolic links to directories are not followed',
      });
    }
    for (const dir of empty) io.stderr(`scriptlet: warning: no package files found in ${dir}\n`);
    const run = await runAuditTasks(files, () => (opts.installed ? readInstalledPackages(root) : Promise.resolve([])), {
      jobs,
      keepGoing: Boolean(opts.keepGoing),
      installOnly: Boolean(opts.installOnly),
      cwd: io.cwd,
      ...(opts.policy === undefined ? {} : { policy: opts.policy }),
      onProgress: (done, total) => progress('auditing', done, total),
    });
    progress.done();
    const result = assembleAuditResult(run.entries);
    if (opts.trace) {
      await addAuditTraces(result, opts, io, (done, total, stage) => progress(stage ? `tracing (${stage})` : 'tracing', done, total));
      progress.done();
    }
    const text =
      format === 'json'
        ? renderJson(result)
        : format === 'sarif'
          ? renderSarif(result, { baseDir: io.cwd })
          : renderTable(result, { color: io.color, ...(io.isTty ? { width: process.stdout.columns } : {}) });
    if (opts.output) {
      try {
        writeFileSync(resolve(io.cwd, opts.output), text);
      } catch (cause) {
        throw new IoError(`cannot write report: ${(cause as Error).message}`, { file: opts.output }, { cause });
      }
    } else {
      io.stdout(text);
    }
    for (const e of run.errors) io.stderr(`scriptlet: ${e.toOneLine()}\n`);
    if (run.errors.length > 0) return ExitCode.error;
    return gateTripped(result, opts.failOn) ? ExitCode.gate : ExitCode.ok;
  } finally {
    progress.done();
  }
}

/**
 * `--jobs`: a positive whole number, by default one thread per CPU. On the 2-CPU machine of
 * bench/results/audit-2026-11-26.md (session 6) two threads audited the corpus in 4.0-5.2 s and one
 * in 4.5-5.5 s, for about 15% more CPU time. (Before the CLI raised V8's interrupt budget, V8's
 * optimising compilers kept a second CPU busy beside one auditing thread, and the default left a
 * CPU to them.)
 */
export function defaultJobs(cpus: number): number {
  return Math.max(1, cpus);
}

export function parseJobs(value: string | undefined): number {
  if (value === undefined) return defaultJobs(availableParallelism());
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--jobs must be a positive whole number, not '${value}'`, { hint: 'scriptlet audit --jobs 2 ./pkgs/' });
  }
  return n;
}

export const registerAudit: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('audit')
    .summary('report what install scripts do, and what the policy decides for each')
    .description(
      'Reads every install script of the given packages (.deb, .rpm, Arch .pkg.tar.*, or directories of them) ' +
        'and/or the installed package databases, analyses each with a shell parser, classifies it by policy, ' +
        'and reports verdicts, translated actions, commands and risk flags.',
    )
    .argument('[paths...]', 'package files or directories (searched recursively, recognised by content; links to files followed, to directories not; finding none is an error)')
    .option('--installed', "also audit the host's installed packages (dpkg, and rpm where present)")
    .option('--root <dir>', 'root of the installed system for --installed', '/')
    .option('--policy <file|name>', 'policy for every package (default: debian for .deb, fedora for .rpm, arch for Arch)')
    .addOption(new Option('--format <format>', 'report format').choices(['table', 'json', 'sarif']))
    .option('--json', 'same as --format json (schema: docs/audit-json.md)')
    .option('--sarif', 'same as --format sarif (SARIF 2.1.0)')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(
      new Option('--fail-on <what...>', 'exit 1 when any install-time script is deferred (defer) or any risk is flagged (risk)')
        .choices(['defer', 'risk'])
        .default([]),
    )
    .option('--install-only', 'report only install-time scripts (what an appliance build must handle)')
    .option('--keep-going', 'report unreadable packages at the end instead of stopping at the first (exit 2)')
    .option('-j, --jobs <n>', 'at most N threads reading and analysing packages (default: one per CPU available; small sets use fewer); the report does not depend on it')
    .option('-q, --quiet', 'no progress on the terminal')
    .option('--trace', 'also run each install script in the sandbox of `scriptlet trace` and report what it did beside its verdict (needs bubblewrap)')
    .option('--trace-root <dir>', 'with --trace: run over this root tree (default: a cached minbase with the package\'s dependencies)')
    .option('--trace-base <packages>', 'with --trace: comma-separated packages of one cached minbase tree shared by every package')
    .option('--trace-timeout <seconds>', 'with --trace: per-script timeout', wholeNumber(86400), 60)
    .option('--trace-jobs <n>', 'with --trace: traces run at the same time', wholeNumber(64), 1)
    .action(async (paths: string[], opts: AuditOptions) => {
      setExit(await runAudit(paths, opts, io));
    });
};
