/**
 * Builds the Plan for a set of packages from their verdicts: pure, data in and data out.
 *
 * 1. Install order over the set's dependencies (install-order.ts).
 * 2. Translated actions merged in install order, then script order; exact duplicates collapse.
 * 3. Conflicts between actions (detect-conflicts.ts). A later package whose translation
 *    disagrees on a fixed id, an alternative's link or a statoverride has its translation
 *    withdrawn: the script runs at first boot instead. Withdrawing can remove other actions, so
 *    this repeats until nothing more is withdrawn (at most once per script).
 * 4. The format's run order for a fresh install (deb-/rpm-/arch-schedule.ts); each run of a
 *    script whose outcome is defer becomes a deferred step with the arguments and environment the
 *    package manager would pass (script-invocation.ts). Actions of translated parts of a deferred
 *    script are not in the action list: the script does that work itself when it runs.
 */
import { comparePhases } from '../audit/phase-order.js';
import { UsageError } from '../errors.js';
import { isInstallPhase, type Package, type PackageFormat, type Scriptlet } from '../formats/types.js';
import type { Outcome, RuleRef, Verdict } from '../policy/verdict.js';
import { archSchedule } from './arch-schedule.js';
import { chooseAlternatives } from './choose-alternatives.js';
import { debSchedule } from './deb-schedule.js';
import { detectConflicts } from './detect-conflicts.js';
import { installOrder, type InstallOrder } from './install-order.js';
import { mergeActions, type ActionContribution } from './merge-actions.js';
import type { PendingTrigger, TriggerResolution } from './pending-trigger.js';
import type { Plan, PlanSummary } from './plan.js';
import type { PlanConflict } from './plan-conflict.js';
import type { PlanNote } from './plan-note.js';
import type { PlannedAction } from './planned-action.js';
import type { PlannedStep } from './planned-step.js';
import type { Provenance } from './provenance.js';
import { rpmSchedule } from './rpm-schedule.js';
import type { Schedule } from './schedule.js';
import type { ScheduledRun } from './scheduled-run.js';
import { freshInstallInvocation } from './script-invocation.js';

export interface PlanOptions {
  /** Timeout of each deferred step (default 900 s). */
  timeoutSeconds?: number;
}

export const DEFAULT_STEP_TIMEOUT = 900;

const schedules: Record<PackageFormat, (order: InstallOrder) => Schedule> = {
  deb: debSchedule,
  rpm: rpmSchedule,
  arch: archSchedule,
};

