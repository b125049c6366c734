/**
 * The classifier's answer for one scriptlet. Every verdict names the rule that made it and why.
 */
import type { Action } from '../actions/action.js';
import type { Phase, PackageFormat } from '../formats/types.js';

export type Outcome = 'drop' | 'translate' | 'defer';

/** Which part of the script a part-verdict covers. */
export type PartRef =
  | { kind: 'script' }
  | { kind: 'segment'; index: number }
  | { kind: 'command'; index: number };

export interface RuleRef {
  /** Rule id, unique within its policy chain. */
  id: string;
  /** Policy name (`debian`, `base`, …) and the file it came from. */
  policy: string;
  file: string;
}

export interface PartVerdict {
  part: PartRef;
  outcome: Outcome;
  rule: RuleRef;
  reason: string;
  actions: Action[];
}

export interface Verdict {
  package: string;
  format: PackageFormat;
  phase: Phase;
  /** Arch entry function, when relevant. */
  entry?: string;
  /** drop when every part dropped; translate when every part dropped or translated (at least one translated); else defer. */
  outcome: Outcome;
  /** The rule that decided the script's outcome (the first deferring part, or a script-level rule). */
  rule: RuleRef;
  reason: string;
  parts: PartVerdict[];
  /** All actions of translated parts, in script order. */
  actions: Action[];
}
