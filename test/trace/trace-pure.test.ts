import t from 'tap';
import { diffAccounts } from '../../src/trace/account-diff.js';
import { fileList, infoName, registerUnpacked } from '../../src/trace/dpkg-registration.js';
import { sandboxArgv } from '../../src/trace/sandbox-argv.js';
import { enterArgv, holderArgv, overlayMountOptions, overlayPathProblem } from '../../src/trace/overlay-tree.js';
import { parseShimLog } from '../../src/trace/shim-log.js';
import { shimScripts, SHIMS } from '../../src/trace/shim-scripts.js';
import { diffTrees, type FileChange } from '../../src/trace/tree-diff.js';
import type { TraceReport } from '../../src/trace/trace-report.js';
import { usrMerged, verifyTranslation } from '../../src/trace/verify-translation.js';
import type { Action } from '../../src/actions/action.js';
import type { Verdict } from '../../src/policy/verdict.js';
import type { TreeNode, TreeSnapshot } from '../../src/trace/tree-snapshot.js';

const rec = (...fields: string[]): string => fields.map((f) => `${f}\0`).join('');

t.test('shim log: calls with empty arguments, exits matched by pid, forged records stop the reading', async (t) => {
  const log =
    rec('call', '10', '9', 'invoke-rc.d', 'deny-service', '2', 'ssh', 'start') +
    rec('call', '11', '9', 'adduser', 'forward', '3', '--system', '', 'sshd') +
    rec('exit', '11', '0', 'forwarded') +
    rec('exit', '10', '0', 'denied');
  const parsed = parseShimLog(log);
  t.equal(parsed.malformedAt, undefined);
  t.same(parsed.calls, [
    { name: 'invoke-rc.d', args: ['ssh', 'start'], handling: 'deny-service', pid: 10, ppid: 9, exit: 0, outcome: 'denied' },
    { name: 'adduser', args: ['--system', '', 'sshd'], handling: 'forward', pid: 11, ppid: 9, exit: 0, outcome: 'forwarded' },
  ]);
  const cases: [string, string][] = [
    ['unknown kind', rec('hello', 'world')],
    ['count past the end', rec('call', '1', '0', 'x', 'forward', '5', 'a')],
    ['bad handling', rec('call', '1', '0', 'x', 'escape', '0')],
    ['bad outcome', rec('exit', '1', '0', 'whatever')],
    ['huge count', rec('call', '1', '0', 'x', 'forward', '9999999999')],
  ];
  for (const [name, bad] of cases) {
    const p = parseShimLog(rec('call', '1', '0', 'ln', 'forward', '0') + bad);
    t.equal(p.calls.length, 1, name);
    t.ok(p.malformedAt !== undefined, name);
  }
});

t.test('shims: every shim logs its call first and names itself', async (t) => {
  const scripts = shimScripts();
  t.equal(scripts.size, SHIMS.size);
  for (const [name, text] of scripts) {
    t.ok(text.startsWith('#!/bin/sh\n'), name);
    t.match(text, `printf '%s\\0' call "$$" "$PPID" '${name}'`, name);
  }
  t.match(scripts.get('systemctl')!, /is-active\) echo inactive; __st_done 3/);
  t.match(scripts.get('invoke-rc.d')!, /__st_done 101 denied/);
});

const node = (over: Partial<TreeNode>): TreeNode => ({ type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, ino: 1n, ctimeNs: 1n, ...over });

t.test('tree diff', async (t) => {
  const before: TreeSnapshot = new Map([
    ['/etc', node({ type: 'dir', mode: 0o755 })],
    ['/etc/same', node({ ino: 2n })],
    ['/etc/rewritten-same', node({ ino: 3n })],
    ['/etc/rewritten', node({ ino: 4n })],
    ['/etc/chmod', node({ ino: 5n })],
    ['/etc/gone', node({ ino: 6n })],
    ['/etc/link', node({ type: 'symlink', mode: 0o777, target: 'a', ino: 7n })],
    ['/etc/untracked', node({ ino: 8n })],
  ]);
  const after: TreeSnapshot = new Map([
    ['/etc', node({ type: 'dir', mode: 0o755, ctimeNs: 9n })],
    ['/etc/same', node({ ino: 2n })],
    ['/etc/rewritten-same', node({ ino: 13n })],
    ['/etc/rewritten', node({ ino: 4n, ctimeNs: 2n, size: 2 })],
    ['/etc/chmod', node({ ino: 5n, ctimeNs: 2n, mode: 0o600, uid: 100 })],
    ['/etc/link', node({ type: 'symlink', mode: 0o777, target: 'b', ino: 7n, ctimeNs: 3n })],
    ['/etc/new', node({ ino: 20n, size: 3 })],
    ['/etc/untracked', node({ ino: 8n, ctimeNs: 5n })],
  ]);
  const hashes: Record<string, [string | undefined, string | undefined]> = {
    '/etc/rewritten-same': ['h1', 'h1'],
    '/etc/rewritten': ['h2', 'h3'],
    '/etc/chmod': ['h4', 'h4'],
    '/etc/new': [undefined, 'h5'],
    '/etc/untracked': [undefined, 'h6'],
  };
  const diff = diffTrees(before, after, { before: (p) => hashes[p]?.[0], after: (p) => hashes[p]?.[1] });
  t.same(
    diff.map((d) => [d.path, d.change, d.fields ?? []]),
    [
      ['/etc/chmod', 'changed', ['mode', 'owner']],
      ['/etc/gone', 'removed', []],
      ['/etc/link', 'changed', ['target']],
      ['/etc/new', 'created', []],
      ['/etc/rewritten', 'changed', ['content']],
      // No pristine copy and nothing else explains the new ctime: reported, not missed.
      ['/etc/untracked', 'changed', ['content']],
    ],
  );
  t.equal(diff.find((d) => d.path === '/etc/new')!.after!.sha256, 'h5');
  t.equal(diff.find((d) => d.path === '/etc/rewritten')!.before!.sha256, 'h2');
});

