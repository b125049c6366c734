import type { Phase } from '../formats/types.js';

/**
 * Things the plan could not settle exactly, as data:
 * - dependency-cycle: dependencies ignored to break a cycle (as dpkg and rpm also do);
 * - unrunnable-step: a deferred script the guest agent cannot run (rpm's embedded Lua);
 * - file-trigger-unmatched: a file trigger whose activation needs the package file lists, which
 *   the control data does not carry; see each note for what was assumed;
 * - trigger-unrepresentable: a Debian `triggers` file or RPM trigger the policy deferred: it is
 *   not a script, so only the trigger processing it causes can run;
 * - trigger-version-ignored: an RPM trigger condition with a version, taken as matching.
 */
export type PlanNoteKind =
  | 'dependency-cycle'
  | 'unrunnable-step'
  | 'file-trigger-unmatched'
  | 'trigger-unrepresentable'
  | 'trigger-version-ignored';

export interface PlanNote {
  kind: PlanNoteKind;
  severity: 'error' | 'warning' | 'info';
  package: string;
  phase?: Phase;
  message: string;
}
