/**
 * `scriptlet policy check|explain|test`: tools for policy authors.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { FormatError, IoError, UsageError } from '../errors.js';
import { readPackageFile } from '../formats/read-package-file.js';
import type { PackageFormat, Scriptlet } from '../formats/types.js';
import { classify } from '../policy/classify.js';
import { checkPolicy, loadPolicy, type LoadedPolicy } from '../policy/load-policy.js';
import { policyForFormat } from '../policy/policy-for-format.js';
import { analyse } from '../shell/analyse.js';
import type { RegisterCommand } from './commands.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { renderExplain } from './render-explain.js';
import { registerPolicyVerify } from './policy-verify-command.js';
import { runPolicyFixtures } from './run-policy-fixtures.js';
import { isPhase, scriptletFromScriptFile } from './script-file-scriptlet.js';

/** Loads each policy once; `override` (a --policy value) applies to every format. */
function policyLoader(io: CliIo, override: string | undefined): { get: (format: PackageFormat) => LoadedPolicy; dispose: () => void } {
  const cache = new Map<string, LoadedPolicy>();
  return {
    get(format) {
      const ref = override ?? policyForFormat[format];
      let loaded = cache.get(ref);
      if (!loaded) {
        loaded = loadPolicy(ref, { cwd: io.cwd });
        cache.set(ref, loaded);
      }
      return loaded;
    },
    dispose() {
      for (const l of cache.values()) l.runtime.dispose();
    },
  };
}

export function runCheck(files: string[], io: CliIo): number {
  let failed = false;
  for (const file of files) {
    const problems = checkPolicy(file, { cwd: io.cwd });
    if (problems.length === 0) io.stdout(`${file}: ok\n`);
    for (const p of problems) io.stdout(`${p.toOneLine()}\n`);
    failed ||= problems.length > 0;
  }
  return failed ? ExitCode.gate : ExitCode.ok;
}

interface ExplainOptions {
  policy?: string;
  phase?: string;
  package?: string;
  json?: boolean;
}

async function scriptletsOf(path: string, opts: ExplainOptions): Promise<Scriptlet[]> {
  try {
    const pkg = await readPackageFile(path);
    const wanted = pkg.scriptlets.filter((s) => opts.phase === undefined || s.phase === opts.phase || s.entry === opts.phase);
    if (opts.phase !== undefined && wanted.length === 0) {
      throw new FormatError('E_FORMAT_UNKNOWN', `package has no ${opts.phase} script`, { file: path, package: pkg.name });
    }
    return wanted;
  } catch (e) {
    // Not a package: a bare script file.
    if (!(e instanceof FormatError && e.code === 'E_FORMAT_UNKNOWN' && e.context.package === undefined)) throw e;
  }
  let body: string;
  try {
    body = readFileSync(path, 'utf8');
  } catch (e) {
    throw new IoError(`cannot read script (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file: path });
  }
  const options: { phase?: string; package?: string } = {};
  if (opts.phase !== undefined) options.phase = opts.phase;
  if (opts.package !== undefined) options.package = opts.package;
  return [scriptletFromScriptFile(basename(path), body, options)];
}

export async function runExplain(target: string, opts: ExplainOptions, io: CliIo): Promise<number> {
  if (opts.phase !== undefined && !isPhase(opts.phase)) {
    throw new UsageError(`unknown phase '${opts.phase}'`, { hint: 'e.g. postinst, post, post_install' });
  }
  const scriptlets = await scriptletsOf(resolve(io.cwd, target), opts);
  const policies = policyLoader(io, opts.policy);
  try {
    const json: unknown[] = [];
    for (const s of scriptlets) {
      const loaded = policies.get(s.format);
      const analysis = await analyse(s);
      const verdict = classify(s, analysis, loaded.policy, loaded.runtime);
      if (opts.json) json.push({ policy: loaded.policy.file, verdict });
      else io.stdout(renderExplain(s, analysis, verdict, loaded.policy));
    }
    if (opts.json) io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    else if (scriptlets.length === 0) io.stdout(`${target}: no install scripts\n`);
    return ExitCode.ok;
  } finally {
    policies.dispose();
  }
}

export async function runTest(dir: string, opts: { policy?: string }, io: CliIo): Promise<number> {
  const policies = policyLoader(io, opts.policy);
  try {
    const results = await runPolicyFixtures(resolve(io.cwd, dir), (format) => policies.get(format));
    for (const r of results) {
      io.stdout(`${r.ok ? 'pass' : 'FAIL'} ${r.name}\n`);
      for (const d of r.differences) io.stdout(`     ${d}\n`);
    }
    const failed = results.filter((r) => !r.ok).length;
    io.stdout(`${results.length - failed} passed, ${failed} failed\n`);
    return failed > 0 ? ExitCode.gate : ExitCode.ok;
  } finally {
    policies.dispose();
  }
}

export const registerPolicy: RegisterCommand = (program: Command, io, setExit) => {
  const policy = program
    .command('policy')
    .summary('check, explain and test classification policies')
    .description('Tools for policy authors: validate policy files, show how a script is classified, run fixture expectations.');
  policy
    .command('check')
    .description('Validate policy files and their extends chains; prints "FILE: ok" or each problem as file:line:col. Exit 1 on problems.')
    .argument('<files...>', 'policy files (or names of shipped policies)')
    .action((files: string[]) => {
      setExit(runCheck(files, io));
    });
  policy
    .command('explain')
    .description('Show, for each part of each script, the outcome, the rule that decided it (and where), why, and the lines it covers.')
    .argument('<file>', 'a package file (.deb, .rpm, Arch package) or a script file')
    .option('--policy <file|name>', 'policy to use (default: debian for .deb, fedora for .rpm, arch for Arch)')
    .option('--phase <phase>', 'only this phase (for a script file: its phase, unless its name says, e.g. foo.postinst)')
    .option('--package <name>', 'package name for a script file (default: from the file name)')
    .option('--json', 'print the verdicts as JSON')
    .action(async (file: string, opts: ExplainOptions) => {
      setExit(await runExplain(file, opts, io));
    });
  policy
    .command('test')
    .description('Classify each NAME.sh in DIR and compare with NAME.expect.json5 ({ phase, format?, package?, outcome, rule?, actions? }). Exit 1 on any failure.')
    .argument('<dir>', 'fixture directory')
    .option('--policy <file|name>', 'policy to use (default: by format)')
    .action(async (dir: string, opts: { policy?: string }) => {
      setExit(await runTest(dir, opts, io));
    });
  registerPolicyVerify(policy, io, setExit);
};

