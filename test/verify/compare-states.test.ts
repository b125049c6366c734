import t from 'tap';
import { MemoryImageView } from '../../src/apply/image-view.js';
import { readAccountState } from '../../src/verify/account-state.js';
import { categoryOf, compareStates } from '../../src/verify/compare-states.js';
import { exclusionFor, exclusions } from '../../src/verify/exclusions.js';
import { readTreeState } from '../../src/verify/tree-state.js';

const passwd = 'root:x:0:0:root:/root:/bin/bash\nmessagebus:x:100:102::/nonexistent:/usr/sbin/nologin\n';
const group = 'root:x:0:\nadm:x:4:\nmessagebus:x:102:\n';

function image(extra: Record<string, string | { type: 'file'; content: string; mode?: number; uid?: number; gid?: number } | { type: 'symlink'; target: string } | { type: 'dir'; mode?: number; uid?: number; gid?: number }>, shadowDay = '19700'): MemoryImageView {
  return new MemoryImageView({
    '/etc/passwd': passwd,
    '/etc/group': group,
    '/etc/shadow': `root:*:${shadowDay}:0:99999:7:::\nmessagebus:!:${shadowDay}::::::\n`,
    '/etc/gshadow': 'root:*::\nadm:*::\nmessagebus:!::\n',
    ...extra,
  });
}

t.test('owners compare by name, so two images that gave an account different ids still match', async (t) => {
  const a = readTreeState(image({ '/var/lib/bus': { type: 'dir', uid: 100, gid: 102 } }), ['/var']);
  const b = readTreeState(new MemoryImageView({ '/etc/passwd': 'messagebus:x:105:110::/nonexistent:/usr/sbin/nologin\n', '/etc/group': 'messagebus:x:110:\n', '/var/lib/bus': { type: 'dir', uid: 105, gid: 110 } }), ['/var']);
  t.same(a.get('/var/lib/bus'), { type: 'dir', mode: 0o755, owner: 'messagebus', group: 'messagebus' });
  t.same(a.get('/var/lib/bus'), b.get('/var/lib/bus'));
  const unknown = readTreeState(new MemoryImageView({ '/var/x': { type: 'file', content: '', uid: 7, gid: 9 } }), ['/var']);
  t.equal(unknown.get('/var/x')?.owner, '#7');
});

t.test('accounts: the day of last change is not compared, everything else is', async (t) => {
  const ref = readAccountState(image({}, '20782'));
  const got = readAccountState(image({}, '19700'));
  const c = compareStates({ pristine: new Map(), reference: new Map(), scriptlet: new Map(), referenceAccounts: ref, scriptletAccounts: got });
  t.same(c.differences, []);
  t.same(c.matches.map((m) => `${m.kind} ${m.subject}`), ['user messagebus', 'user root', 'group adm', 'group messagebus', 'group root']);
  const shell = readAccountState(new MemoryImageView({ '/etc/passwd': passwd.replace('/usr/sbin/nologin', '/bin/sh'), '/etc/group': group }));
  const d = compareStates({ pristine: new Map(), reference: new Map(), scriptlet: new Map(), referenceAccounts: ref, scriptletAccounts: shell });
  t.match(d.differences.find((x) => x.subject.kind === 'user' && x.subject.name === 'messagebus')?.change, /shell "\/usr\/sbin\/nologin" -> "\/bin\/sh"/);
  t.ok(d.differences.some((x) => x.subject.kind === 'user' && x.subject.name === 'root' && /shadow/.test(x.change)), 'a missing shadow entry is a difference');
});

t.test('three-way: reproduced changes match, untouched files count, differences and exclusions are reported', async (t) => {
  const pristine = image({ '/etc/shipped': 'same', '/etc/motd.tail': 'x', '/var/lib/x': 'y' });
  const reference = image({
    '/etc/shipped': 'same',
    '/etc/motd.tail': 'x',
    '/var/lib/x': 'y',
    '/etc/made-by-script': 'hello',
    '/etc/systemd/system/multi-user.target.wants/a.service': { type: 'symlink', target: '/lib/systemd/system/a.service' },
    '/var/www/html/index.html': 'index',
    '/var/lib/dpkg/status': 'Package: a\n',
    '/etc/sudoers': { type: 'file', content: 's', mode: 0o440 },
  });
  const scriptlet = image({
    '/etc/shipped': 'same',
    '/etc/motd.tail': 'x',
    '/var/lib/x': 'y',
    '/var/lib/dpkg/status': '',
    '/etc/made-by-script': 'hello',
    '/etc/sudoers': { type: 'file', content: 's', mode: 0o644 },
  });
  const c = compareStates({
    pristine: readTreeState(pristine, ['/etc', '/var']),
    reference: readTreeState(reference, ['/etc', '/var']),
    scriptlet: readTreeState(scriptlet, ['/etc', '/var']),
    referenceAccounts: readAccountState(reference),
    scriptletAccounts: readAccountState(scriptlet),
  });
  t.same(c.matches.filter((m) => m.kind === 'file').map((m) => m.subject), ['/etc/made-by-script', '/var/lib/dpkg']);
  t.same(
    c.differences.map((d) => [d.subject.kind === 'file' ? d.subject.path : '', d.category, d.below ?? 0]),
    [
      ['/etc/sudoers', 'etc', 0],
      ['/etc/systemd', 'etc', 3],
      ['/var/www', 'var', 2],
    ],
    'a missing directory carries what is below it',
  );
  t.equal(c.differences[0]!.change, 'mode 0440 -> 0644');
  const status = c.excluded.find((e) => e.exclusion.patterns.includes('/var/lib/dpkg/status'));
  t.same([status?.paths, status?.differing], [1, 1]);
  t.ok(c.untouched >= 2);
});

t.test('categories and exclusions', async (t) => {
  const cases: [string, string][] = [
    ['/etc/rc2.d/S01ssh', 'rc-links'],
    ['/etc/alternatives/awk', 'alternatives'],
    ['/var/lib/dpkg/alternatives/awk', 'alternatives'],
    ['/var/lib/systemd/deb-systemd-helper-enabled/ssh.service.dsh-also', 'units'],
    ['/var/lib/dpkg/statoverride', 'statoverride'],
    ['/etc/ssh/sshd_config', 'etc'],
    ['/var/log/nginx', 'var'],
  ];
  for (const [path, category] of cases) t.equal(categoryOf(path), category, path);
  for (const path of ['/var/lib/dpkg/info/a.list', '/etc/machine-id', '/var/cache/debconf/config.dat', '/etc/shadow-', '/var/lib/ucf/registry.0']) {
    t.ok(exclusionFor(path), `${path} is excluded`);
  }
  for (const path of ['/var/lib/dpkg/statoverride', '/var/lib/dpkg/diversions', '/var/lib/ucf/registry', '/var/log/nginx/access.log', '/etc/subuid']) {
    t.notOk(exclusionFor(path), `${path} is compared`);
  }
  t.ok(exclusions.every((e) => e.reason.length > 20), 'every exclusion says why');
});
