/**
 * `scriptlet trace PACKAGE-FILE`: run one install script in a sandbox over a scratch tree and report
 * what it did. Exit 0 when the script succeeded, 1 when it failed or timed out, 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { cacheHome } from '../build/cache-home.js';
import { FormatError, IoError, UsageError } from '../errors.js';
import { readPackageFile } from '../formats/read-package-file.js';
import type { Package, Scriptlet } from '../formats/types.js';
import { renderTraceText } from '../trace/render-trace-text.js';
import { tracePackageScript, type TracePackageOptions } from '../trace/trace-package.js';
import type { TraceReport } from '../trace/trace-report.js';
import type { ScratchChoice } from '../trace/scratch-tree.js';
import type { RegisterCommand } from './commands.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { progressReporter } from './progress.js';
import { wholeNumber } from './whole-number.js';

interface TraceCliOptions {
  script?: string;
  root?: string;
  base?: string;
  suite?: string;
  json?: boolean;
  timeout: number;
  preseed?: string;
  tty: boolean;
  xtrace?: boolean;
  userns?: boolean;
  maxProcs: number;
  keep?: boolean;
  cacheDir?: string;
  scratch: ScratchChoice;
  quiet?: boolean;
  verbose?: boolean;
}

const defaultPhase = { deb: 'postinst', rpm: 'post', arch: 'post_install' } as const;

export function chooseScriptlet(pkg: Package, wanted: string | undefined): Scriptlet {
  const phase = wanted ?? defaultPhase[pkg.format];
  const s = pkg.scriptlets.find((x) => x.phase === phase || x.entry === phase);
  if (!s) {
    const have = pkg.scriptlets.map((x) => x.entry ?? x.phase);
    throw new FormatError('E_FORMAT_UNKNOWN', `package has no ${phase} script${have.length ? ` (it has: ${[...new Set(have)].join(', ')})` : ''}`, {
      file: pkg.source,
      package: pkg.name,
    });
  }
  return s;
}

/** The trace options every command that traces shares, from the CLI's environment. */
export function traceEnvironment(io: CliIo, o: Partial<Pick<TraceCliOptions, 'cacheDir' | 'root' | 'base' | 'suite'>>): Pick<TracePackageOptions, 'cacheDir' | 'workParent' | 'hostPath' | 'root' | 'base' | 'suite'> {
  return {
    cacheDir: cacheHome(io.env, io.cwd, o.cacheDir),
    workParent: io.env.TMPDIR && io.env.TMPDIR.startsWith('/') ? io.env.TMPDIR : tmpdir(),
    hostPath: io.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    ...(o.root !== undefined ? { root: resolve(io.cwd, o.root) } : {}),
    ...(o.base !== undefined ? { base: o.base.split(',').map((n) => n.trim()).filter((n) => n !== '') } : {}),
    ...(o.suite !== undefined ? { suite: o.suite } : {}),
  };
}

/**
 * What a trace tells the user while it works, as build and audit do: on a terminal, the stage it is
 * in (making a base tree takes minutes the first time); nothing with -q, in pipes or in CI; with -v,
 * each stage as a line and mmdebstrap's own output, wherever stderr goes.
 */
export function traceFeedback(io: CliIo, opts: { quiet?: boolean; verbose?: boolean }): Pick<TracePackageOptions, 'onStage' | 'onOutput' | 'onWait'> & { done: () => void } {
  if (opts.verbose) {
    return {
      onStage: (stage) => io.stderr(`scriptlet: ${stage}\n`),
      onOutput: (chunk) => io.stderr(chunk),
      onWait: () => io.stderr('scriptlet: waiting for another process making the same base tree\n'),
      done: () => undefined,
    };
  }
  const progress = progressReporter(io, !opts.quiet);
  return {
    onStage: (stage) => progress(stage, 0, 1),
    ...(opts.quiet ? {} : { onWait: () => io.stderr('scriptlet: waiting for another process making the same base tree\n') }),
    done: () => progress.done(),
  };
}

