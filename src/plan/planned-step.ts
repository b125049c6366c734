import type { DeferredStep } from '../appliance/deferred-plan.js';
import type { RuleRef } from '../policy/verdict.js';

/**
 * When in the install a step runs, as the package manager would run it on a fresh install:
 * - preconfigure: Debian `config` scripts (dpkg-preconfigure, before anything is unpacked);
 * - unpack / configure: Debian preinst / postinst;
 * - pretrans / install / posttrans: RPM transaction scripts, per-package %pre/%post and triggers,
 *   then %posttrans and transaction file triggers; Arch functions are all `install`;
 * - triggers: Debian trigger processing (`postinst triggered`) after every package is configured.
 */
export type StepStage = 'preconfigure' | 'unpack' | 'configure' | 'pretrans' | 'install' | 'posttrans' | 'triggers';

/**
 * Why a script runs at first boot: its verdict deferred it; it processes a trigger for a package
 * whose postinst (or RPM trigger script) was deferred; or its translation was withdrawn because it
 * conflicted with an earlier package's.
 */
export type StepCause = 'verdict' | 'trigger' | 'conflict';

/** A deferred step as the guest agent runs it (a DeferredStep), plus where it came from. */
export interface PlannedStep extends DeferredStep {
  stage: StepStage;
  cause: StepCause;
  /** The rule of the verdict behind the step. */
  rule: RuleRef;
  /** Debian trigger names (`triggered` steps) or RPM trigger targets that fire it. */
  triggers?: string[];
}
