/**
 * init-system-helpers' deb-systemd-helper, as dh_installsystemd's postinst snippet calls it.
 * `enable` makes the [Install] links (systemd-enable). The rest of the snippet keeps
 * deb-systemd-helper's own state under /var/lib/systemd/deb-systemd-*: on a fresh image
 * `unmask` finds no mask it created (it only removes masks recorded in that state), `was-enabled`,
 * `is-enabled` and `debian-installed` are queries, and `update-state` only rewrites the state
 * file; none of them changes the image, so they translate to nothing.
 */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import type { OptionSpec } from './parse-argv.js';
import { unitName } from './unit-name.js';

const specs: readonly OptionSpec[] = [
  { id: 'quiet', long: ['quiet'], value: 'none' },
  { id: 'user', long: ['user'], value: 'none' },
  { id: 'system', long: ['system'], value: 'none' },
];

const bookkeeping = new Set(['unmask', 'was-enabled', 'is-enabled', 'debian-installed', 'update-state']);

export const translateDebSystemdHelper: Translator = (command, _params, ctx) => {
  const inv = new Invocation('deb-systemd-helper', command, ctx, ['deb-systemd-helper']);
  const args = inv.parse(specs, 'perl');
  const [verbWord, ...unitWords] = args.operands;
  const verb = inv.literal(verbWord, 'action');
  // --user and --system set one variable; the last one given wins.
  const scope = args.options.filter((o) => o.id === 'user' || o.id === 'system').at(-1)?.id ?? 'system';
  if (unitWords.length === 0 && verb !== 'update-state') inv.fail(`${verb} without a unit`);
  // deb-systemd-helper looks unit files up by exact name: no suffix is added.
  const units = unitWords.map((w) => unitName(inv, w, false));
  if (bookkeeping.has(verb)) return [];
  if (verb === 'enable') {
    return units.map((unit) => ({ kind: 'systemd-enable' as const, unit, ...(scope === 'user' ? { user: true } : {}) }));
  }
  return inv.fail(`${verb} is not part of installing a package`);
};
