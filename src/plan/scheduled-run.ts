import type { Package, Scriptlet } from '../formats/types.js';
import type { StepStage } from './planned-step.js';

/**
 * One run of a script in the order the package manager would run it on a fresh install, before
 * the verdicts decide which runs become deferred steps. `cause` is `trigger` for Debian trigger
 * processing (the interested package's postinst run with `triggered`).
 */
export interface ScheduledRun {
  pkg: Package;
  scriptlet: Scriptlet;
  stage: StepStage;
  cause: 'verdict' | 'trigger';
  /** RPM trigger arguments: instances of the owner, then of the triggering package. */
  triggerArgs?: string[];
  /** Debian trigger names, or RPM trigger targets, behind this run. */
  triggers?: string[];
}
