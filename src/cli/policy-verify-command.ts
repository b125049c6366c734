/**
 * `scriptlet policy verify PACKAGES…`: for each install-time script the policy drops or translates,
 * trace it and check that the translated actions cover what it really did. Exit 1 on any mismatch.
 * Built for corpora too: traces run `--jobs` at a time, each bounded by `--timeout`, and with
 * `--keep-going` an unreadable package or a failed trace is reported instead of ending the run.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ScriptletError } from '../errors.js';
import { readPackageFile } from '../formats/read-package-file.js';
import { isInstallPhase, type Package, type PackageFormat, type Scriptlet } from '../formats/types.js';
import { classify } from '../policy/classify.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load-policy.js';
import { policyForFormat } from '../policy/policy-for-format.js';
import type { Verdict } from '../policy/verdict.js';
import { analyse } from '../shell/analyse.js';
import { mapLimited } from '../trace/map-limited.js';
import type { ScratchChoice } from '../trace/scratch-tree.js';
import { tracePackageScript } from '../trace/trace-package.js';
import { verifyTranslation, type VerifyMismatch } from '../trace/verify-translation.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { progressReporter } from './progress.js';
import { traceEnvironment, traceFeedback } from './trace-command.js';
import { wholeNumber } from './whole-number.js';

export interface VerifyOptions {
  policy?: string;
  json?: boolean;
  root?: string;
  base?: string;
  timeout: number;
  jobs: number;
  keepGoing?: boolean;
  progress?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  scratch: ScratchChoice;
  cacheDir?: string;
}

interface VerifiedScript {
  package: string;
  file: string;
  phase: string;
  outcome: string;
  rule: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The root already had this version installed: actions are not checked against the trace. */
  preinstalled?: string;
  mismatches: VerifyMismatch[];
  /** Set when the trace itself could not be made (with --keep-going). */
  error?: string;
}

interface Job {
  file: string;
  path: string;
  pkg: Package;
  script: Scriptlet;
  verdict: Verdict;
}

/** Scripts verify leaves alone: not run on a fresh install, or not runnable by themselves. */
function verifiable(s: Scriptlet): boolean {
  return isInstallPhase(s.phase) && s.interpreter.kind !== 'deb-triggers' && s.interpreter.kind !== 'lua' && s.phase !== 'config';
}

