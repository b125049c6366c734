/**
 * systemd's systemd-update-helper, which Fedora's %systemd_post runs on first install:
 * `install-system-units UNIT...` is `systemctl --no-reload preset UNIT...`. The other commands
 * disable, restart or reload units on upgrade and removal, and user-unit presets have no action.
 */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { unitName } from './unit-name.js';

export const translateSystemdUpdateHelper: Translator = (command, _params, ctx) => {
  const inv = new Invocation('systemd-update-helper', command, ctx, ['systemd-update-helper']);
  // A shell script: no option parsing, $1 is the command, the rest goes to systemctl as units.
  const [verbWord, ...unitWords] = command.args;
  const verb = inv.literal(verbWord, 'command');
  if (verb !== 'install-system-units') inv.fail(`${verb} is not translated`);
  if (unitWords.length === 0) inv.fail('install-system-units without a unit');
  return unitWords.map((w) => ({ kind: 'systemd-preset' as const, unit: unitName(inv, w, true) }));
};
