/**
 * `scriptlet policy verify PACKAGES…`: for each install-time script the policy drops or translates,
 * trace it and check that the translated actions cover what it really did. Exit 1 on any mismatch.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readPackageFile } from '../formats/read-package-file.js';
import { isInstallPhase, type PackageFormat } from '../formats/types.js';
import { classify } from '../policy/classify.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load-policy.js';
import { policyForFormat } from '../policy/policy-for-format.js';
import { analyse } from '../shell/analyse.js';
import { tracePackageScript } from '../trace/trace-package.js';
import { verifyTranslation, type VerifyMismatch } from '../trace/verify-translation.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { traceEnvironment } from './trace-command.js';

export interface VerifyOptions {
  policy?: string;
  json?: boolean;
  root?: string;
  base?: string;
  timeout: number;
}

interface VerifiedScript {
  package: string;
  file: string;
  phase: string;
  outcome: string;
  rule: string;
  exitCode: number | null;
  timedOut: boolean;
  mismatches: VerifyMismatch[];
}

export async function runVerify(files: string[], opts: VerifyOptions, io: CliIo): Promise<number> {
  const cache = new Map<string, LoadedPolicy>();
  const policyFor = (format: PackageFormat): LoadedPolicy => {
    const ref = opts.policy ?? policyForFormat[format];
    let loaded = cache.get(ref);
    if (!loaded) cache.set(ref, (loaded = loadPolicy(ref, { cwd: io.cwd })));
    return loaded;
  };
  const results: VerifiedScript[] = [];
  try {
    for (const f of files) {
      const path = resolve(io.cwd, f);
      const pkg = await readPackageFile(path);
      for (const s of pkg.scriptlets) {
        if (!isInstallPhase(s.phase) || s.interpreter.kind === 'deb-triggers' || s.phase === 'config') continue;
        const { policy, runtime } = policyFor(s.format);
        const verdict = classify(s, await analyse(s), policy, runtime);
        if (verdict.outcome === 'defer') continue;
        const report = await tracePackageScript(path, pkg, s, {
          ...traceEnvironment(io, opts),
          timeoutSeconds: opts.timeout,
          tty: false,
          xtrace: false,
          forceUserns: false,
          maxProcs: 512,
          keep: false,
        });
        results.push({
          package: pkg.name,
          file: f,
          phase: s.entry ?? s.phase,
          outcome: verdict.outcome,
          rule: verdict.rule.id,
          exitCode: report.result.exitCode,
          timedOut: report.result.timedOut,
          mismatches: verifyTranslation(verdict, report),
        });
      }
    }
  } finally {
    for (const l of cache.values()) l.runtime.dispose();
  }
  if (opts.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const r of results) {
      const ok = r.mismatches.length === 0;
      io.stdout(`${ok ? 'ok  ' : 'FAIL'} ${r.package} ${r.phase}: ${r.outcome} by ${r.rule}; traced exit ${r.timedOut ? 'timeout' : r.exitCode}\n`);
      for (const m of r.mismatches) io.stdout(`     ${m.kind} ${m.subject}: ${m.detail} [rule ${m.rule.id} in ${m.rule.file}]\n`);
    }
    if (results.length === 0) io.stdout('no dropped or translated install scripts to verify\n');
  }
  return results.some((r) => r.mismatches.length > 0) ? ExitCode.gate : ExitCode.ok;
}

/** Adds `verify` under the `policy` command. */
export function registerPolicyVerify(policy: Command, io: CliIo, setExit: (code: number) => void): void {
  policy
    .command('verify')
    .description(
      'Trace each install script the policy drops or translates (see `scriptlet trace`) and check that the translated actions ' +
        'cover what it did: users, groups, unit and rc links, alternatives, owners and modes, directories, symlinks, files. ' +
        'Every mismatch names the rule. Exit 1 on any mismatch.',
    )
    .argument('<packages...>', 'package files')
    .option('--policy <file|name>', 'policy to use (default: by format)')
    .option('--json', 'print the results as JSON')
    .option('--root <dir>', 'trace over a copy of this root tree (default: the cached minbase with the package\'s dependencies)')
    .option('--base <packages>', 'comma-separated packages for the cached minbase tree')
    .option('--timeout <seconds>', 'per-script timeout', (v) => Number(v), 120)
    .action(async (files: string[], opts: VerifyOptions) => {
      setExit(await runVerify(files, opts, io));
    });
}
