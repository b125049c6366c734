/** Table-driven checks of the appliers and their parsers on in-memory images. */
import t from 'tap';
import type { Action } from '../../src/actions/action.js';
import { applyActions } from '../../src/apply/apply-actions.js';
import { formatAlternativeDb, parseAlternativeDb } from '../../src/apply/apply-alternatives.js';
import { chfnGecos, shadowNewId } from '../../src/apply/apply-identity.js';
import { parseLsbLevels } from '../../src/apply/apply-sysv.js';
import { parseAdduserConf, parseLoginDefs } from '../../src/apply/identity-config.js';
import { MemoryImageView, type MemoryNode } from '../../src/apply/image-view.js';
import { fnmatch, parsePresetFile, presetFor } from '../../src/apply/preset-rules.js';
import { dpkgPathHash, formatStatOverrides } from '../../src/apply/statoverride-db.js';
import { parseTmpfilesLine } from '../../src/apply/apply-tmpfiles.js';
import { parseInstallSection } from '../../src/apply/unit-install-section.js';

const EPOCH = 1700000000;
const DAY = String(Math.floor(EPOCH / 86400));

const debianBase: Record<string, string | MemoryNode> = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  '/etc/group': 'root:x:0:\nshadow:x:42:\nusers:x:100:\nnogroup:x:65534:\n',
  '/etc/shadow': { type: 'file', content: 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n', mode: 0o640, gid: 42 },
  '/etc/gshadow': { type: 'file', content: 'root:*::\nshadow:*::\nusers:*::\nnogroup:*::\n', mode: 0o640, gid: 42 },
};

function image(extra: Record<string, string | MemoryNode> = {}): MemoryImageView {
  return new MemoryImageView({ ...debianBase, ...extra });
}

function file(result: ReturnType<typeof applyActions>, path: string): string | undefined {
  const n = result.staging.get(path);
  return n?.type === 'file' ? n.content.toString('utf8') : undefined;
}

