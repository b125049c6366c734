/**
 * Debian's adduser and addgroup (one Perl program; the name it runs under picks the mode).
 * Options are read as Getopt::Long reads them (see parse-argv.ts); the modes and defaults follow
 * adduser 3.134 (bookworm): `adduser --system` makes a system user whose primary group is
 * `nogroup` unless `--group` (a group of the same name) or `--ingroup` says otherwise, home
 * `/nonexistent` and shell `/usr/sbin/nologin` unless given; `adduser USER GROUP` adds a member;
 * `addgroup [--system] NAME` makes a group.
 *
 * Regular (non-system) users are refused: their home, shell, primary and extra groups come from
 * the target's /etc/adduser.conf, which a translation cannot see.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { runsOnlyIfAbsent } from './account-lookup-guard.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec } from './parse-argv.js';

const specs: readonly OptionSpec[] = [
  { id: 'add-extra-groups', long: ['add-extra-groups', 'add_extra_groups'], value: 'none' },
  { id: 'allow-all-names', long: ['allow-all-names'], value: 'none' },
  { id: 'allow-bad-names', long: ['allow-badname', 'allow-bad-names', 'force-badname'], value: 'none' },
  { id: 'comment', long: ['comment', 'gecos'], value: 'required' },
  { id: 'conf', short: 'c', long: ['conf'], value: 'required' },
  { id: 'debug', long: ['debug'], value: 'none' },
  { id: 'disabled-login', long: ['disabled-login'], value: 'none' },
  { id: 'disabled-password', long: ['disabled-password'], value: 'none' },
  { id: 'firstgid', long: ['firstgid'], value: 'required' },
  { id: 'firstuid', long: ['firstuid'], value: 'required' },
  { id: 'gid', long: ['gid'], value: 'required' },
  { id: 'group', long: ['group'], value: 'none' },
  { id: 'help', short: 'h', long: ['help'], value: 'none' },
  { id: 'home', long: ['home'], value: 'required' },
  { id: 'ingroup', long: ['ingroup'], value: 'required' },
  { id: 'lastgid', long: ['lastgid'], value: 'required' },
  { id: 'lastuid', long: ['lastuid'], value: 'required' },
  { id: 'no-create-home', long: ['no-create-home'], value: 'none' },
  { id: 'quiet', short: 'q', long: ['quiet'], value: 'none' },
  { id: 'shell', long: ['shell'], value: 'required' },
  { id: 'system', long: ['system'], value: 'none' },
  { id: 'uid', long: ['uid'], value: 'required' },
  { id: 'verbose', long: ['verbose'], value: 'none' },
  { id: 'version', short: 'v', long: ['version'], value: 'none' },
];

/** adduser's built-in SYS_NAME_REGEX / NAME_REGEX defaults and its IEEE fallback (checkname). */
const sysNameRegex = /^[a-z_][-a-z0-9_]*\$?$/;
const nameRegex = /^[a-z][-a-z0-9_]*\$?$/;
const ieeeRegex = /^[_.A-Za-z0-9][-@_.A-Za-z0-9]*\$?$/;
const minRegex = /^[^-+~:,\s/][^:,\s/]*$/;

const MAX_ID = 0xfffffffe;

