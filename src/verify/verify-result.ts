import type { PlanSummary } from '../plan/plan.js';
import type { Difference, ExcludedCount, Match } from './compare-states.js';
import type { ExplainingStep } from './explain-difference.js';

/** A difference with the deferred work that accounts for it. */
export interface ExplainedDifference extends Difference {
  explainedBy: ExplainingStep[];
}

/** What both verify modes report: the sets compared, the plan, and how the two trees compare. */
export interface VerifyCommon {
  packages: string[];
  suite: string;
  reference: { dir: string; cached: boolean };
  /** Packages the reference installed (name=version), sorted. */
  installed: string[];
  /** Packages the reference installed whose .deb did not reach scriptlet's side, or the reverse. */
  packageMismatch: string[];
  plan: PlanSummary;
  /**
   * Scripts the policy translated whose translation could not be applied at build time ("PACKAGE
   * PHASE", sorted): a build defers them whole, and so does verify.
   */
  withdrawn: string[];
  /** Actions the appliers realised in the image, and those they left for first boot. */
  applied: { done: number; nothing: number; deferred: number };
  matches: Match[];
  unexplained: Difference[];
  excluded: ExcludedCount[];
  untouched: number;
  /** The kept trees and files, with --keep. */
  kept?: string;
}

/** What `scriptlet verify` found: the input of its text and JSON renderers. */
export interface VerifyResult extends VerifyCommon {
  explained: ExplainedDifference[];
}

/** How the plan's actions fared on the image: realised, nothing to do, or left for first boot. */
export function countApplied(applied: readonly { outcome: { kind: 'done' | 'nothing' | 'defer' } }[]): VerifyResult['applied'] {
  return {
    done: applied.filter((a) => a.outcome.kind === 'done').length,
    nothing: applied.filter((a) => a.outcome.kind === 'nothing').length,
    deferred: applied.filter((a) => a.outcome.kind === 'defer').length,
  };
}

export function verifyPassed(r: VerifyResult): boolean {
  return r.unexplained.length === 0 && r.packageMismatch.length === 0;
}
