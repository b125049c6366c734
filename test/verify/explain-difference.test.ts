import t from 'tap';
import type { Difference } from '../../src/verify/compare-states.js';
import { type DeferredScript, explainDifferences, type ImageFacts, pathTokens, tokenNames } from '../../src/verify/explain-difference.js';
import type { FileState } from '../../src/verify/tree-state.js';
import { analyse } from '../../src/shell/analyse.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

const noFacts: ImageFacts = { tmpfiles: new Map(), sysusers: new Map(), basePasswdNames: [], units: new Map() };

const link = (target: string): FileState => ({ type: 'symlink', mode: 0o777, owner: 'root', group: 'root', target });
const file: FileState = { type: 'file', mode: 0o644, owner: 'root', group: 'root', sha256: 'x', size: 1 };
const dir: FileState = { type: 'dir', mode: 0o755, owner: 'root', group: 'root' };

function missing(path: string, ref: FileState = file): Difference {
  return { subject: { kind: 'file', path, reference: ref }, category: 'etc', change: 'missing' };
}

async function script(pkg: string, body: string, id = `001-${pkg}.postinst`): Promise<DeferredScript> {
  const s = { ...shellScriptlet(body, { phase: 'postinst' }), package: pkg };
  return { id, package: pkg, phase: 'postinst', reason: 'test', script: body, analysis: await analyse(s) };
}

t.test('path tokens: absolute, after $DPKG_ROOT, relative words, prefixes ending at an expansion', async (t) => {
  const tokens = pathTokens(
    [
      'ln -sf debian "$DPKG_ROOT/etc/dpkg/origins/default"',
      'install_directory etc/opt 755 root',
      'x=foo/etc/not-this y=/usr/lib/x/$v',
      'key=/etc/ssh/ssh_host_${type}_key',
      'mkdir -p /var/www/html/',
      'echo UTC > ${DPKG_ROOT}/etc/timezone',
    ].join('\n'),
  );
  t.same(
    tokens.map((x) => `${x.text}${x.prefix ? '…' : ''}`).sort(),
    ['/etc/dpkg/origins/default', '/etc/opt', '/etc/ssh/ssh_host_…', '/etc/timezone', '/usr/lib/x/…', '/var/www/html'],
  );
});

t.test('tokens name paths, never everything under a broad directory', async (t) => {
  const cases: [string, boolean, string, boolean][] = [
    ['/etc/ssh/sshd_config', false, '/etc/ssh/sshd_config', true],
    ['/etc/ssh/ssh_host_', true, '/etc/ssh/ssh_host_rsa_key', true],
    ['/etc/ssh/ssh_host_', true, '/etc/ssh/moduli', false],
    ['/var/lib/', true, '/var/lib/anything', false],
    ['/var/lib', false, '/var/lib/ucf/registry', false],
    ['/var/lib/dpkg', false, '/var/lib/dpkg/statoverride', false],
    ['/var/log/nginx', false, '/var/log/nginx/access.log', true],
    ['/etc/systemd/system', false, '/etc/systemd/system/multi-user.target.wants/x.service', false],
  ];
  for (const [text, prefix, path, want] of cases) t.equal(tokenNames({ text, prefix }, path), want, `${text}${prefix ? '…' : ''} names ${path}`);
});

t.test('accounts: through a wrapper function, with a constant for the name', async (t) => {
  const s = await script(
    'dbus-system-bus-common',
    '#!/bin/sh\nset -e\nMESSAGEUSER=messagebus\nin_sysroot () { "$@"; }\nif [ "$1" = configure ]; then\n  in_sysroot adduser --system --group "$MESSAGEUSER"\nfi\n',
  );
  const diffs: Difference[] = [
    { subject: { kind: 'user', name: 'messagebus' }, category: 'accounts', change: 'missing' },
    { subject: { kind: 'user', name: 'sshd' }, category: 'accounts', change: 'missing' },
  ];
  const [bus, sshd] = explainDifferences(diffs, [s], [], noFacts);
  t.equal(bus!.length, 1);
  t.match(bus![0]!.via, /adduser for messagebus/);
  t.same(sshd, [], 'a name the script never passes is not explained');
});

t.test('looking a tool up is not running it', async (t) => {
  const s = await script('x', '#!/bin/sh\nif command -v systemd-tmpfiles >/dev/null; then :; fi\n');
  const facts: ImageFacts = { ...noFacts, tmpfiles: new Map([['x.conf', [{ path: '/var/lib/x', recursive: false }]]]) };
  t.same(explainDifferences([missing('/var/lib/x', dir)], [s], [], facts), [[]]);
});