t.test('parsers', async (t) => {
  t.strictSame(parseInstallSection('[Unit]\nWantedBy=x\n[Install]\nWantedBy=a.target \\\n  b.target\n# c\nAlias=x.service\nAlso=\nAlso=y.socket "z.service"\nDefaultInstance=tty1\nRequiredBy=r.target\nwantedby=ignored\n'), {
    wantedBy: ['a.target', 'b.target'],
    requiredBy: ['r.target'],
    upheldBy: [],
    alias: ['x.service'],
    also: ['y.socket', 'z.service'],
    defaultInstance: 'tty1',
  });
  t.equal(parseInstallSection('[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n'), undefined, 'no [Install] section');
  for (const [pattern, name, want] of [
    ['*', 'a.service', true],
    ['systemd-journal-gatewayd.*', 'systemd-journal-gatewayd.socket', true],
    ['getty@.service', 'getty@tty1.service', false],
    ['[ab]*.service', 'b.service', true],
    ['[!ab]*.service', 'b.service', false],
    ['a?.service', 'ab.service', true],
  ] as const) {
    t.equal(fnmatch(pattern, name), want, `${pattern} ~ ${name}`);
  }
  const rules = parsePresetFile('# c\nenable getty@.service tty1 tty2\ndisable *\nenable never.service\n', 'f');
  t.match(presetFor(rules, 'getty@.service'), { action: 'enable', instances: ['tty1', 'tty2'] });
  t.match(presetFor(rules, 'never.service'), { action: 'disable' }, 'first match wins');
  t.match(presetFor([], 'x.service'), { action: 'enable', instances: [] }, 'no rule: enable');
  t.strictSame(parseLsbLevels('#!/bin/sh\n# Default-Start: 9\n### BEGIN INIT INFO\n# Default-Start:\t2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\n# Default-Stop: 2\n'), { start: ['2', '3', '4', '5'], stop: ['0', '1', '6'] });
  t.match(parseTmpfilesLine('d+ "/var/lib/with space" 0750 a b 10d'), { type: 'd', modifiers: '+', path: '/var/lib/with space', mode: '0750', user: 'a', group: 'b', age: '10d', argument: '' });
  t.match(parseTmpfilesLine('f /etc/x 0644 - - - hello  world'), { argument: 'hello  world' });
  t.equal(parseTmpfilesLine('1 /x'), undefined);
  const db = 'auto\n/usr/bin/vi\nex\n/usr/bin/ex\n\n/usr/bin/a\n10\n/usr/bin/a-ex\n/usr/bin/b\n20\n\n\n';
  const parsed = parseAlternativeDb(db);
  t.ok(parsed);
  if (parsed) t.equal(formatAlternativeDb(parsed), db, 'administrative file round trip');
  t.equal(parseAlternativeDb('auto\n/usr/bin/vi\n\n/usr/bin/a\nten\n'), undefined, 'corrupt priority');
  // The hash is dpkg's FNV-1a over the path without its leading slash (order checked against dpkg in dpkg-reference).
  t.equal(dpkgPathHash('/var/log/zz') % 262139, 54174);
  t.equal(dpkgPathHash('var/log/zz'), dpkgPathHash('/var/log/zz'));
  t.equal(formatStatOverrides([{ user: 'root', group: 'adm', mode: 0o750, path: '/var/log/zz' }, { user: 'root', group: 'root', mode: 0o4755, path: '/usr/bin/a' }]), 'root adm 750 /var/log/zz\nroot root 4755 /usr/bin/a\n');
  t.match(parseAdduserConf('FIRST_SYSTEM_UID = "200"\n#LAST_SYSTEM_UID=300\nSYS_DIR_MODE=0750\nUID_POOL=/etc/pool\n'), { firstSystemUid: 200, lastSystemUid: 999, sysDirMode: 0o750, usesPools: true });
  t.match(parseLoginDefs('SYS_UID_MIN 201\nUID_MIN 1000\nUMASK 077\n#SYS_GID_MIN 5\nPASS_MAX_DAYS 99999\n'), { sysUidMin: 201, sysUidMax: 999, sysGidMin: 101, homeMode: 0o700, passMaxDays: 99999 });
  for (const [comment, want] of [
    ['Plain Name', 'Plain Name,,,'],
    ['A,B', 'A,B,,'],
    [',,,,', ',,,'],
    ['a,b,c,d,e,f', 'a,b,c,d,e'],
  ] as const) t.equal(chfnGecos(comment), want, `chfn ${comment}`);
  for (const [system, ids, want] of [
    [true, [999, 300], 299],
    [true, [101, 999, 997], 998],
    [true, [], 999],
    [false, [1000, 1005], 1006],
    [false, [60000], 1000],
  ] as const) {
    const taken = new Set<number>(ids);
    t.equal(shadowNewId(system, system ? 101 : 1000, system ? 999 : 60000, ids, (id) => taken.has(id)), want, `${system ? 'system' : 'regular'} after ${ids.join(',')}`);
  }
});

