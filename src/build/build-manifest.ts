/**
 * The manifest of a prepared appliance (`manifest.json`, also copied into the image as
 * /usr/lib/scriptlet/manifest.json): what went in and what was decided, for people and for CI.
 * docs/building.md documents every field. Pure: data in, data out, sorted where order is not
 * meaningful.
 */
import type { Action } from '../actions/action.js';
import { scriptSha256, type DeferredStep } from '../appliance/deferred-plan.js';
import type { AppliedAction } from '../apply/apply-actions.js';
import type { Scriptlet } from '../formats/types.js';
import type { Plan } from '../plan/plan.js';
import type { PlanConflict } from '../plan/plan-conflict.js';
import type { PlannedAction } from '../plan/planned-action.js';
import type { Verdict } from '../policy/verdict.js';
import type { InitSystem } from './start-hook.js';

export const MANIFEST_VERSION = 1;

export interface ManifestRule {
  id: string;
  policy: string;
}

export interface ManifestScript {
  package: string;
  phase: string;
  outcome: 'drop' | 'translate' | 'defer';
  rule: ManifestRule;
  reason: string;
  /** True when the policy translated it but the build could not apply an action, so it runs at first boot. */
  withdrawn?: boolean;
}

export interface ManifestAction {
  action: Action;
  from: Array<{ package: string; phase: string; rule: ManifestRule }>;
  /** done: in the overlay; nothing: no effect on a fresh install; deferred: first-boot work. */
  result: 'done' | 'nothing' | 'deferred';
  note?: string;
}

export interface ManifestStep {
  order: number;
  id: string;
  package: string;
  phase: string;
  interpreter: string[];
  args: string[];
  env: Record<string, string>;
  /** SHA-256 of the script, or null for a program step. */
  sha256: string | null;
  timeoutSeconds: number;
  reason: string;
}

export interface Manifest {
  version: number;
  request: { packages: string[]; useInstalled: boolean; policy: string | null };
  /** Every package in the appliance (the named ones and supermin's dependency closure). */
  packages: Array<{ name: string; version: string; arch: string; requested: boolean }>;
  init: InitSystem;
  scripts: ManifestScript[];
  actions: ManifestAction[];
  deferred: ManifestStep[];
  conflicts: PlanConflict[];
  warnings: string[];
}

export interface ManifestInput {
  request: Manifest['request'];
  packages: Manifest['packages'];
  init: InitSystem;
  scripts: ReadonlyArray<{ scriptlet: Scriptlet; verdict: Verdict; withdrawn: boolean }>;
  plan: Plan;
  applied: readonly AppliedAction[];
  steps: readonly DeferredStep[];
  warnings: readonly string[];
}

const rule = (r: { id: string; policy: string }): ManifestRule => ({ id: r.id, policy: r.policy });

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildManifest(input: ManifestInput): Manifest {
  const planned = new Map<Action, PlannedAction>(input.plan.actions.map((a) => [a.action, a]));
  return {
    version: MANIFEST_VERSION,
    request: { ...input.request, packages: [...input.request.packages].sort(cmp) },
    packages: [...input.packages].sort((a, b) => cmp(a.name, b.name)),
    init: input.init,
    scripts: input.scripts
      .map(({ scriptlet, verdict, withdrawn }) => ({
        package: scriptlet.package,
        phase: scriptlet.phase,
        outcome: withdrawn ? 'defer' : verdict.outcome,
        rule: rule(verdict.rule),
        reason: verdict.reason,
        ...(withdrawn ? { withdrawn: true } : {}),
      }))
      .sort((a, b) => cmp(a.package, b.package) || cmp(a.phase, b.phase)),
    actions: input.applied.map(({ action, outcome }) => ({
      action,
      from: (planned.get(action)?.from ?? []).map((p) => ({ package: p.package, phase: p.phase, rule: rule(p.rule) })),
      result: outcome.kind === 'defer' ? 'deferred' : outcome.kind,
      ...(outcome.kind === 'done' ? (outcome.notes.length > 0 ? { note: outcome.notes.join('; ') } : {}) : { note: outcome.reason }),
    })),
    deferred: input.steps.map((s, i) => ({
      order: i + 1,
      id: s.id,
      package: s.package,
      phase: s.phase,
      interpreter: s.interpreter,
      args: s.args,
      env: Object.fromEntries(Object.keys(s.env).sort().map((k) => [k, s.env[k] as string])),
      sha256: scriptSha256(s),
      timeoutSeconds: s.timeoutSeconds,
      reason: s.reason,
    })),
    conflicts: input.plan.conflicts,
    warnings: [...input.warnings],
  };
}

export function renderManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
