import type { PendingTrigger } from './pending-trigger.js';
import type { PlanNote } from './plan-note.js';
import type { ScheduledRun } from './scheduled-run.js';

/** A format's run order for a fresh install of a set, before verdicts pick the deferred runs. */
export interface Schedule {
  runs: ScheduledRun[];
  /** Debian triggers left pending; the plan fills in each resolution from the verdicts. */
  pending: Omit<PendingTrigger, 'resolution'>[];
  notes: PlanNote[];
}
