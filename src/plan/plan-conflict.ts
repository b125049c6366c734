import type { Provenance } from './provenance.js';

/**
 * Fixed vocabulary of disagreements between packages' translated actions.
 * - user-id / group-id: the same account with two different fixed ids.
 * - user-attributes / group-attributes: the same account with differing home, shell, system flag…
 * - alternative-link: one alternative name with two different master links.
 * - alternative-tie: the same alternative at the same priority with different paths.
 * - symlink-target: one path linked to two different targets.
 * - statoverride: dpkg-statoverride entries disagreeing on one path.
 */
export type ConflictKind =
  | 'user-id'
  | 'user-attributes'
  | 'group-id'
  | 'group-attributes'
  | 'alternative-link'
  | 'alternative-tie'
  | 'symlink-target'
  | 'statoverride';

/**
 * How the plan settled it. `first-wins` / `last-wins` reproduce what installing the packages one
 * after another would leave; `deferred` means the later scripts' translations were withdrawn and
 * the scripts run as they are at first boot (so the guest sees what the package manager would do);
 * `unresolved` means neither was possible and the image would differ from a real install.
 */
export type ConflictResolution = 'first-wins' | 'last-wins' | 'deferred' | 'unresolved';

export interface ConflictEntry {
  from: Provenance;
  /** The disagreeing value, e.g. `uid 101`, `-> /etc/alternatives/x`, `root:adm 0640`. */
  value: string;
}

export interface PlanConflict {
  kind: ConflictKind;
  /** `error` only when the outcome would be wrong (resolution `unresolved`). */
  severity: 'error' | 'warning';
  /** What they disagree on: an account name, alternative name or path. */
  subject: string;
  resolution: ConflictResolution;
  /** In install order; the first entry is the one that takes effect under `first-wins`. */
  entries: ConflictEntry[];
  message: string;
}
