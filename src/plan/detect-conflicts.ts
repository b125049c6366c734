/**
 * Finds where packages' translated actions disagree. What counts, and how it is settled:
 * - the same user or group with different fixed ids, one alternative name with different master
 *   links, dpkg-statoverride entries disagreeing on one path: installed one after another, the
 *   first package's script sets it and the later ones fail or are overridden, so the later
 *   packages' translations are withdrawn and their scripts run as they are (`deferred`); when a
 *   script cannot run at first boot the conflict stays `unresolved`, an error, and the first wins;
 * - differing attributes of one account (home, shell, …): the first creates it and later
 *   `adduser --system` calls keep it (`first-wins`, a warning);
 * - one path symlinked to different targets: `ln -sf` in order leaves the last (`last-wins`);
 * - one alternative at the same top priority with different paths: `first-wins`, a warning.
 * Several packages offering one alternative at different priorities is not a conflict (see
 * choose-alternatives.ts).
 */
import type { Action } from '../actions/action.js';
import type { ConflictKind, PlanConflict } from './plan-conflict.js';
import type { PlannedAction } from './planned-action.js';
import type { Provenance } from './provenance.js';

export interface ConflictFindings {
  conflicts: PlanConflict[];
  /** Scripts whose translation is withdrawn so that they run at first boot. */
  withdraw: Provenance[];
  /** Actions left out because the conflict could not be resolved by deferring (first wins). */
  discard: PlannedAction[];
}

type Of<K extends Action['kind']> = PlannedAction & { action: Extract<Action, { kind: K }> };

export function detectConflicts(actions: readonly PlannedAction[], canDefer: (p: Provenance) => boolean): ConflictFindings {
  const found: ConflictFindings = { conflicts: [], withdraw: [], discard: [] };
  const byKindKey = <K extends Action['kind']>(kind: K, key: (a: Extract<Action, { kind: K }>) => string): Map<string, Of<K>[]> => {
    const map = new Map<string, Of<K>[]>();
    for (const a of actions) {
      if (a.action.kind !== kind) continue;
      const entry = a as Of<K>;
      const k = key(entry.action);
      map.set(k, [...(map.get(k) ?? []), entry]);
    }
    return map;
  };

  for (const [name, list] of byKindKey('user', (a) => a.name)) {
    fixedValue(found, canDefer, 'user-id', name, list, (a) => (a.uid === undefined ? undefined : `uid ${a.uid}`));
    attributes(found, 'user-attributes', name, list, (a) => ({
      system: a.system ? 'system' : 'normal',
      home: a.home,
      shell: a.shell,
      group: a.group,
    }));
  }
  for (const [name, list] of byKindKey('group', (a) => a.name)) {
    fixedValue(found, canDefer, 'group-id', name, list, (a) => (a.gid === undefined ? undefined : `gid ${a.gid}`));
    attributes(found, 'group-attributes', name, list, (a) => ({ system: a.system ? 'system' : 'normal' }));
  }
  for (const [name, list] of byKindKey('alternative', (a) => a.name)) {
    fixedValue(found, canDefer, 'alternative-link', name, list, (a) => `link ${a.link}`);
    const top = Math.max(...list.map((e) => e.action.priority));
    const leaders = list.filter((e) => e.action.priority === top);
    if (new Set(leaders.map((e) => e.action.path)).size > 1) {
      found.conflicts.push(
        conflict('alternative-tie', name, 'first-wins', leaders, (a) => `${a.path} priority ${a.priority}`, `alternative ${name}: several paths share the top priority ${top}; the first installed is kept`),
      );
    }
  }
  for (const [path, list] of byKindKey('symlink', (a) => a.path)) {
    if (new Set(list.map((e) => e.action.target)).size > 1) {
      found.conflicts.push(
        conflict('symlink-target', path, 'last-wins', list, (a) => `-> ${a.target}`, `${path} is linked to different targets; the last package installed leaves its link`),
      );
    }
  }
  const overrides = byKindKey('path-attr', (a) => a.path);
  for (const [path, all] of overrides) {
    const list = all.filter((e) => e.action.statoverride);
    fixedValue(found, canDefer, 'statoverride', path, list, describeOverride);
  }
  return found;
}

/** One value that must agree; later disagreeing entries lose (deferred, or discarded when they cannot be). */
function fixedValue<K extends Action['kind']>(
  found: ConflictFindings,
  canDefer: (p: Provenance) => boolean,
  kind: ConflictKind,
  subject: string,
  list: Of<K>[],
  value: (a: Of<K>['action']) => string | undefined,
): void {
  const valued = list.filter((e) => value(e.action) !== undefined);
  const winner = valued[0];
  if (!winner || valued.every((e) => value(e.action) === value(winner.action))) return;
  const losers = valued.filter((e) => value(e.action) !== value(winner.action));
  const deferrable = losers.every((e) => e.from.every(canDefer));
  const resolution = deferrable ? 'deferred' : 'unresolved';
  if (deferrable) found.withdraw.push(...losers.flatMap((e) => e.from));
  else found.discard.push(...losers);
  const what = `${kind.replace('-', ' ')} of ${subject}`;
  found.conflicts.push(
    conflict(kind, subject, resolution, valued, value, deferrable
      ? `${what} differs between packages; the first (${value(winner.action)}) is applied and the later packages' scripts run at first boot as they are`
      : `${what} differs between packages and a later script cannot run at first boot; only the first (${value(winner.action)}) is applied`),
  );
}

function attributes<K extends Action['kind']>(
  found: ConflictFindings,
  kind: ConflictKind,
  subject: string,
  list: Of<K>[],
  fields: (a: Of<K>['action']) => Record<string, string | undefined>,
): void {
  const differing = new Set<string>();
  const seen = new Map<string, string>();
  for (const e of list) {
    for (const [k, v] of Object.entries(fields(e.action))) {
      if (v === undefined) continue;
      const before = seen.get(k);
      if (before === undefined) seen.set(k, v);
      else if (before !== v) differing.add(k);
    }
  }
  if (differing.size === 0) return;
  const keys = [...differing].sort();
  const describe = (a: Of<K>['action']): string => {
    const f = fields(a);
    return keys.map((k) => `${k}=${f[k] ?? '(unset)'}`).join(' ');
  };
  found.conflicts.push(
    conflict(kind, subject, 'first-wins', list, describe, `${subject}: packages disagree on ${keys.join(', ')}; the first package to create it decides, as on a real install`),
  );
}

function conflict<K extends Action['kind']>(
  kind: ConflictKind,
  subject: string,
  resolution: PlanConflict['resolution'],
  entries: Of<K>[],
  value: (a: Of<K>['action']) => string | undefined,
  message: string,
): PlanConflict {
  return {
    kind,
    severity: resolution === 'unresolved' ? 'error' : 'warning',
    subject,
    resolution,
    entries: entries.flatMap((e) => e.from.map((from) => ({ from, value: value(e.action) ?? '' }))),
    message,
  };
}

function describeOverride(a: Extract<Action, { kind: 'path-attr' }>): string {
  const mode = a.mode === undefined ? '-' : a.mode.toString(8).padStart(4, '0');
  return `${a.owner ?? '-'}:${a.group ?? '-'} ${mode}`;
}
