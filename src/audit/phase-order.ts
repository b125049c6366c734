/**
 * A fixed order of phases for reports: the order a package's scripts run in on a fresh install,
 * then upgrade and removal. Each format's phases form one block, so packages of any format sort
 * consistently.
 */
import type { Phase } from '../formats/types.js';

export const phaseOrder = [
  // Debian: debconf's config runs before preinst when preconfiguring.
  'config',
  'preinst',
  'postinst',
  'triggers',
  'prerm',
  'postrm',
  // RPM: sysusers entries are applied before %pre (rpm >= 4.19).
  'sysusers',
  'pretrans',
  'pre',
  'post',
  'posttrans',
  'triggerprein',
  'triggerin',
  'filetriggerin',
  'transfiletriggerin',
  'preuntrans',
  'preun',
  'postun',
  'postuntrans',
  'triggerun',
  'triggerpostun',
  'filetriggerun',
  'filetriggerpostun',
  'transfiletriggerun',
  'transfiletriggerpostun',
  'verify',
  // Arch .INSTALL functions.
  'pre_install',
  'post_install',
  'pre_upgrade',
  'post_upgrade',
  'pre_remove',
  'post_remove',
] as const satisfies readonly Phase[];

// Compile-time guard: a Phase added to formats/types.ts must get a place here.
type Missing = Exclude<Phase, (typeof phaseOrder)[number]>;
const everyPhaseOrdered: [Missing] extends [never] ? true : false = true;
void everyPhaseOrdered;

const rank = new Map<Phase, number>(phaseOrder.map((p, i) => [p, i]));

export function comparePhases(a: Phase, b: Phase): number {
  return (rank.get(a) ?? phaseOrder.length) - (rank.get(b) ?? phaseOrder.length);
}