t.test('account actions on a Debian image', async (t) => {
  const actions: Action[] = [
    { kind: 'user', name: 'svc', system: true, group: 'nogroup', home: '/var/lib/svc', createHome: true, shell: '/usr/sbin/nologin' },
    { kind: 'group', name: 'svc-group', system: true },
    { kind: 'user', name: 'nobody', system: true, group: 'nogroup' },
    { kind: 'user', name: 'person', system: false, group: 'users' },
    { kind: 'group-member', group: 'users', user: 'svc' },
    { kind: 'group-member', group: 'users', user: 'svc' },
    { kind: 'group-member', group: 'missing', user: 'svc' },
    { kind: 'user', name: 'orphan', system: true, group: 'no-such-group' },
  ];
  const result = applyActions(actions, image({ '/etc/adduser.conf': 'FIRST_SYSTEM_UID=150\nFIRST_SYSTEM_GID=160\n' }), { family: 'debian', epoch: EPOCH });
  t.equal(file(result, '/etc/passwd'), `${debianBase['/etc/passwd'] as string}svc:x:150:65534::/var/lib/svc:/usr/sbin/nologin\n`);
  t.equal(file(result, '/etc/group'), 'root:x:0:\nshadow:x:42:\nusers:x:100:svc\nnogroup:x:65534:\nsvc-group:x:160:\n');
  t.equal(file(result, '/etc/shadow'), `root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\nsvc:!:${DAY}::::::\n`);
  t.equal(file(result, '/etc/gshadow'), 'root:*::\nshadow:*::\nusers:*::svc\nnogroup:*::\nsvc-group:!::\n');
  t.match(result.staging.get('/etc/shadow'), { mode: 0o640, gid: 42 }, 'keeps the image file mode and owner');
  t.match(result.staging.get('/var/lib/svc'), { type: 'dir', mode: 0o755, uid: 150, gid: 65534, uname: 'svc', gname: 'nogroup' });
  t.match(result.staging.get('/var/lib'), { type: 'dir', mode: 0o755, uid: 0 }, 'missing parents are made root 0755');
  t.strictSame(
    result.applied.map((a) => a.outcome.kind),
    ['done', 'done', 'defer', 'defer', 'done', 'nothing', 'defer', 'defer'],
  );
  t.match(result.deferred.map((d) => d.reason), [/not a system user/, /regular adduser account/, /group missing does not exist/, /group no-such-group does not exist/]);
  // apt's `! getent passwd _apt && adduser --system ... _apt`: base-passwd's _apt (UID 42) is below
  // FIRST_SYSTEM_UID, so adduser itself would exit 1, but the script never runs it.
  const guarded = applyActions([{ kind: 'user', name: 'nobody', system: true, group: 'nogroup', ifAbsent: true }], image({ '/etc/adduser.conf': 'FIRST_SYSTEM_UID=150\n' }), { family: 'debian', epoch: EPOCH });
  t.match(guarded.applied, [{ outcome: { kind: 'nothing', reason: /only when getent finds no such user/ } }]);
  t.equal(guarded.staging.get('/etc/passwd'), undefined, 'passwd untouched');
  const pools = applyActions([actions[0] as Action], image({ '/etc/adduser.conf': 'UID_POOL=/etc/uidpool\n' }), { family: 'debian', epoch: EPOCH });
  t.match(pools.deferred, [{ reason: /POOL/ }]);
});

t.test('phases, caches, fresh-install no-ops', async (t) => {
  const actions: Action[] = [
    { kind: 'cache', cache: 'ldconfig' },
    { kind: 'path-attr', path: '/var/lib/app', owner: 'app', group: 'app', mode: 0o750 },
    { kind: 'conffile-op', op: 'rm_conffile', args: ['/etc/old.conf', '1.0~'] },
    { kind: 'cache', cache: 'fontconfig' },
    { kind: 'debconf-register', template: 'app/question' },
    { kind: 'user', name: 'app', system: true, group: 'app' },
    { kind: 'group', name: 'app', system: true },
    { kind: 'cache', cache: 'ldconfig', args: ['-X'] },
    { kind: 'directory', path: '/var/log/app', owner: 'app', mode: 0o2750 },
    { kind: 'symlink', path: '/etc/app/current', target: '/usr/share/app' },
    { kind: 'remove', path: '/etc/app.dist', recursive: false },
    { kind: 'remove', path: '/etc/never-there', recursive: false },
  ];
  const result = applyActions(actions, image({ '/var/lib/app/.keep': '', '/etc/app.dist': 'x' }), { family: 'debian', epoch: EPOCH });
  t.strictSame(
    result.applied.map((a) => a.action.kind),
    ['user', 'group', 'path-attr', 'directory', 'symlink', 'remove', 'remove', 'cache', 'conffile-op', 'cache', 'debconf-register', 'cache'],
    'identity first, then files, then the rest, each phase in the given order',
  );
  t.match(result.applied[0]?.outcome, { kind: 'defer', reason: /group app does not exist/ }, 'the user came before its group, as in the scripts');
  t.match(result.applied[1]?.outcome, { kind: 'done', notes: [/group app GID 101/] });
  t.match(result.applied[2]?.outcome, { kind: 'defer', reason: /user app does not exist/ }, 'so the files it would own defer too');
  t.notOk(result.staging.get('/var/lib/app'));
  t.strictSame(result.removals, ['/etc/app.dist']);
  t.match(result.applied.find((a) => a.action.kind === 'conffile-op')?.outcome, { kind: 'nothing', reason: /fresh install/ });
  const caches = result.deferred.filter((d) => d.actions[0]?.kind === 'cache');
  t.strictSame(caches.map((c) => [c.command, c.actions.length]), [[['ldconfig'], 2], [['fc-cache', '-s'], 1]], 'one batch per cache kind');
});