export async function runVerify(files: string[], opts: VerifyOptions, io: CliIo): Promise<number> {
  const cache = new Map<string, LoadedPolicy>();
  const policyFor = (format: PackageFormat): LoadedPolicy => {
    const ref = opts.policy ?? policyForFormat[format];
    let loaded = cache.get(ref);
    if (!loaded) cache.set(ref, (loaded = loadPolicy(ref, { cwd: io.cwd })));
    return loaded;
  };
  const jobs: Job[] = [];
  const unreadable: string[] = [];
  let packages = 0;
  let withJobs = 0;
  const started = Date.now();
  try {
    for (const f of files) {
      const path = resolve(io.cwd, f);
      let pkg: Package;
      try {
        pkg = await readPackageFile(path);
      } catch (e) {
        if (!opts.keepGoing || !(e instanceof ScriptletError)) throw e;
        unreadable.push(`${f}: ${e.toOneLine()}`);
        continue;
      }
      packages++;
      let mine = 0;
      for (const s of pkg.scriptlets) {
        if (!verifiable(s)) continue;
        const { policy, runtime } = policyFor(s.format);
        const verdict = classify(s, await analyse(s), policy, runtime);
        if (verdict.outcome === 'defer') continue;
        jobs.push({ file: f, path, pkg, script: s, verdict });
        mine++;
      }
      if (mine > 0) withJobs++;
    }
  } finally {
    for (const l of cache.values()) l.runtime.dispose();
  }

  // -v: a line per traced script (as --progress) and each stage; by default a count on a terminal.
  const lines = Boolean(opts.progress || opts.verbose);
  const feedback = traceFeedback(io, { quiet: opts.quiet, verbose: opts.verbose });
  const count = progressReporter(io, !opts.quiet && !lines);
  let done = 0;
  // The first trace over a new base tree waits minutes for mmdebstrap: say so on the count's line.
  let label = 'tracing';
  const stage = (st: string): void => {
    if (st.startsWith('running')) return;
    label = `tracing (${st})`;
    count(label, done, jobs.length);
  };
  if (jobs.length > 0) count(label, 0, jobs.length);
  let results: VerifiedScript[];
  try {
    results = await mapLimited(jobs, opts.jobs, async (j): Promise<VerifiedScript> => {
      const base = { package: j.pkg.name, file: j.file, phase: j.script.entry ?? j.script.phase, outcome: j.verdict.outcome, rule: j.verdict.rule.id };
      let r: VerifiedScript;
      try {
        const report = await tracePackageScript(j.path, j.pkg, j.script, {
          ...traceEnvironment(io, opts),
          timeoutSeconds: opts.timeout,
          tty: false,
          xtrace: false,
          forceUserns: false,
          maxProcs: 512,
          keep: false,
          scratch: opts.scratch,
          // Each trace's own 'running' stage would fight over the one line when several run at once.
          ...(opts.verbose ? { onStage: feedback.onStage, onOutput: feedback.onOutput } : lines ? {} : { onStage: stage }),
          ...(feedback.onWait ? { onWait: feedback.onWait } : {}),
        });
        r = {
          ...base,
          exitCode: report.result.exitCode,
          timedOut: report.result.timedOut,
          durationMs: report.result.durationMs,
          ...(report.sandbox.preinstalled !== undefined ? { preinstalled: report.sandbox.preinstalled } : {}),
          mismatches: verifyTranslation(j.verdict, report),
        };
      } catch (e) {
        if (!opts.keepGoing || !(e instanceof ScriptletError)) throw e;
        r = { ...base, exitCode: null, timedOut: false, durationMs: 0, mismatches: [], error: e.toOneLine() };
      }
      done++;
      label = 'tracing';
      count(label, done, jobs.length);
      if (lines) {
        const state = r.error ? 'ERROR' : r.mismatches.length > 0 ? 'FAIL' : 'ok';
        io.stderr(`[${done}/${jobs.length}] ${state} ${r.package} ${r.phase} (${r.timedOut ? 'timeout' : `exit ${r.exitCode}`}, ${r.mismatches.length} mismatches)\n`);
      }
      return r;
    });
  } finally {
    count.done();
    feedback.done();
  }
  const failed = results.filter((r) => r.mismatches.length > 0);
  const summary =
    `${packages} packages read (${unreadable.length} unreadable), ${withJobs} with dropped or translated install scripts; ` +
    `${results.length} scripts traced (${results.filter((r) => r.timedOut).length} timed out, ` +
    `${results.filter((r) => !r.timedOut && r.exitCode !== 0 && !r.error).length} failed, ${results.filter((r) => r.error).length} not traceable); ` +
    `${failed.length} with mismatches, ${failed.reduce((n, r) => n + r.mismatches.length, 0)} mismatches; ${((Date.now() - started) / 1000).toFixed(0)} s\n`;
  if (opts.json) {
    io.stdout(`${JSON.stringify(results, null, 2)}\n`);
    if (lines) io.stderr(summary);
  } else {
    for (const r of results) {
      const ok = r.mismatches.length === 0 && !r.error;
      io.stdout(`${r.error ? 'ERR ' : ok ? 'ok  ' : 'FAIL'} ${r.package} ${r.phase}: ${r.outcome} by ${r.rule}; traced exit ${r.error ? '-' : r.timedOut ? 'timeout' : r.exitCode}\n`);
      if (r.error) io.stdout(`     ${r.error}\n`);
      for (const m of r.mismatches) io.stdout(`     ${m.kind} ${m.subject}: ${m.detail} [rule ${m.rule.id} in ${m.rule.file}]\n`);
    }
    if (results.length === 0) io.stdout('no dropped or translated install scripts to verify\n');
    if (files.length > 1) io.stdout(summary);
  }
  for (const u of unreadable) io.stderr(`scriptlet: ${u}\n`);
  if (unreadable.length > 0 || results.some((r) => r.error)) return ExitCode.error;
  return failed.length > 0 ? ExitCode.gate : ExitCode.ok;
}

/** Adds `verify` under the `policy` command. */
export function registerPolicyVerify(policy: Command, io: CliIo, setExit: (code: number) => void): void {
  policy
    .command('verify')
    .description(
      'Trace each install script the policy drops or translates (see `scriptlet trace`) and check that the translated actions ' +
        'cover what it did: users, groups, unit and rc links, alternatives, owners and modes, directories, symlinks, files. ' +
        'Every mismatch names the rule. Exit 1 on any mismatch, 2 when a package could not be read or traced.',
    )
    .argument('<packages...>', 'package files')
    .option('--policy <file|name>', 'policy to use (default: by format)')
    .option('--json', 'print the results as JSON')
    .option('--root <dir>', 'trace over this root tree (default: the cached minbase with the package\'s dependencies)')
    .option('--base <packages>', 'comma-separated packages for one cached minbase tree shared by every package (advised for many packages)')
    .option('--timeout <seconds>', 'per-script timeout', wholeNumber(86400, 'seconds'), 120)
    .option('-j, --jobs <n>', 'traces run at the same time', wholeNumber(64), 1)
    .option('--keep-going', 'report unreadable packages and failed traces at the end instead of stopping (exit 2)')
    .option('--progress', 'one line on stderr per traced script, wherever stderr goes (for logs)')
    .option('-v, --verbose', "as --progress, plus each stage and mmdebstrap's output while it makes a base tree")
    .option('-q, --quiet', 'no progress on the terminal (the count of traced scripts)')
    .option('--cache-dir <dir>', 'cache for base trees (default: $XDG_CACHE_HOME/scriptlet)')
    .addOption(new Option('--scratch <how>', 'writable tree for each trace (see scriptlet trace)').choices(['auto', 'overlay', 'copy']).default('auto'))
    .action(async (files: string[], opts: VerifyOptions) => {
      setExit(await runVerify(files, opts, io));
    });
}
