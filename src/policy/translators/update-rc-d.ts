/**
 * sysv-rc's update-rc.d (bookworm): `update-rc.d [-f] NAME defaults|defaults-disabled|enable
 * [LEVELS]`. The legacy `start NN LEVELS . stop ...` arguments and numbers after `defaults` are
 * discarded by the tool (it reads the script's LSB header), so they become plain `defaults`.
 */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';

export const translateUpdateRcD: Translator = (command, _params, ctx) => {
  const inv = new Invocation('update-rc.d', command, ctx, ['update-rc.d']);
  const args = [...command.args];
  // The tool reads options only before the name, and only -f (force, for remove).
  while (args[0] !== undefined && inv.literal(args[0], 'argument').startsWith('-')) {
    const o = inv.literal(args.shift(), 'option');
    if (o !== '-f') inv.fail(`unknown option ${o}`);
  }
  const script = inv.literal(args.shift(), 'script name');
  if (script.includes('/') || script === '') inv.fail(`${script} is not an init script name`);
  const action = inv.literal(args.shift(), 'action');
  const rest = args.map((w) => inv.literal(w, 'argument'));
  switch (action) {
    case 'defaults':
    case 'start':
    case 'stop':
      return [{ kind: 'sysv-enable', script, args: ['defaults'] }];
    case 'defaults-disabled':
      return [{ kind: 'sysv-enable', script, args: ['defaults-disabled'] }];
    case 'enable':
      for (const level of rest) if (!/^[S2-5]$/.test(level)) inv.fail(`runlevel ${level} is not one of S 2 3 4 5`);
      return [{ kind: 'sysv-enable', script, args: ['enable', ...rest] }];
    default:
      return inv.fail(`${action} is not part of installing a package`);
  }
};