t.test('actions under path tests', async (t) => {
  const scope = 'login postinst: [ ! -e "$DPKG_ROOT/etc/subuid" ]';
  const missing = { path: '/etc/subuid', test: 'e', holds: false, scope } as const;
  const present = { path: '/etc/subgid', test: 'e', holds: false, scope: 'login postinst: [ ! -e "$DPKG_ROOT/etc/subgid" ]' } as const;
  const actions: Action[] = [
    // login: touch, chown, chmod under one test; the touch must not change the answer for the rest
    { kind: 'tmpfiles', config: '(touch)', lines: ['f /etc/subuid - - - -'], when: [missing] },
    { kind: 'path-attr', path: '/etc/subuid', owner: 'root', group: 'root', when: [missing] },
    { kind: 'path-attr', path: '/etc/subuid', mode: 0o640, when: [missing] },
    { kind: 'tmpfiles', config: '(touch)', lines: ['f /etc/subgid - - - -'], when: [present] },
    { kind: 'path-attr', path: '/etc/subgid', mode: 0o600, when: [present] },
    // openssh-client: only without an admin's statoverride
    { kind: 'path-attr', path: '/usr/bin/ssh-agent', mode: 0o2755, when: [{ path: '/usr/bin/ssh-agent', test: 'statoverride', holds: false, scope: 'o' }] },
    { kind: 'path-attr', path: '/usr/bin/locked', mode: 0o755, when: [{ path: '/usr/bin/locked', test: 'statoverride', holds: false, scope: 'o2' }] },
    // bash: /bin/sh is there (a link to dash), so no link to bash
    { kind: 'symlink', path: '/bin/sh', target: 'bash', when: [{ path: '/bin/sh', test: 'e', holds: false, scope: 'b' }] },
    { kind: 'remove', path: '/etc/link', recursive: false, when: [{ path: '/etc/link', test: 'h', holds: true, scope: 'x' }] },
    { kind: 'remove', path: '/etc/plain', recursive: false, when: [{ path: '/etc/plain', test: 'h', holds: true, scope: 'x2' }] },
    // a touch outside /etc and /var is not realised at build time, and no tmpfiles.d file would apply it at boot
    { kind: 'tmpfiles', config: '(touch)', lines: ['f /usr/lib/x/marker - - - -'] },
  ];
  const result = applyActions(
    actions,
    image({
      '/etc/subgid': 'root:100000:65536\n',
      '/usr/bin/ssh-agent': 'ELF',
      '/usr/bin/locked': 'ELF',
      '/var/lib/dpkg/statoverride': 'root root 700 /usr/bin/locked\n',
      '/bin/dash': 'ELF',
      '/bin/sh': { type: 'symlink', target: 'dash' } as MemoryNode,
      '/etc/link': { type: 'symlink', target: 'elsewhere' } as MemoryNode,
      '/etc/plain': 'x',
    }),
    { family: 'debian', epoch: EPOCH },
  );
  t.strictSame(
    result.applied.map((a) => a.outcome.kind),
    ['done', 'done', 'done', 'nothing', 'nothing', 'done', 'nothing', 'nothing', 'done', 'nothing', 'defer'],
  );
  t.match(result.staging.get('/etc/subuid'), { type: 'file', mode: 0o640, uid: 0, gid: 0 }, 'created empty, then owner and mode under the same test');
  t.notOk(result.staging.get('/etc/subgid'), 'an existing file is left alone');
  t.match(result.applied[3]?.outcome, { reason: /\[ ! -e \/etc\/subgid \] does not hold/ });
  t.match(result.staging.get('/usr/bin/ssh-agent'), { mode: 0o2755 });
  t.notOk(result.staging.get('/usr/bin/locked'), 'an override in the statoverride database wins');
  t.notOk(result.staging.get('/bin/sh'));
  t.strictSame(result.removals, ['/etc/link']);
  t.match(result.deferred.at(-1)?.reason, /not realised at build time/);
});

