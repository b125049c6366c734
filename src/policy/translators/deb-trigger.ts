/**
 * A line of a Debian `triggers` control file that activates a trigger whose processing is a cache
 * refresh: `activate-noawait ldconfig` makes libc-bin run ldconfig, `activate-noawait
 * update-initramfs` makes initramfs-tools rebuild the initramfs. dpkg batches these; an image
 * build batches them once per image as cache actions. Other trigger names belong to a package's
 * own `postinst triggered` and are refused here.
 */
import type { CacheKind } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';

const caches: Readonly<Record<string, CacheKind>> = {
  ldconfig: 'ldconfig',
  'update-initramfs': 'initramfs',
};

export const translateDebTrigger: Translator = (command, _params, ctx) => {
  const inv = new Invocation('deb-trigger', command, ctx, ['activate', 'activate-await', 'activate-noawait']);
  if (command.args.length !== 1) inv.fail('takes exactly one trigger name');
  const name = inv.literal(command.args[0], 'trigger name');
  const cache = Object.hasOwn(caches, name) ? caches[name] : undefined;
  if (cache === undefined) return inv.fail(`trigger ${name} is not a cache refresh`);
  return [{ kind: 'cache', cache }];
};
