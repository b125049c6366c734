/**
 * What the /init wrapper (guest-agent/init) uses from the image when no init system starts the
 * agent, as warnings for an image that lacks it. `mount` is needed for /proc, /dev and /run.
 * `e2fsck` is optional, but without it nothing checks an ext2 root after a power cut during the
 * first boot: the damage seen in the VM tests left the agent unable to write its journal.
 * Pure: the image arrives as an ImageView.
 */
import type { ImageView } from '../apply/image-view.js';
import { findInPath } from './check-deferred-tools.js';
import type { InitSystem } from './start-hook.js';

export function initWrapperWarnings(view: ImageView, init: InitSystem, deferredSteps: number): string[] {
  if (init !== 'none' || deferredSteps === 0) return [];
  const warnings: string[] = [];
  if (!findInPath(view, 'mount')) warnings.push('the /init wrapper needs mount to mount /proc, /dev and /run; add the mount package');
  if (!findInPath(view, 'e2fsck')) {
    warnings.push(
      'no e2fsck in the image: after a power cut during the first boot nothing checks an ext2 root before the agent runs again; add the e2fsprogs package',
    );
  }
  return warnings;
}
