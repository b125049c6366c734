/**
 * shadow's useradd (4.13 option set). Fields useradd takes from the target's configuration when
 * an option is absent are left out of the action: no `-d` means the target's default home
 * (HOME in /etc/default/useradd plus the name), no `-s` the target's default shell. Two
 * login.defs settings decide structure rather than a field, so they come from the policy rule's
 * params: `userGroups` (USERGROUPS_ENAB, default true as on Debian, Fedora and Arch: a group named
 * after the user when no `-g`/`-N`) and `createHome` (CREATE_HOME, only consulted for a regular
 * user without `-m`/`-M`; unset means refuse, since Debian and Fedora differ).
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec, type ParsedArgs } from './parse-argv.js';

const specs: readonly OptionSpec[] = [
  { id: 'badname', long: ['badname'], value: 'none' },
  { id: 'base-dir', short: 'b', long: ['base-dir'], value: 'required' },
  { id: 'btrfs-subvolume-home', long: ['btrfs-subvolume-home'], value: 'none' },
  { id: 'comment', short: 'c', long: ['comment'], value: 'required' },
  { id: 'home-dir', short: 'd', long: ['home-dir'], value: 'required' },
  { id: 'defaults', short: 'D', long: ['defaults'], value: 'none' },
  { id: 'expiredate', short: 'e', long: ['expiredate'], value: 'required' },
  { id: 'inactive', short: 'f', long: ['inactive'], value: 'required' },
  { id: 'add-subids-for-system', short: 'F', long: ['add-subids-for-system'], value: 'none' },
  { id: 'gid', short: 'g', long: ['gid'], value: 'required' },
  { id: 'groups', short: 'G', long: ['groups'], value: 'required' },
  { id: 'help', short: 'h', long: ['help'], value: 'none' },
  { id: 'skel', short: 'k', long: ['skel'], value: 'required' },
  { id: 'key', short: 'K', long: ['key'], value: 'required' },
  { id: 'no-log-init', short: 'l', long: ['no-log-init'], value: 'none' },
  { id: 'create-home', short: 'm', long: ['create-home'], value: 'none' },
  { id: 'no-create-home', short: 'M', long: ['no-create-home'], value: 'none' },
  { id: 'no-user-group', short: 'N', long: ['no-user-group'], value: 'none' },
  { id: 'non-unique', short: 'o', long: ['non-unique'], value: 'none' },
  { id: 'password', short: 'p', long: ['password'], value: 'required' },
  { id: 'system', short: 'r', long: ['system'], value: 'none' },
  { id: 'root', short: 'R', long: ['root'], value: 'required' },
  { id: 'prefix', short: 'P', long: ['prefix'], value: 'required' },
  { id: 'shell', short: 's', long: ['shell'], value: 'required' },
  { id: 'uid', short: 'u', long: ['uid'], value: 'required' },
  { id: 'user-group', short: 'U', long: ['user-group'], value: 'none' },
  { id: 'selinux-user', short: 'Z', long: ['selinux-user'], value: 'required' },
  { id: 'selinux-range', long: ['selinux-range'], value: 'required' },
];

const refusals: Record<string, string> = {
  defaults: 'prints or changes useradd defaults',
  help: 'prints text and creates nothing',
  expiredate: 'sets an account expiry, which the user action cannot express',
  inactive: 'sets password inactivity, which the user action cannot express',
  'add-subids-for-system': 'allocates subordinate ids, which the user action cannot express',
  key: 'overrides login.defs settings',
  password: 'sets a password hash, which the user action cannot express',
  root: 'works on another root directory',
  prefix: 'works on another prefix directory',
  'selinux-user': 'sets an SELinux user mapping',
  'selinux-range': 'sets an SELinux range',
  'btrfs-subvolume-home': 'makes the home a btrfs subvolume',
};

export const MAX_ID = 0xfffffffe;

export function refuseOptions(inv: Invocation, args: ParsedArgs, reasons: Record<string, string>): void {
  for (const o of args.options) {
    const why = reasons[o.id];
    if (why !== undefined) inv.fail(`${o.spelled} ${why}`);
  }
}

/** A group named by `-g`/`-G`: a number would need the target's group table to name it. */
export function groupName(inv: Invocation, text: string, what: string): string {
  if (text === '') inv.fail(`empty ${what}`);
  if (/^\d+$/.test(text)) inv.fail(`${what} ${text} is a number; the group's name is not known here`);
  return text;
}

function booleanParam(inv: Invocation, params: Record<string, unknown>, key: string): boolean | undefined {
  const v = params[key];
  if (v === undefined || typeof v === 'boolean') return v;
  return inv.fail(`parameter ${key} must be true or false`);
}

export const translateUseradd: Translator = (command, params, ctx) => {
  const inv = new Invocation('useradd', command, ctx, ['useradd']);
  const args = inv.parse(specs, 'getopt');
  refuseOptions(inv, args, refusals);
  const opt = (id: string): boolean => hasOption(args, id);
  const value = (id: string, what: string): string | undefined => {
    const o = lastOption(args, id);
    return o ? inv.literal(o.value, `${o.spelled} ${what}`) : undefined;
  };

  if (args.operands.length !== 1) inv.fail('needs exactly one login name');
  const name = inv.literal(args.operands[0], 'login name');
  const system = opt('system');
  if (opt('user-group') && (opt('gid') || opt('no-user-group'))) inv.fail('-U conflicts with -g and -N');
  if (opt('create-home') && opt('no-create-home')) inv.fail('-m conflicts with -M');

  const actions: Action[] = [];
  const user: Extract<Action, { kind: 'user' }> = { kind: 'user', name, system };
  const uidOpt = lastOption(args, 'uid');
  if (uidOpt) user.uid = inv.integer(uidOpt.value, uidOpt.spelled, 0, MAX_ID);

  const gid = value('gid', 'group');
  if (gid !== undefined) {
    user.group = groupName(inv, gid, 'primary group');
  } else if (opt('user-group') || (!opt('no-user-group') && (booleanParam(inv, params, 'userGroups') ?? true))) {
    user.group = name;
    user.createGroup = true;
  } else {
    inv.fail('without -g the primary group is GROUP from the target\'s /etc/default/useradd');
  }

  const home = value('home-dir', 'directory');
  const base = value('base-dir', 'directory');
  if (home !== undefined) user.home = inv.path(lastOption(args, 'home-dir')?.value, 'home');
  else if (base !== undefined) user.home = `${inv.path(lastOption(args, 'base-dir')?.value, 'base directory')}/${name}`.replace(/^\/\//, '/');

  if (opt('create-home')) user.createHome = true;
  else if (opt('no-create-home') || system) user.createHome = false;
  else {
    const createHome = booleanParam(inv, params, 'createHome');
    if (createHome === undefined) inv.fail('whether a home is created depends on CREATE_HOME in login.defs');
    user.createHome = createHome;
  }
  if (user.createHome && opt('skel')) inv.fail('-k copies a custom skeleton into the new home');

  const shell = value('shell', 'path');
  if (shell !== undefined) user.shell = shell;
  const gecos = value('comment', 'text');
  if (gecos !== undefined) user.gecos = gecos;
  actions.push(user);

  const extra = value('groups', 'list');
  if (extra !== undefined) {
    for (const g of extra.split(',')) {
      actions.push({ kind: 'group-member', group: groupName(inv, g, 'supplementary group'), user: name });
    }
  }
  return actions;
};
