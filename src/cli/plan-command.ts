import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { assessPackages } from '../audit/assess-packages.js';
import { gatherPackages } from '../audit/gather-packages.js';
import { IoError, ScriptletError, UsageError } from '../errors.js';
import { isInstallPhase, type Scriptlet } from '../formats/types.js';
import { buildPlan, DEFAULT_STEP_TIMEOUT } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import type { LoadedPolicy } from '../policy/load-policy.js';
import type { Verdict } from '../policy/verdict.js';
import { renderPlanJson } from '../report/render-plan-json.js';
import { renderPlanText } from '../report/render-plan-text.js';
import type { RegisterCommand } from './commands.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { policyChooser } from './policy-chooser.js';
import { progressReporter } from './progress.js';
import { wholeNumber } from './whole-number.js';

interface PlanOptions {
  installed?: boolean;
  root: string;
  policy?: string;
  json?: boolean;
  output?: string;
  timeout: number;
  keepGoing?: boolean;
  quiet?: boolean;
}

/**
 * Problems that make the planned image differ from a real install: conflicts the plan could not
 * settle, and deferred scripts the guest agent cannot run. Each names its package and file.
 */
export function planErrors(plan: Plan): ScriptletError[] {
  const source = new Map(plan.order.map((p) => [p.name, p.source]));
  const errors: ScriptletError[] = [];
  for (const c of plan.conflicts) {
    if (c.severity !== 'error') continue;
    const loser = c.entries.find((e) => e.value !== c.entries[0]!.value) ?? c.entries[0]!;
    errors.push(
      new ScriptletError('E_PLAN_CONFLICT', `${c.message} (${c.entries.map((e) => `${e.from.package}: ${e.value}`).join('; ')})`, {
        package: loser.from.package,
        ...(source.has(loser.from.package) ? { file: source.get(loser.from.package)! } : {}),
        rule: loser.from.rule.id,
      }),
    );
  }
  for (const n of plan.notes) {
    if (n.severity !== 'error') continue;
    errors.push(
      new ScriptletError('E_PLAN_CONFLICT', n.message, {
        package: n.package,
        ...(source.has(n.package) ? { file: source.get(n.package)! } : {}),
        ...(n.phase ? { member: n.phase } : {}),
      }),
    );
  }
  return errors;
}

export async function runPlan(paths: string[], opts: PlanOptions, io: CliIo): Promise<number> {
  if (paths.length === 0 && !opts.installed) {
    throw new UsageError('nothing to plan: give package files or directories, or --installed', {
      hint: 'scriptlet plan ./pkgs/',
    });
  }
  const progress = progressReporter(io, !opts.quiet && !opts.json);
  const gathered = await gatherPackages({
    paths: paths.map((p) => resolve(io.cwd, p)),
    installed: Boolean(opts.installed),
    root: resolve(io.cwd, opts.root),
    keepGoing: Boolean(opts.keepGoing),
    onFile: (done, total) => progress('reading packages', done, total),
  });
  // Only install-time scripts matter to a fresh install; the Scriptlet objects stay the same.
  const packages = gathered.packages.map((p) => ({ ...p, scriptlets: p.scriptlets.filter((s) => isInstallPhase(s.phase)) }));
  const policies = new Map<string, LoadedPolicy>();
  try {
    const assessments = await assessPackages(packages, policyChooser(io, opts.policy, policies), (done, total) => progress('analysing', done, total));
    progress.done();
    const verdicts = new Map<Scriptlet, Verdict>([...assessments].map(([s, a]) => [s, a.verdict]));
    const plan = buildPlan(packages, verdicts, { timeoutSeconds: opts.timeout });
    const text = opts.json ? renderPlanJson(plan) : renderPlanText(plan);
    if (opts.output) {
      try {
        writeFileSync(resolve(io.cwd, opts.output), text);
      } catch (cause) {
        throw new IoError(`cannot write plan: ${(cause as Error).message}`, { file: opts.output }, { cause });
      }
    } else {
      io.stdout(text);
    }
    const errors = [...gathered.errors, ...planErrors(plan)];
    for (const e of errors) io.stderr(`scriptlet: ${e.toOneLine()}\n`);
    return errors.length > 0 ? ExitCode.error : ExitCode.ok;
  } finally {
    progress.done();
    for (const loaded of policies.values()) loaded.runtime.dispose();
  }
}

export const registerPlan: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('plan')
    .summary('show what installing a set of packages takes: order, actions, conflicts, deferred scripts')
    .description(
      'Reads the given packages (and/or the installed databases), classifies their install scripts by policy, and ' +
        'plans a fresh install of the set: the order the package manager would use, the translated actions merged ' +
        'and de-duplicated with their origin, conflicts between packages, and the scripts deferred to first boot with ' +
        'the arguments and environment the package manager would pass. Exits 2 when the plan cannot reproduce a real ' +
        'install (an unresolved conflict, or a deferred script the guest agent cannot run).',
    )
    .argument('[paths...]', 'package files or directories (searched recursively, recognised by content)')
    .option('--installed', "also include the host's installed packages (dpkg, and rpm where present)")
    .option('--root <dir>', 'root of the installed system for --installed', '/')
    .option('--policy <file|name>', 'policy for every package (default: debian for .deb, fedora for .rpm, arch for Arch)')
    .option('--json', 'print the plan as JSON (format: docs/plan-json.md)')
    .option('-o, --output <file>', 'write the plan to a file instead of standard output')
    .option('--timeout <seconds>', 'timeout of each deferred step at first boot', wholeNumber(604800, 'seconds'), DEFAULT_STEP_TIMEOUT)
    .option('--keep-going', 'report unreadable packages at the end instead of stopping at the first (exit 2)')
    .option('-q, --quiet', 'no progress on the terminal')
    .action(async (paths: string[], opts: PlanOptions) => {
      setExit(await runPlan(paths, opts, io));
    });
};