t.test('batches that keep what each package asked for', async (t) => {
  const actions: Action[] = [
    { kind: 'cache', cache: 'emacs-add-ons', args: ['emacsen-common'] },
    { kind: 'cache', cache: 'dictionaries-common', args: ['update-dictcommon-aspell'] },
    { kind: 'cache', cache: 'emacs-add-ons', args: ['elpa-dash'] },
    { kind: 'cache', cache: 'dictionaries-common', args: ['update-default-wordlist', '--rebuild'] },
    { kind: 'cache', cache: 'emacs-add-ons', args: ['elpa-popup'] },
    { kind: 'cache', cache: 'dictionaries-common', args: ['update-dictcommon-aspell'] },
    { kind: 'cache', cache: 'emacs-add-ons', args: ['elpa-dash'] },
    { kind: 'cache', cache: 'dictd' },
    // xfonts-biznet-75dpi, then another 75dpi font package, then ghostscript
    { kind: 'cache', cache: 'font-indexes', args: ['update-fonts-dir', '--x11r7-layout', '75dpi'] },
    { kind: 'cache', cache: 'font-indexes', args: ['update-fonts-alias', '--include', '/etc/X11/fonts/75dpi/xfonts-biznet-75dpi.alias', '75dpi'] },
    { kind: 'cache', cache: 'font-indexes', args: ['update-fonts-dir', '--x11r7-layout', '75dpi'] },
    { kind: 'cache', cache: 'font-indexes', args: ['update-gsfontmap'] },
    { kind: 'cache', cache: 'hwdb' },
  ];
  const result = applyActions(actions, image({}), { family: 'debian', epoch: EPOCH });
  const byKind = new Map(result.deferred.map((d) => [d.actions[0]?.kind === 'cache' ? d.actions[0].cache : '', d]));
  const emacs = byKind.get('emacs-add-ons');
  t.equal(emacs?.actions.length, 4, 'one batch for every add-on');
  t.strictSame(emacs?.command?.slice(3), ['sh', 'emacsen-common', 'elpa-dash', 'elpa-popup'], 'each add-on once, in the order given');
  t.match(emacs?.command?.[2], /emacs-package-install --postinst "\$p" \|\| exit 1/);
  t.strictSame(byKind.get('dictionaries-common')?.command?.slice(3), ['sh', 'update-dictcommon-aspell', 'update-default-wordlist --rebuild'], 'each tool line once');
  t.strictSame(byKind.get('dictd')?.command, ['dictdconfig', '-w']);
  const fonts = byKind.get('font-indexes');
  t.strictSame(
    fonts?.command?.slice(3),
    ['sh', 'update-fonts-dir --x11r7-layout 75dpi', 'update-fonts-alias --include /etc/X11/fonts/75dpi/xfonts-biznet-75dpi.alias 75dpi', 'update-gsfontmap'],
    'each font index line once, in the order given',
  );
  t.match(fonts?.command?.[2], /command -v "\$1" >\/dev\/null \|\| continue/, 'a tool the image lacks is skipped, as the packages\' `which` tests skip it');
  t.strictSame(byKind.get('hwdb')?.command, ['systemd-hwdb', '--usr', 'update']);
});

