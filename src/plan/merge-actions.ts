import type { Action } from '../actions/action.js';
import type { PlannedAction } from './planned-action.js';
import type { Provenance } from './provenance.js';

export interface ActionContribution {
  action: Action;
  from: Provenance;
}

/**
 * Merges actions in the order given (install order, then script order), collapsing exact
 * duplicates: the first occurrence keeps its place and collects every later asker's provenance.
 * Two actions are duplicates when they are equal as data, whatever the order of their keys.
 */
export function mergeActions(contributions: readonly ActionContribution[]): PlannedAction[] {
  const byKey = new Map<string, PlannedAction>();
  const out: PlannedAction[] = [];
  for (const c of contributions) {
    const key = canonicalKey(c.action);
    const seen = byKey.get(key);
    if (seen) {
      if (!seen.from.some((f) => sameProvenance(f, c.from))) seen.from.push(c.from);
      continue;
    }
    const entry: PlannedAction = { action: c.action, from: [c.from] };
    byKey.set(key, entry);
    out.push(entry);
  }
  return out;
}

export function sameProvenance(a: Provenance, b: Provenance): boolean {
  return a.package === b.package && a.phase === b.phase && a.rule.id === b.rule.id && a.rule.policy === b.rule.policy;
}

/** JSON with object keys sorted and undefined members left out, so equal data gives equal text. */
export function canonicalKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalKey(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