export const translateAdduser: Translator = (command, _params, ctx) => {
  const inv = new Invocation('adduser', command, ctx, ['adduser', 'addgroup']);
  const args = inv.parse(specs, 'perl');
  const opt = (id: string): boolean => hasOption(args, id);
  const value = (id: string, what: string): string | undefined => {
    const o = lastOption(args, id);
    return o ? inv.literal(o.value, `${o.spelled} ${what}`) : undefined;
  };
  const id = (key: string): number | undefined => {
    const o = lastOption(args, key);
    return o ? inv.integer(o.value, o.spelled, 0, MAX_ID) : undefined;
  };

  for (const refused of ['help', 'version']) {
    if (opt(refused)) inv.fail(`--${refused} prints text and creates nothing`);
  }
  if (opt('conf')) inv.fail('--conf reads another configuration file, whose settings decide the result');
  for (const range of ['firstuid', 'lastuid', 'firstgid', 'lastgid']) {
    if (opt(range)) inv.fail(`--${range} restricts id allocation, which the user action cannot express`);
  }

  const system = opt('system');
  let mode: 'adduser' | 'addgroup' | 'addsysuser' | 'addsysgroup' | 'addusertogroup' =
    inv.program === 'addgroup' ? 'addgroup' : 'adduser';
  if (system) mode = mode === 'adduser' ? 'addsysuser' : 'addsysgroup';

  const names = args.operands.map((w) => inv.literal(w, 'name'));
  if (names.length === 0 || names.length > 2 || names[0] === '') inv.fail('needs one or two names');
  if (names.length === 2) {
    if (mode === 'addsysuser' || opt('group')) inv.fail('two names with --system or --group is an error');
    if (mode !== 'adduser') inv.fail('addgroup with two names is an error');
    const [user, group] = names as [string, string];
    return [{ kind: 'group-member', group, user }];
  }
  const name = names[0] as string;

  if (mode !== 'addgroup' && [opt('group'), opt('ingroup'), opt('gid')].filter(Boolean).length > 1) {
    inv.fail('--group, --ingroup and --gid are mutually exclusive');
  }
  const home = value('home', 'directory');
  if (home !== undefined && !home.startsWith('/')) inv.fail(`home ${home} is not absolute`);

  let makeGroupAlso = false;
  if (opt('group')) {
    if (mode === 'addsysuser') makeGroupAlso = true;
    else if (mode === 'adduser') mode = 'addgroup';
  }
  checkName(inv, name, system, opt('allow-bad-names') ? 1 : 0, opt('allow-all-names'));

  if (mode === 'addgroup' || mode === 'addsysgroup') {
    const gid = id('gid');
    return [{ kind: 'group', name, system: mode === 'addsysgroup', ...(gid !== undefined ? { gid } : {}) }];
  }
  if (mode === 'adduser') {
    inv.fail('a regular login user takes its home, shell and groups from /etc/adduser.conf');
  }

  if (opt('gid')) inv.fail('--gid names the primary group by number; its name is not known here');
  const uid = id('uid');
  const actions: Action[] = [];
  let group = value('ingroup', 'group') ?? 'nogroup';
  if (makeGroupAlso) {
    group = name;
    // With --uid, adduser gives the new group the same number (its "uid given" branch).
    actions.push({ kind: 'group', name, system: true, ...(uid !== undefined ? { gid: uid } : {}) });
  }
  const homeDir = home ?? '/nonexistent';
  const createHome = !/^\/+nonexistent(\/|$)/.test(homeDir) && !opt('no-create-home');
  const gecos = value('comment', 'text');
  actions.push({
    kind: 'user',
    name,
    system: true,
    ...(uid !== undefined ? { uid } : {}),
    group,
    home: homeDir,
    createHome,
    shell: value('shell', 'path') ?? '/usr/sbin/nologin',
    ...(gecos !== undefined ? { gecos } : {}),
    // With --group the guard would also decide whether the group is made; that pair is left to
    // what adduser does on its own.
    ...(!makeGroupAlso && runsOnlyIfAbsent(command, 'passwd', name) ? { ifAbsent: true } : {}),
  });
  return actions;
};

function checkName(inv: Invocation, name: string, system: boolean, level: number, allowAll: boolean): void {
  if (/^\d+$/.test(name)) inv.fail(`name ${name} is all digits, which adduser refuses`);
  if (Buffer.byteLength(name) > 32) inv.fail(`name ${name} is longer than 32 bytes`);
  if (!minRegex.test(name)) inv.fail(`name ${name} has characters adduser always refuses`);
  if ((system ? sysNameRegex : nameRegex).test(name)) return;
  if (allowAll) return;
  if (!ieeeRegex.test(name)) inv.fail(`name ${name} is not a portable name (adduser needs --allow-all-names)`);
  if (level === 0) {
    inv.fail(`name ${name} does not match adduser's default ${system ? 'SYS_' : ''}NAME_REGEX`);
  }
}
