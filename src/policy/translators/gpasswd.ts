/** shadow's gpasswd, only `gpasswd -a USER GROUP` (add a member); other forms administer groups. */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import type { OptionSpec } from './parse-argv.js';
import { groupName } from './useradd.js';

const specs: readonly OptionSpec[] = [
  { id: 'add', short: 'a', long: ['add'], value: 'required' },
  { id: 'administrators', short: 'A', long: ['administrators'], value: 'required' },
  { id: 'delete', short: 'd', long: ['delete'], value: 'required' },
  { id: 'help', short: 'h', long: ['help'], value: 'none' },
  { id: 'members', short: 'M', long: ['members'], value: 'required' },
  { id: 'root', short: 'Q', long: ['root'], value: 'required' },
  { id: 'remove-password', short: 'r', long: ['remove-password'], value: 'none' },
  { id: 'restrict', short: 'R', long: ['restrict'], value: 'none' },
];

export const translateGpasswd: Translator = (command, _params, ctx) => {
  const inv = new Invocation('gpasswd', command, ctx, ['gpasswd']);
  const args = inv.parse(specs, 'getopt');
  const add = args.options.find((o) => o.id === 'add');
  if (!add || args.options.length !== 1) return inv.fail('only gpasswd -a USER GROUP is translated');
  if (args.operands.length !== 1) inv.fail('needs exactly one group');
  const group = groupName(inv, inv.literal(args.operands[0], 'group'), 'group');
  return [{ kind: 'group-member', group, user: inv.literal(add.value, `${add.spelled} user`) }];
};