export function buildPlan(packages: readonly Package[], verdicts: ReadonlyMap<Scriptlet, Verdict>, options: PlanOptions = {}): Plan {
  const format = singleFormat(packages);
  const order = installOrder(packages);
  const scripts = order.packages.flatMap((p) => p.scriptlets.filter((s) => isInstallPhase(s.phase)).sort((a, b) => comparePhases(a.phase, b.phase)));
  const verdictOf = (s: Scriptlet): Verdict => {
    const v = verdicts.get(s);
    // Every install-time scriptlet is classified before planning; a gap is a caller's bug.
    if (!v) throw new Error(`no verdict for ${s.package} ${s.phase}`);
    return v;
  };
  const byProvenance = new Map<string, Scriptlet>(scripts.map((s) => [provenanceKey(s.package, s.phase), s]));
  const scriptOf = (p: Provenance): Scriptlet | undefined => byProvenance.get(provenanceKey(p.package, p.phase));

  const { actions, conflicts, withdrawn } = settleActions(scripts, verdictOf, (p) => {
    const s = scriptOf(p);
    return s !== undefined && runnable(s);
  }, scriptOf);
  const outcomeOf = (s: Scriptlet): Outcome => (withdrawn.has(s) ? 'defer' : verdictOf(s).outcome);

  const schedule = schedules[format](order);
  const notes: PlanNote[] = [
    ...order.broken.map(
      (b): PlanNote => ({
        kind: 'dependency-cycle',
        severity: 'info',
        package: b.package,
        message: `${b.package} is ordered before its ${b.pre ? 'pre-dependency' : 'dependency'} ${b.on} to break a dependency cycle`,
      }),
    ),
    ...schedule.notes,
  ];
  for (const s of scripts) {
    if (s.phase === 'triggers' && verdictOf(s).outcome === 'defer') {
      notes.push({
        kind: 'trigger-unrepresentable',
        severity: 'warning',
        package: s.package,
        phase: s.phase,
        message: `the policy deferred the triggers file (${verdictOf(s).reason}); it declares triggers and is not run, so only the trigger processing it causes is planned`,
      });
    }
  }

  const dpkgVersion = format === 'deb' ? order.packages.find((p) => p.name === 'dpkg')?.version : undefined;
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT;
  const deferred: PlannedStep[] = [];
  for (const run of schedule.runs) {
    const s = run.scriptlet;
    if (outcomeOf(s) !== 'defer' || s.phase === 'triggers') continue;
    if (!runnable(s)) {
      notes.push({
        kind: 'unrunnable-step',
        severity: 'error',
        package: s.package,
        phase: s.phase,
        message: `the ${s.phase} script is deferred but runs in ${s.interpreter.argv[0] ?? 'no interpreter'}, which the guest agent cannot start (it needs a program path in the image)`,
      });
      continue;
    }
    const inv = freshInstallInvocation(run.pkg, s, {
      ...(dpkgVersion !== undefined ? { dpkgVersion } : {}),
      ...(run.triggerArgs ? { triggerArgs: run.triggerArgs } : {}),
      ...(run.cause === 'trigger' && run.triggers ? { debTriggers: run.triggers } : {}),
    });
    const v = verdictOf(s);
    deferred.push({
      id: stepId(deferred.length + 1, run),
      package: s.package,
      phase: s.phase,
      interpreter: inv.interpreter,
      script: inv.script,
      ...(inv.scriptEncoding ? { scriptEncoding: inv.scriptEncoding } : {}),
      args: inv.args,
      env: inv.env,
      timeoutSeconds,
      reason: stepReason(run, v, withdrawn.get(s)),
      stage: run.stage,
      cause: withdrawn.has(s) ? 'conflict' : run.cause,
      rule: v.rule,
      ...(run.triggers ? { triggers: run.triggers } : {}),
    });
  }

  const triggers: PendingTrigger[] = schedule.pending.map((t) => {
    const pkg = order.packages.find((p) => p.name === t.package)!;
    const postinst = pkg.scriptlets.find((s) => s.phase === 'postinst');
    const outcome = postinst ? outcomeOf(postinst) : undefined;
    const resolution: TriggerResolution = outcome === undefined ? 'no-postinst' : outcome === 'defer' ? 'deferred' : outcome === 'translate' ? 'translated' : 'dropped';
    return { ...t, resolution };
  });

  const counted = scripts.filter((s) => s.phase !== 'triggers');
  const summary: PlanSummary = {
    packages: order.packages.length,
    scripts: counted.length,
    dropped: counted.filter((s) => outcomeOf(s) === 'drop').length,
    translated: counted.filter((s) => outcomeOf(s) === 'translate').length,
    deferred: counted.filter((s) => outcomeOf(s) === 'defer').length,
    withdrawn: withdrawn.size,
    triggerFiles: scripts.length - counted.length,
    actions: actions.length,
    steps: deferred.length,
    conflicts: {
      error: conflicts.filter((c) => c.severity === 'error').length,
      warning: conflicts.filter((c) => c.severity === 'warning').length,
    },
  };

  return {
    format,
    order: order.packages.map((p) => ({ name: p.name, version: p.version, arch: p.arch, source: p.source })),
    brokenDependencies: order.broken,
    actions,
    alternatives: chooseAlternatives(actions),
    conflicts,
    deferred,
    triggers,
    notes,
    summary,
  };
}