export function traceFailed(r: TraceReport): boolean {
  return r.result.timedOut || r.result.exitCode !== 0;
}

export async function runTrace(file: string, opts: TraceCliOptions, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, file);
  const pkg = await readPackageFile(path);
  const s = chooseScriptlet(pkg, opts.script);
  let preseed: { label: string; text: string } | undefined;
  if (opts.preseed !== undefined) {
    const p = resolve(io.cwd, opts.preseed);
    try {
      preseed = { label: opts.preseed, text: readFileSync(p, 'utf8') };
    } catch (cause) {
      throw new IoError(`cannot read the preseed file: ${(cause as Error).message}`, { file: p }, { cause });
    }
  }
  const { done, ...feedback } = traceFeedback(io, opts);
  let report: TraceReport;
  try {
    report = await tracePackageScript(path, pkg, s, {
      ...traceEnvironment(io, opts),
      timeoutSeconds: opts.timeout,
      tty: opts.tty,
      xtrace: Boolean(opts.xtrace),
      ...(preseed ? { preseed } : {}),
      forceUserns: Boolean(opts.userns),
      maxProcs: opts.maxProcs,
      keep: Boolean(opts.keep),
      scratch: opts.scratch,
      ...feedback,
    });
  } finally {
    done();
  }
  io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderTraceText(report));
  return traceFailed(report) ? ExitCode.gate : ExitCode.ok;
}

export const registerTrace: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('trace')
    .summary('run an install script in a sandbox over a scratch tree and report what it did')
    .description(
      'Runs one install script of a package as the package manager would on a fresh install (arguments and ' +
        'environment), inside bubblewrap (user or host-root mode; mount, pid, ipc, uts and network namespaces, no ' +
        'network), over an overlay (or a scratch copy) of a root tree with the package unpacked into it. Reports the commands seen by ' +
        'shims (services, systemctl, account and file tools), files created, changed and removed (hash, mode, owner, ' +
        'link target), users and groups added, exit status and output. Exit 1 when the script fails or times out.',
    )
    .argument('<package-file>', 'a .deb (or .rpm / Arch package with --root)')
    .option('--script <phase>', 'which script (default: postinst, post, post_install)')
    .option('--root <dir>', 'copy this root tree (e.g. a `scriptlet build -f chroot` appliance) instead of the cached minbase')
    .option('--base <packages>', 'comma-separated packages for the cached minbase tree (default: the package\'s Depends and Pre-Depends)')
    .option('--suite <name>', 'Debian suite of the minbase tree (default: the host\'s)')
    .option('--json', 'print the report as JSON')
    .option('--timeout <seconds>', 'kill the sandbox after this long', wholeNumber(86400), 120)
    .option('--preseed <file>', 'debconf selections loaded (debconf-set-selections) before the script runs')
    .option('--no-tty', 'run on pipes instead of a pseudo-terminal')
    .option('--xtrace', "also trace the script's shell (sh -x / bash -x)")
    .option('--userns', 'use a user namespace even when running as root (owners other than 0 then cannot be set)')
    .option('--max-procs <n>', 'process limit for the sandbox', wholeNumber(1_000_000), 512)
    .option('--keep', 'keep the scratch directory')
    .addOption(
      new Option('--scratch <how>', 'writable tree: an overlay of the root (milliseconds), a copy of it (cp -a), or auto (overlay, else copy)')
        .choices(['auto', 'overlay', 'copy'])
        .default('auto'),
    )
    .option('--cache-dir <dir>', 'cache for base trees (default: $XDG_CACHE_HOME/scriptlet)')
    .option('-v, --verbose', "each stage as a line on stderr, and mmdebstrap's output while it makes a base tree")
    .option('-q, --quiet', 'no progress on the terminal (stages such as making the base tree), no waiting note')
    .action(async (file: string, opts: TraceCliOptions) => {
      if (opts.root !== undefined && opts.base !== undefined) throw new UsageError('--root and --base exclude each other');
      setExit(await runTrace(file, opts, io));
    });
};