t.test('systemd-tmpfiles explains only the files it is given, and the paths they name', async (t) => {
  const s = await script('passwd', '#!/bin/sh\nsystemd-tmpfiles --create passwd.conf || true\n');
  const facts: ImageFacts = {
    ...noFacts,
    tmpfiles: new Map([
      ['passwd.conf', [{ path: '/etc/shadow-x', recursive: false }]],
      ['var.conf', [{ path: '/var/log/wtmp', recursive: false }, { path: '/var/lib/systemd', recursive: false }]],
    ]),
  };
  const [shadow, wtmp] = explainDifferences([missing('/etc/shadow-x'), missing('/var/log/wtmp')], [s], [], facts);
  t.equal(shadow!.length, 1);
  t.same(wtmp, []);
  const all = await script('systemd', '#!/bin/sh\nsystemd-tmpfiles --create var.conf\n');
  const [below] = explainDifferences([missing('/var/lib/systemd/deb-systemd-helper-enabled/x.service')], [all], [], facts);
  t.same(below, [], 'a d entry makes the directory, not what is inside it');
});

t.test('update-rc.d and unit enablement explain their own service only, with aliases and Also=', async (t) => {
  const nginx = await script('nginx-common', '#!/bin/sh\nupdate-rc.d nginx defaults >/dev/null\n');
  const ssh = await script('openssh-server', "#!/bin/sh\ndeb-systemd-helper unmask 'ssh.service' >/dev/null || true\ndeb-systemd-helper enable 'ssh.service' >/dev/null || true\n");
  const facts: ImageFacts = { ...noFacts, units: new Map([['ssh.service', { alias: ['sshd.service'], also: ['ssh.socket'] }]]) };
  const diffs = [
    missing('/etc/rc2.d/S01nginx', link('../init.d/nginx')),
    missing('/etc/rc2.d/S01ssh', link('../init.d/ssh')),
    missing('/etc/systemd/system/sshd.service', link('/lib/systemd/system/ssh.service')),
    missing('/var/lib/systemd/deb-systemd-helper-enabled/ssh.socket.dsh-also'),
    missing('/etc/systemd/system/multi-user.target.wants/nginx.service', link('/lib/systemd/system/nginx.service')),
    missing('/etc/systemd/system/multi-user.target.wants/cron.service', link('/lib/systemd/system/cron.service')),
  ];
  const got = explainDifferences(diffs, [nginx, ssh], [], facts).map((e) => e.map((x) => x.package));
  t.same(got, [['nginx-common'], [], ['openssh-server'], ['openssh-server'], ['nginx-common'], []]);
});

t.test('an id shifted by accounts made at first boot is explained by the scripts that make them', async (t) => {
  const cron = await script('cron-daemon-common', '#!/bin/sh\naddgroup --system crontab\n');
  const plain = await script('x', '#!/bin/sh\ntrue\n');
  const shifted: Difference = {
    subject: { kind: 'group', name: '_ssh', reference: { password: 'x', gid: 103, members: [] }, scriptlet: { password: 'x', gid: 101, members: [] } },
    category: 'accounts',
    change: 'gid 103 -> 101',
  };
  const fixed: Difference = {
    subject: { kind: 'group', name: 'adm', reference: { password: 'x', gid: 4, members: [] }, scriptlet: { password: 'x', gid: 5, members: [] } },
    category: 'accounts',
    change: 'gid 4 -> 5',
  };
  const [a, b] = explainDifferences([shifted, fixed], [cron, plain], [], noFacts);
  t.same(a!.map((e) => e.package), ['cron-daemon-common']);
  t.same(b, [], 'static ids below 100 never shift');
});

t.test('a file whose only difference is an owner made at first boot follows that account', async (t) => {
  const s = await script('nginx-common', '#!/bin/sh\nadduser --system www-log\n');
  const diffs: Difference[] = [
    { subject: { kind: 'user', name: 'www-log' }, category: 'accounts', change: 'missing' },
    {
      subject: { kind: 'file', path: '/srv/data/x', reference: { ...file, owner: 'www-log' }, scriptlet: { ...file, owner: '#999' } },
      category: 'var',
      change: 'owner',
    },
  ];
  const [, owned] = explainDifferences(diffs, [s], [], noFacts);
  t.match(owned![0]!.via, /belongs to www-log/);
});

t.test('actions the appliers deferred explain what they name (not their kind)', async (t) => {
  const work = { actions: [{ kind: 'directory' as const, path: '/var/lib/foo', mode: 0o750 }], reason: 'owner unknown', packages: ['foo'] };
  const cache = { actions: [{ kind: 'cache' as const, cache: 'ldconfig' as const }], reason: 'first boot', packages: ['libc-bin'] };
  const [foo, ucf] = explainDifferences([missing('/var/lib/foo/x'), missing('/var/lib/ucf/cache', dir)], [], [work, cache], noFacts);
  t.equal(foo!.length, 1);
  t.equal(foo![0]!.step, 'apply:directory');
  t.same(ucf, []);
});

