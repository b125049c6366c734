/**
 * The plan as JSON (documented in docs/plan-json.md): every object is rebuilt here with its keys in
 * a fixed order, so the text depends only on the plan's data. Actions, which each translator
 * shapes, get `kind` first and their other keys sorted. 2-space indent, trailing newline.
 */
import { scriptSha256 } from '../appliance/deferred-plan.js';
import type { Action } from '../actions/action.js';
import type { Plan } from '../plan/plan.js';
import type { Provenance } from '../plan/provenance.js';

export const PLAN_JSON_VERSION = 1;

export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(planJson(plan), null, 2)}\n`;
}

export function planJson(plan: Plan): Record<string, unknown> {
  const s = plan.summary;
  return {
    schemaVersion: PLAN_JSON_VERSION,
    format: plan.format,
    summary: {
      packages: s.packages,
      scripts: s.scripts,
      dropped: s.dropped,
      translated: s.translated,
      deferred: s.deferred,
      withdrawn: s.withdrawn,
      triggerFiles: s.triggerFiles,
      actions: s.actions,
      steps: s.steps,
      conflicts: { error: s.conflicts.error, warning: s.conflicts.warning },
    },
    order: plan.order.map((p) => ({ name: p.name, version: p.version, arch: p.arch, source: p.source })),
    brokenDependencies: plan.brokenDependencies.map((b) => ({ package: b.package, on: b.on, pre: b.pre })),
    actions: plan.actions.map((a) => ({ action: actionJson(a.action), from: a.from.map(provenanceJson) })),
    alternatives: plan.alternatives.map((a) => ({
      name: a.name,
      link: a.link,
      winner: candidateJson(a.winner),
      candidates: a.candidates.map(candidateJson),
    })),
    conflicts: plan.conflicts.map((c) => ({
      kind: c.kind,
      severity: c.severity,
      subject: c.subject,
      resolution: c.resolution,
      message: c.message,
      entries: c.entries.map((e) => ({ value: e.value, from: provenanceJson(e.from) })),
    })),
    deferred: plan.deferred.map((d) => ({
      id: d.id,
      package: d.package,
      phase: d.phase,
      stage: d.stage,
      cause: d.cause,
      interpreter: [...d.interpreter],
      args: [...d.args],
      env: Object.fromEntries(Object.keys(d.env).sort().map((k) => [k, d.env[k]])),
      timeoutSeconds: d.timeoutSeconds,
      reason: d.reason,
      rule: { id: d.rule.id, policy: d.rule.policy, file: d.rule.file },
      triggers: d.triggers ? [...d.triggers] : [],
      sha256: scriptSha256(d),
      script: d.script,
    })),
    triggers: plan.triggers.map((t) => ({ package: t.package, names: [...t.names], activatedBy: [...t.activatedBy], resolution: t.resolution })),
    notes: plan.notes.map((n) => ({ kind: n.kind, severity: n.severity, package: n.package, phase: n.phase ?? null, message: n.message })),
  };
}

function provenanceJson(p: Provenance): Record<string, unknown> {
  return { package: p.package, phase: p.phase, rule: { id: p.rule.id, policy: p.rule.policy, file: p.rule.file } };
}

function candidateJson(c: { path: string; priority: number; from: Provenance }): Record<string, unknown> {
  return { path: c.path, priority: c.priority, from: provenanceJson(c.from) };
}

export function actionJson(action: Action): Record<string, unknown> {
  return sortedKeys(action, true) as Record<string, unknown>;
}

function sortedKeys(value: unknown, kindFirst = false): unknown {
  if (Array.isArray(value)) return value.map((v) => sortedKeys(v));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort((a, b) => (kindFirst && a === 'kind' ? -1 : kindFirst && b === 'kind' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}
