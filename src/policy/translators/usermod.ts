/**
 * shadow's usermod, only in its additive form `usermod -a -G GROUP[,GROUP...] USER`. Every other
 * form changes an existing account (home, shell, lock, primary group), which is not a creation
 * the user actions express.
 */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec } from './parse-argv.js';
import { groupName } from './useradd.js';

const specs: readonly OptionSpec[] = [
  { id: 'append', short: 'a', long: ['append'], value: 'none' },
  { id: 'badname', short: 'b', long: ['badname'], value: 'none' },
  { id: 'comment', short: 'c', long: ['comment'], value: 'required' },
  { id: 'home', short: 'd', long: ['home'], value: 'required' },
  { id: 'expiredate', short: 'e', long: ['expiredate'], value: 'required' },
  { id: 'inactive', short: 'f', long: ['inactive'], value: 'required' },
  { id: 'gid', short: 'g', long: ['gid'], value: 'required' },
  { id: 'groups', short: 'G', long: ['groups'], value: 'required' },
  { id: 'help', short: 'h', long: ['help'], value: 'none' },
  { id: 'login', short: 'l', long: ['login'], value: 'required' },
  { id: 'lock', short: 'L', long: ['lock'], value: 'none' },
  { id: 'move-home', short: 'm', long: ['move-home'], value: 'none' },
  { id: 'non-unique', short: 'o', long: ['non-unique'], value: 'none' },
  { id: 'password', short: 'p', long: ['password'], value: 'required' },
  { id: 'remove', short: 'r', long: ['remove'], value: 'none' },
  { id: 'root', short: 'R', long: ['root'], value: 'required' },
  { id: 'prefix', short: 'P', long: ['prefix'], value: 'required' },
  { id: 'shell', short: 's', long: ['shell'], value: 'required' },
  { id: 'uid', short: 'u', long: ['uid'], value: 'required' },
  { id: 'unlock', short: 'U', long: ['unlock'], value: 'none' },
  { id: 'add-subuids', short: 'v', long: ['add-subuids'], value: 'required' },
  { id: 'del-subuids', short: 'V', long: ['del-subuids'], value: 'required' },
  { id: 'add-subgids', short: 'w', long: ['add-subgids'], value: 'required' },
  { id: 'del-subgids', short: 'W', long: ['del-subgids'], value: 'required' },
  { id: 'selinux-user', short: 'Z', long: ['selinux-user'], value: 'required' },
];

export const translateUsermod: Translator = (command, _params, ctx) => {
  const inv = new Invocation('usermod', command, ctx, ['usermod']);
  const args = inv.parse(specs, 'getopt');
  for (const o of args.options) {
    if (o.id !== 'append' && o.id !== 'groups') inv.fail(`${o.spelled} changes an existing account`);
  }
  const groups = lastOption(args, 'groups');
  if (!groups) return inv.fail('only usermod -a -G GROUPS USER is translated');
  if (!hasOption(args, 'append')) inv.fail('-G without -a replaces the supplementary groups');
  if (args.operands.length !== 1) inv.fail('needs exactly one login name');
  const user = inv.literal(args.operands[0], 'login name');
  return inv
    .literal(groups.value, `${groups.spelled} list`)
    .split(',')
    .map((g) => ({ kind: 'group-member' as const, group: groupName(inv, g, 'group'), user }));
};