t.test('ucf and ucfr (dh_ucf) on a fresh path', async (t) => {
  const template = '/usr/lib/libreoffice/share/.registry/impress.xcd';
  const dest = '/etc/libreoffice/registry/impress.xcd';
  const content = '<xcd/>\n';
  // md5sum of the template, as `md5sum FILE` prints it
  const md5 = '9c32ab0b7fcd4c719ef4b43ef2edf86f';
  const tools = { '/usr/bin/ucf': 'sh', '/usr/bin/ucfr': 'sh' };
  const installed = applyActions(
    [
      { kind: 'ucf', template, path: dest, threeWay: true },
      { kind: 'ucf-register', package: 'libreoffice-impress', path: dest, force: true },
    ],
    image({ ...tools, [template]: { type: 'file', content, mode: 0o640 } as MemoryNode, '/etc/libreoffice/registry/.keep': '', '/var/lib/ucf/hashfile': 'aaa  /etc/other\n', '/var/lib/ucf/hashfile.0': 'old\n' }),
    { family: 'debian', epoch: EPOCH },
  );
  t.strictSame(installed.applied.map((a) => a.outcome.kind), ['done', 'done']);
  t.match(installed.staging.get(dest), { type: 'file', mode: 0o640 }, 'cp -p keeps the template\'s mode');
  t.equal(file(installed, dest), content);
  t.equal(file(installed, '/var/lib/ucf/hashfile'), `aaa  /etc/other\n${md5}  ${dest}\n`, 'hashfile: other entries kept, this one appended');
  t.equal(file(installed, '/var/lib/ucf/hashfile.0'), 'aaa  /etc/other\n', 'the previous hashfile rotated to .0');
  t.equal(file(installed, '/var/lib/ucf/hashfile.1'), 'old\n', 'and .0 to .1');
  t.equal(file(installed, '/var/lib/ucf/cache/:etc:libreoffice:registry:impress.xcd'), content, '--three-way keeps the template in the cache');
  t.equal(file(installed, '/var/lib/ucf/registry'), `libreoffice-impress \t ${dest}\n`, 'registry created (ucf\'s postinst would have) with the owner');

  const cases: { name: string; files: Record<string, string | MemoryNode>; action: Action; want: RegExp }[] = [
    { name: 'a file already at the path', files: { ...tools, [template]: content, [dest]: 'local\n' }, action: { kind: 'ucf', template, path: dest, threeWay: false }, want: /already in the image/ },
    { name: 'a checksum already recorded', files: { ...tools, [template]: content, '/var/lib/ucf/hashfile': `abc  ${dest}\n` }, action: { kind: 'ucf', template, path: dest, threeWay: false }, want: /checksum recorded/ },
    { name: 'no directory for the path', files: { ...tools, [template]: content }, action: { kind: 'ucf', template, path: dest, threeWay: false }, want: /not a directory in the image/ },
    { name: 'a diverted path', files: { ...tools, [template]: content, '/etc/libreoffice/registry/.keep': '', '/var/lib/dpkg/diversions': `${dest}\n${dest}.distrib\nother-pkg\n` }, action: { kind: 'ucf', template, path: dest, threeWay: false }, want: /diverted/ },
    { name: 'no template', files: { ...tools }, action: { kind: 'ucf', template, path: dest, threeWay: false }, want: /not a file in the image/ },
    { name: 'no ucf', files: { [template]: content }, action: { kind: 'ucf', template, path: dest, threeWay: false }, want: /ucf is not in the image/ },
    { name: 'registered to another package', files: { ...tools, '/var/lib/ucf/registry': `other \t ${dest}\n` }, action: { kind: 'ucf-register', package: 'x', path: dest, force: false }, want: /registered to other; ucfr fails/ },
  ];
  for (const c of cases) {
    const r = applyActions([c.action], image(c.files), { family: 'debian', epoch: EPOCH });
    t.match(r.applied[0]?.outcome, { kind: 'defer', reason: c.want }, c.name);
  }
  const linked = applyActions(
    [{ kind: 'ucf-register', package: 'x', path: '/etc/x/x.conf', force: false }],
    image({ ...tools, '/etc/x': { type: 'symlink', target: '/usr/share/x/etc' } as MemoryNode, '/usr/share/x/etc/.keep': '' }),
    { family: 'debian', epoch: EPOCH },
  );
  t.equal(file(linked, '/var/lib/ucf/registry'), 'x \t /usr/share/x/etc/x.conf\n', 'ucfr records the path with its links resolved (readlink -m)');
  const same = applyActions([{ kind: 'ucf-register', package: 'x', path: dest, force: false }], image({ ...tools, '/var/lib/ucf/registry': `x \t ${dest}\n` }), { family: 'debian', epoch: EPOCH });
  t.match(same.applied[0]?.outcome, { kind: 'nothing' }, 'already registered to the same package');
  const small = applyActions([{ kind: 'ucf', template, path: dest, threeWay: false }], image({ ...tools, [template]: content, '/etc/libreoffice/registry/.keep': '' }), { family: 'debian', epoch: EPOCH });
  t.ok(file(small, '/var/lib/ucf/cache/:etc:libreoffice:registry:impress.xcd'), 'a template under 25600 bytes is cached without --three-way too');
  t.notOk(small.staging.get('/var/lib/ucf/hashfile.0'), 'no previous hashfile, nothing rotated');
});

