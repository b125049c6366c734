import type { AgentOutcome } from './agent-outcome.js';
import type { Difference } from './compare-states.js';
import type { FirstBootExplanation } from './explain-first-boot.js';
import type { VerifyCommon } from './verify-result.js';

/** A difference `verify --first-boot` accepts, with the rule that accepts it. */
export type AcceptedDifference = Difference & FirstBootExplanation;

/** What `scriptlet verify --first-boot` found: the input of its text and JSON renderers. */
export interface FirstBootResult extends VerifyCommon {
  /** Steps the agent had to run: deferred scripts, debconf template loads, cache refreshes. */
  steps: number;
  agent: AgentOutcome;
  accepted: AcceptedDifference[];
  /** What the build would warn about (a cache refresh whose program is missing, removals an overlay cannot do). */
  warnings: string[];
}

export function firstBootPassed(r: FirstBootResult): boolean {
  return r.unexplained.length === 0 && r.packageMismatch.length === 0 && r.agent.result === 'ok';
}
