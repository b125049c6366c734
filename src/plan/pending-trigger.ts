/**
 * What became of a Debian trigger left pending on a configured package:
 * - deferred: the interested package's postinst was deferred, so `postinst triggered` runs at
 *   first boot;
 * - translated / dropped: its postinst was translated or dropped; the plan's actions (or nothing)
 *   stand for the trigger processing as they stand for the configure;
 * - no-postinst: the package has no postinst, so dpkg only records the trigger as processed.
 */
export type TriggerResolution = 'deferred' | 'translated' | 'dropped' | 'no-postinst';

export interface PendingTrigger {
  /** The interested package. */
  package: string;
  /** Trigger names, sorted. */
  names: string[];
  /** Packages whose activation left them pending, in install order. */
  activatedBy: string[];
  resolution: TriggerResolution;
}