t.test('systemd, sysv and tmpfiles edge cases', async (t) => {
  const units = {
    '/lib/systemd/system/a.service': '[Install]\nWantedBy=multi-user.target\nAlso=b.socket\n',
    '/lib/systemd/system/b.socket': '[Install]\nWantedBy=sockets.target\nAlso=a.service\n',
    '/usr/lib/systemd/system/c.service': '[Install]\nRequiredBy=x.target\nUpheldBy=y.target\n',
    '/lib/systemd/system/t@.service': '[Install]\nWantedBy=multi-user.target\n',
    '/etc/systemd/system/multi-user.target.wants/d.service': { type: 'symlink', target: '/elsewhere/d.service' } as MemoryNode,
    '/lib/systemd/system/d.service': '[Install]\nWantedBy=multi-user.target\n',
    '/lib/systemd/system/alias.service': { type: 'symlink', target: 'a.service' } as MemoryNode,
  };
  const result = applyActions(
    ['a.service', 'c.service', 't@.service', 'd.service', 'missing.service', 'alias.service'].map((unit): Action => ({ kind: 'systemd-enable', unit })),
    new MemoryImageView(units),
    { family: 'debian', epoch: EPOCH, enableTool: 'systemctl' },
  );
  const link = (p: string): string | undefined => {
    const n = result.staging.get(p);
    return n?.type === 'symlink' ? n.target : undefined;
  };
  t.equal(link('/etc/systemd/system/multi-user.target.wants/a.service'), '/lib/systemd/system/a.service');
  t.equal(link('/etc/systemd/system/sockets.target.wants/b.socket'), '/lib/systemd/system/b.socket', 'Also= followed, loops stop');
  t.equal(link('/etc/systemd/system/x.target.requires/c.service'), '/usr/lib/systemd/system/c.service', 'found in /usr/lib when /lib lacks it');
  t.equal(link('/etc/systemd/system/y.target.upholds/c.service'), '/usr/lib/systemd/system/c.service');
  t.strictSame(
    result.applied.map((a) => a.outcome.kind),
    ['done', 'done', 'done', 'defer', 'defer', 'defer'],
  );
  t.notOk(result.staging.paths().some((p) => p.includes('t@')), 'a template without DefaultInstance gets no wants link');
  t.match(result.deferred.map((d) => d.reason), [/already exists and points to \/elsewhere/, /not in the image/, /symlink in the unit path/]);

  const insserv = applyActions([{ kind: 'sysv-enable', script: 's', args: ['defaults'] }], new MemoryImageView({
    '/etc/init.d/s': '### BEGIN INIT INFO\n# Default-Start: 2\n### END INIT INFO\n',
    '/usr/lib/insserv/insserv': '',
    '/etc/insserv.conf': '',
  }), { family: 'debian', epoch: EPOCH });
  t.match(insserv.deferred, [{ command: ['update-rc.d', 's', 'defaults'], reason: /insserv/ }], 'insserv orders scripts itself: deferred');

  const noTmpfiles = applyActions([{ kind: 'tmpfiles', config: 'x.conf' }], image({ '/usr/lib/tmpfiles.d/x.conf': 'd /run/x 0755 - - -\nd /var/lib/x 0700 - - -\n' }), { family: 'fedora', epoch: EPOCH });
  t.match(noTmpfiles.deferred, [{ command: ['systemd-tmpfiles', '--create', 'x.conf'] }], 'runtime lines with no systemd-tmpfiles in the image: deferred');
  t.match(noTmpfiles.staging.get('/var/lib/x'), { type: 'dir', mode: 0o700 }, 'persistent lines are still realised');
});
