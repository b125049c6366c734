/** shadow's groupadd (4.13 option set): `groupadd [-r] [-g GID] [-f] [-U USERS] NAME`. */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec } from './parse-argv.js';
import { MAX_ID, groupName, refuseOptions } from './useradd.js';

const specs: readonly OptionSpec[] = [
  { id: 'force', short: 'f', long: ['force'], value: 'none' },
  { id: 'gid', short: 'g', long: ['gid'], value: 'required' },
  { id: 'help', short: 'h', long: ['help'], value: 'none' },
  { id: 'key', short: 'K', long: ['key'], value: 'required' },
  { id: 'non-unique', short: 'o', long: ['non-unique'], value: 'none' },
  { id: 'password', short: 'p', long: ['password'], value: 'required' },
  { id: 'system', short: 'r', long: ['system'], value: 'none' },
  { id: 'root', short: 'R', long: ['root'], value: 'required' },
  { id: 'prefix', short: 'P', long: ['prefix'], value: 'required' },
  { id: 'users', short: 'U', long: ['users'], value: 'required' },
];

const refusals: Record<string, string> = {
  help: 'prints text and creates nothing',
  key: 'overrides login.defs settings',
  password: 'sets a group password, which the group action cannot express',
  root: 'works on another root directory',
  prefix: 'works on another prefix directory',
};

export const translateGroupadd: Translator = (command, _params, ctx) => {
  const inv = new Invocation('groupadd', command, ctx, ['groupadd']);
  const args = inv.parse(specs, 'getopt');
  refuseOptions(inv, args, refusals);
  if (args.operands.length !== 1) inv.fail('needs exactly one group name');
  const name = groupName(inv, inv.literal(args.operands[0], 'group name'), 'group name');
  const group: Extract<Action, { kind: 'group' }> = { kind: 'group', name, system: hasOption(args, 'system') };
  const gid = lastOption(args, 'gid');
  // With -f a taken GID makes groupadd pick another; on a fresh image the requested one is free.
  if (gid) group.gid = inv.integer(gid.value, gid.spelled, 0, MAX_ID);
  const actions: Action[] = [group];
  const users = lastOption(args, 'users');
  if (users) {
    for (const user of inv.literal(users.value, `${users.spelled} list`).split(',')) {
      if (user === '') inv.fail('empty user name in -U');
      actions.push({ kind: 'group-member', group: name, user });
    }
  }
  return actions;
};