t.test("a statoverride left for first boot explains dpkg's statoverride database; a plain mode change does not", async (t) => {
  const db = '/var/lib/dpkg/statoverride';
  const registered = { actions: [{ kind: 'path-attr' as const, path: '/usr/bin/crontab', mode: 0o2755, owner: 'root', group: 'crontab', statoverride: true }], reason: 'group crontab does not exist', packages: ['cron'] };
  const chmodOnly = { actions: [{ kind: 'path-attr' as const, path: '/usr/bin/x', mode: 0o755 }], reason: 'no such file', packages: ['x'] };
  const [byRegistered] = explainDifferences([missing(db)], [], [registered], noFacts);
  t.equal(byRegistered!.length, 1);
  t.match(byRegistered![0]!.via, /registers a statoverride for \/usr\/bin\/crontab/);
  t.same(explainDifferences([missing(db)], [], [chmodOnly], noFacts), [[]]);
});

t.test("a helper function's relative path words name exactly that path", async (t) => {
  const s = await script('base-files', '#!/bin/sh\ninstall_directory() { mkdir "$DPKG_ROOT/$1"; chown "root:$3" "$DPKG_ROOT/$1"; }\ninstall_directory srv 755 root\n');
  const got = explainDifferences([missing('/srv', dir), missing('/root/.ssh', dir), missing('/srv/www', dir)], [s], [], noFacts).map((e) => e.length);
  t.same(got, [1, 0, 0], 'srv names /srv only; the group argument root names nothing');
});

t.test('alternatives installed in a loop count when their target lies under the paths the script passes', async (t) => {
  const s = await script(
    'postgresql-client-15',
    '#!/bin/sh\nfor f in psql pg_dump; do\n  update-alternatives --install /usr/share/man/man1/$f.1.gz $f.1.gz /usr/share/postgresql/15/man/man1/$f.1.gz 150\ndone\n',
  );
  const diffs = [
    missing('/etc/alternatives/psql.1.gz', link('/usr/share/postgresql/15/man/man1/psql.1.gz')),
    missing('/etc/alternatives/vi', link('/usr/bin/vim.basic')),
  ];
  t.same(explainDifferences(diffs, [s], [], noFacts).map((e) => e.length), [1, 0]);
});

t.test('a2enmod explains the enabled modules, nothing else', async (t) => {
  const s = await script('apache2', '#!/bin/sh\nfor m in alias dir; do a2enmod -q $m; done\n');
  const got = explainDifferences([missing('/etc/apache2/mods-enabled/alias.load', link('../mods-available/alias.load')), missing('/etc/apache2/sites-enabled/000-default.conf', link('x'))], [s], [], noFacts);
  t.same(got.map((e) => e.length), [1, 0]);
});

t.test('what a sourced file or a helper script does counts as part of the script', async (t) => {
  const helperText = '#!/bin/sh\nfor f in $MANS; do update-alternatives --install /usr/share/man/man7/$f $f /usr/share/postgresql/15/man/man7/$f 150; done\n';
  const s: DeferredScript = {
    ...(await script('postgresql-15', '#!/bin/sh\n. /usr/share/postgresql-common/maintscripts-functions\nconfigure_version 15 "$2"\n')),
    sourced: [{ path: '/usr/share/postgresql-common/maintscripts-functions', script: helperText, analysis: await analyse(shellScriptlet(helperText)) }],
  };
  const diffs = [
    missing('/etc/alternatives/ABORT.7.gz', link('/usr/share/postgresql/15/man/man7/ABORT.7.gz')),
    missing('/usr/share/man/man7/ABORT.7.gz', link('/etc/alternatives/ABORT.7.gz')),
  ];
  const got = explainDifferences(diffs, [s], [], noFacts);
  t.same(got.map((e) => e.length), [1, 1], 'the alternative and the link to it');
  const bare: DeferredScript = { ...s, sourced: [] };
  t.same(explainDifferences(diffs, [bare], [], noFacts), [[], []], 'without the sourced file nothing names them');
});

t.test('a link only the reference has, to a file a deferred step makes beside it, is that step\'s', async (t) => {
  const helper = { path: '/usr/sbin/make-ssl-cert', script: '#!/bin/sh\nopenssl req -out /etc/ssl/certs/ssl-cert-snakeoil.pem\nln -sf "$filename" "${cryptfile}.$i"\n' };
  const s = { ...(await script('ssl-cert', '#!/bin/sh\nmake-ssl-cert generate-default-snakeoil\n')), sourced: [helper] };
  const [pem, hashLink, elsewhere, absolute] = explainDifferences(
    [
      missing('/etc/ssl/certs/ssl-cert-snakeoil.pem'),
      missing('/etc/ssl/certs/62742064.0', link('ssl-cert-snakeoil.pem')),
      missing('/etc/ssl/certs/00000000.0', link('other.pem')),
      missing('/etc/ssl/certs/11111111.0', link('/etc/ssl/certs/ssl-cert-snakeoil.pem')),
    ],
    [s],
    [],
    noFacts,
  );
  t.equal(pem!.length, 1, 'the helper names the certificate');
  t.equal(hashLink!.length, 1);
  t.match(hashLink![0]!.via, /a link to \/etc\/ssl\/certs\/ssl-cert-snakeoil\.pem, which 001-ssl-cert\.postinst makes/);
  t.same(elsewhere, [], 'a link to a file no step makes stays unexplained');
  t.same(absolute, [], 'only a link beside its target (a computed name in the same directory)');
});
