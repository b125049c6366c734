import type { PackageFormat } from '../formats/types.js';
import type { AlternativeChoice } from './alternative-choice.js';
import type { BrokenDependency } from './install-order.js';
import type { PendingTrigger } from './pending-trigger.js';
import type { PlanConflict } from './plan-conflict.js';
import type { PlanNote } from './plan-note.js';
import type { PlannedAction } from './planned-action.js';
import type { PlannedStep } from './planned-step.js';

export interface PlannedPackage {
  name: string;
  version: string;
  arch: string;
  source: string;
}

/**
 * Counts over the install-time scripts of the set. `scripts` excludes Debian `triggers` files
 * (declarations, counted in `triggerFiles`); `deferred` counts scripts whose verdict deferred them
 * or whose translation was withdrawn after a conflict (`withdrawn`); `steps` counts the deferred
 * steps, which can be more (trigger processing, RPM triggers firing for several packages) or fewer
 * (scripts the agent cannot run).
 */
export interface PlanSummary {
  packages: number;
  scripts: number;
  dropped: number;
  translated: number;
  deferred: number;
  withdrawn: number;
  triggerFiles: number;
  actions: number;
  steps: number;
  conflicts: { error: number; warning: number };
}

/** What installing a set of packages takes, as data: the input of the appliance builder. */
export interface Plan {
  format: PackageFormat;
  /** Install order: every dependency within the set before its dependant. */
  order: PlannedPackage[];
  /** Dependencies ignored to break cycles. */
  brokenDependencies: BrokenDependency[];
  /** Translated actions, merged in install order, duplicates collapsed. */
  actions: PlannedAction[];
  /** Per alternative name, the path update-alternatives would pick. */
  alternatives: AlternativeChoice[];
  conflicts: PlanConflict[];
  /** Scripts to run at first boot, in run order. */
  deferred: PlannedStep[];
  /** Debian triggers left pending by the install, and what stands for their processing. */
  triggers: PendingTrigger[];
  notes: PlanNote[];
  summary: PlanSummary;
}