t.test('account diff', async (t) => {
  const d = diffAccounts(
    { passwd: 'root:x:0:0:root:/root:/bin/bash\nold:x:5:5::/:/bin/sh\n', group: 'root:x:0:\nadm:x:4:\n' },
    { passwd: 'root:x:0:0:root:/root:/bin/bash\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n', group: 'root:x:0:\nadm:x:4:syslog\ncrontab:x:101:\n' },
  );
  t.same(d.users.added.map((u) => [u.name, u.uid, u.home]), [['sshd', 100, '/run/sshd']]);
  t.same(d.users.removed.map((u) => u.name), ['old']);
  t.same(d.groups.added.map((g) => g.name), ['crontab']);
  t.same(d.groups.changed.map((c) => [c.after.name, c.after.members]), [['adm', ['syslog']]]);
});

t.test('dpkg registration', async (t) => {
  const control = 'Package: foo\nVersion: 1\nArchitecture: amd64\nMulti-Arch: same\nDescription: x\n y\n';
  t.equal(infoName(control), 'foo:amd64');
  t.equal(infoName('Package: bar\nArchitecture: all\n'), 'bar');
  const status = 'Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: foo\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\nVersion: 0\n';
  t.equal(
    registerUnpacked(status, control),
    'Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: foo\nStatus: install ok unpacked\nVersion: 1\nArchitecture: amd64\nMulti-Arch: same\nDescription: x\n y\n',
  );
  t.equal(fileList(['./', './usr/', './usr/bin/foo']), '/.\n/usr\n/usr/bin/foo\n');
});

t.test('sandbox argv: no host path but the tree and the harness; modes', async (t) => {
  const spec = { tree: '/w/tree', shimDir: '/w/bin', logDir: '/w/log', runDir: '/w/run', policyRcD: '/w/policy-rc.d', env: { PATH: '/x', A: 'b' }, command: ['/bin/sh', '-c', 'true'] };
  const user = sandboxArgv({ ...spec, mode: 'userns' });
  const root = sandboxArgv({ ...spec, mode: 'host-root' });
  t.ok(user.includes('--unshare-all') && user.includes('--uid'));
  t.notOk(root.includes('--unshare-all') || root.includes('--unshare-user'));
  for (const argv of [user, root]) {
    t.ok(argv.includes('--unshare-net') || argv.includes('--unshare-all'));
    t.ok(argv.includes('--die-with-parent') && argv.includes('--new-session') && argv.includes('--clearenv'));
    t.notOk(argv.includes('CAP_SYS_ADMIN') || argv.includes('CAP_MKNOD'));
    const binds: string[] = [];
    argv.forEach((a, i) => {
      if (a === '--bind' || a === '--ro-bind') binds.push(argv[i + 1]!);
    });
    t.same(binds.sort(), ['/w/bin', '/w/log', '/w/policy-rc.d', '/w/run', '/w/tree']);
    t.same(argv.slice(argv.indexOf('--') + 1), spec.command);
  }
});

t.test('overlay holder: mount options, namespace argv, paths overlayfs cannot hold', async (t) => {
  t.equal(overlayMountOptions('/l', '/u', '/w', false), 'lowerdir=/l,upperdir=/u,workdir=/w');
  t.equal(overlayMountOptions('/l', '/u', '/w', true), 'userxattr,lowerdir=/l,upperdir=/u,workdir=/w');
  t.same(holderArgv('/l', '/u', '/w', '/m', false).slice(0, 5), ['unshare', '--mount', '--propagation', 'private', 'sh']);
  t.same(holderArgv('/l', '/u', '/w', '/m', true).slice(0, 3), ['unshare', '--map-root-user', '--mount']);
  t.same(holderArgv('/l', '/u', '/w', '/m', true).slice(-2), ['userxattr,lowerdir=/l,upperdir=/u,workdir=/w', '/m']);
  t.same(enterArgv(42, false), ['nsenter', '--target=42', '--mount', '--']);
  t.same(enterArgv(42, true), ['nsenter', '--target=42', '--user', '--preserve-credentials', '--mount', '--']);
  const cases: [string[], boolean][] = [
    [['/a/b', '/c'], false],
    [['/a:b'], true],
    [['/a,b'], true],
    [['/a\\b'], true],
    [['/ok', '/x\ny'], true],
  ];
  for (const [paths, bad] of cases) t.equal(overlayPathProblem(paths) !== undefined, bad, paths.join(' '));
});