function singleFormat(packages: readonly Package[]): PackageFormat {
  const formats = [...new Set(packages.map((p) => p.format))].sort();
  const [only] = formats;
  if (only === undefined) throw new UsageError('nothing to plan: no packages were found');
  if (formats.length > 1) {
    throw new UsageError(`a plan installs packages of one format, found ${formats.join(' and ')}`, {
      hint: 'plan each distribution\'s packages separately',
    });
  }
  return only;
}

interface Settled {
  actions: PlannedAction[];
  conflicts: PlanConflict[];
  /** Scripts whose translation was withdrawn, with the conflict that withdrew it. */
  withdrawn: Map<Scriptlet, PlanConflict>;
}

function settleActions(
  scripts: readonly Scriptlet[],
  verdictOf: (s: Scriptlet) => Verdict,
  canDefer: (p: Provenance) => boolean,
  scriptOf: (p: Provenance) => Scriptlet | undefined,
): Settled {
  const withdrawn = new Map<Scriptlet, PlanConflict>();
  const conflicts: PlanConflict[] = [];
  const seen = new Set<string>();
  for (;;) {
    const contributions: ActionContribution[] = [];
    for (const s of scripts) {
      const v = verdictOf(s);
      if (v.outcome !== 'translate' || withdrawn.has(s)) continue;
      for (const part of v.parts) {
        if (part.outcome !== 'translate') continue;
        for (const action of part.actions) contributions.push({ action, from: { package: s.package, phase: s.phase, rule: part.rule } });
      }
    }
    const merged = mergeActions(contributions);
    const found = detectConflicts(merged, canDefer);
    for (const c of found.conflicts) {
      const key = `${c.kind}\0${c.subject}`;
      if (!seen.has(key)) {
        seen.add(key);
        conflicts.push(c);
      }
    }
    let more = false;
    for (const p of found.withdraw) {
      const s = scriptOf(p);
      if (!s || withdrawn.has(s)) continue;
      const cause = found.conflicts.find((c) => c.resolution === 'deferred' && c.entries.some((e) => e.from === p))!;
      withdrawn.set(s, cause);
      more = true;
    }
    if (!more) {
      const discard = new Set(found.discard);
      return { actions: merged.filter((a) => !discard.has(a)), conflicts, withdrawn };
    }
  }
}

/** The guest agent needs a program in the image: not rpm's embedded `<lua>`, not a declaration file. */
function runnable(s: Scriptlet): boolean {
  if (s.phase === 'triggers') return false;
  if (s.phase === 'sysusers') return true;
  return s.interpreter.argv[0]?.startsWith('/') ?? false;
}

function provenanceKey(pkg: string, phase: string): string {
  return `${pkg}\0${phase}`;
}

/** `007-openssh-server.postinst`: run position first, so ids sort in run order. */
function stepId(n: number, run: ScheduledRun): string {
  const name = run.pkg.name.replace(/[^A-Za-z0-9@._+-]/g, '_');
  const suffix = run.cause === 'trigger' ? '.triggered' : '';
  return `${String(n).padStart(3, '0')}-${name}.${run.scriptlet.phase}${suffix}`.slice(0, 128);
}

function ruleText(rule: RuleRef): string {
  return `rule ${rule.id} of policy ${rule.policy}`;
}

function stepReason(run: ScheduledRun, v: Verdict, conflict: PlanConflict | undefined): string {
  const why = conflict
    ? `its translation was withdrawn: ${conflict.message}`
    : `${v.reason} (${ruleText(v.rule)})`;
  if (run.cause === 'trigger') {
    const names = run.triggers ?? [];
    return `processes trigger${names.length === 1 ? '' : 's'} ${names.join(' ')}; the postinst is deferred: ${why}`;
  }
  if (run.triggerArgs && run.triggers) return `fired by ${run.triggers.join(', ')}; ${why}`;
  return why;
}