t.test('verifyTranslation: artefacts of the comparison are not mismatches; real gaps are', async (t) => {
  const rule = { id: 'r', policy: 'debian', file: 'debian.json5' };
  const verdict = (actions: Action[]): Verdict => ({
    package: 'p',
    format: 'deb',
    phase: 'postinst',
    outcome: 'translate',
    rule,
    reason: 'x',
    actions,
    parts: [{ part: { kind: 'script' }, outcome: 'translate', rule, reason: 'x', actions }],
  });
  const link = (path: string, target: string): FileChange => ({ path, change: 'created', after: { type: 'symlink', mode: 0o777, uid: 0, gid: 0, target } });
  const dir = (path: string): FileChange => ({ path, change: 'created', after: { type: 'dir', mode: 0o755, uid: 0, gid: 0 } });
  const file = (path: string): FileChange => ({ path, change: 'created', after: { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, sha256: 'x' } });
  const report = (files: FileChange[], preinstalled?: string): TraceReport =>
    ({
      sandbox: { ...(preinstalled ? { preinstalled } : {}) },
      accounts: { users: { added: [], removed: [], changed: [] }, groups: { added: [], removed: [], changed: [] } },
      files,
    }) as unknown as TraceReport;
  const alt = (link: string): Action => ({ kind: 'alternative', name: 'mt', link, path: '/usr/lib/mt-gnu', priority: 20, slaves: [] });
  const cases: [string, Action[], FileChange[], string | undefined, string[]][] = [
    ['alternative link through merged /usr', [alt('/bin/mt')], [link('/usr/bin/mt', '/etc/alternatives/mt'), link('/etc/alternatives/mt', '/usr/lib/mt-gnu')], undefined, []],
    ['alternative not made', [alt('/bin/mt')], [], undefined, ['unrealised-action alternative mt']],
    ['preinstalled: actions not judged', [alt('/bin/mt'), { kind: 'systemd-enable', unit: 'x.timer' }], [], '1.0', []],
    ['conditional symlink skipped', [{ kind: 'symlink', path: '/bin/sh', target: 'bash', when: [{ path: '/bin/sh', test: 'e', holds: false, scope: 's' }] } as Action], [], undefined, []],
    ['unconditional symlink missing', [{ kind: 'symlink', path: '/bin/sh', target: 'bash' }], [], undefined, ['unrealised-action symlink /bin/sh']],
    [
      'wants directory and user-helper state are systemd bookkeeping',
      [{ kind: 'systemd-enable', unit: 'a.service' }, { kind: 'systemd-enable', unit: 'v.service', user: true }],
      [
        dir('/etc/systemd/system/b.service.wants'),
        link('/etc/systemd/system/b.service.wants/a.service', '/lib/systemd/system/a.service'),
        dir('/etc/systemd/user/default.target.wants'),
        link('/etc/systemd/user/default.target.wants/v.service', '/usr/lib/systemd/user/v.service'),
        dir('/var/lib/systemd/deb-systemd-user-helper-enabled'),
        file('/var/lib/systemd/deb-systemd-user-helper-enabled/v.service.dsh-also'),
      ],
      undefined,
      [],
    ],
    ['enable translated, script enabled nothing (dont-enable snippet)', [{ kind: 'systemd-enable', unit: 'fever.service' }], [], undefined, ['unrealised-action systemd-enable fever.service']],
    ['alternative added to a group the root has: its registration counts', [alt('/usr/bin/mt')], [{ path: '/var/lib/dpkg/alternatives/mt', change: 'changed', fields: ['content'], after: { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 2, sha256: 'y' } }], undefined, []],
    [
      'dictionaries-common registry outputs are the cache action\'s',
      [{ kind: 'cache', cache: 'dictionaries-common', args: ['update-default-wordlist'] } as Action],
      [file('/var/cache/dictionaries-common/wordlist.db'), link('/usr/share/dict/words', '/etc/dictionaries-common/words'), file('/var/lib/dpkg/triggers/Unincorp')],
      undefined,
      [],
    ],
    ['deb-systemd-helper state of a dropped --no-enable snippet', [], [file('/var/lib/systemd/deb-systemd-helper-enabled/fever.service.dsh-also')], undefined, []],
    ['link nobody translated', [], [link('/usr/bin/nc', '/etc/alternatives/nc')], undefined, ['uncovered-effect symlink /usr/bin/nc']],
  ];
  for (const [name, actions, files, pre, want] of cases) {
    t.same(
      verifyTranslation(verdict(actions), report(files, pre)).map((m) => `${m.kind} ${m.subject}`),
      want,
      name,
    );
  }
  t.equal(usrMerged('/bin/mt'), '/usr/bin/mt');
  t.equal(usrMerged('/lib64'), '/usr/lib64');
  t.equal(usrMerged('/binary/x'), '/binary/x');
  t.equal(usrMerged('/usr/bin/x'), '/usr/bin/x');
});
