import t from 'tap';
import type { Action } from '../../src/actions/action.js';
import type { Scriptlet } from '../../src/formats/types.js';
import { readPackageFile } from '../../src/formats/read-package-file.js';
import { classify } from '../../src/policy/classify.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import type { Outcome, Verdict } from '../../src/policy/verdict.js';
import { analyse } from '../../src/shell/analyse.js';
import { buildArchPackage } from '../helpers/build-arch-pkg.js';

// The shipped Arch policy on .INSTALL files shaped like Arch's (messages, account creation,
// sysusers/tmpfiles calls, owners), one function at a time, then on packages built with tar + zstd.
const loaded = loadPolicy('arch');
// The policy's sandbox isolate lives as long as the test process: disposing it in teardown made
// isolated-vm abort at exit in some runs.

function arch(entry: Scriptlet['phase'], body: string, pkg = 'foo'): Scriptlet {
  return { package: pkg, format: 'arch', phase: entry, entry, interpreter: { kind: 'bash', argv: ['/bin/bash'] }, body, origin: '.INSTALL' };
}

async function verdictOf(s: Scriptlet): Promise<Verdict> {
  return classify(s, await analyse(s), loaded.policy, loaded.runtime);
}

const scaffolding = new Set(['condition-test', 'no-op', 'message', 'exit-success', 'exit-bare', 'lookup', 'command-lookup', 'shell-options']);

/** The rule that says why: for a dropped script, the first part not dropped as scaffolding. */
function decidingRule(v: Verdict): string {
  if (v.outcome !== 'drop') return v.rule.id;
  return v.parts.find((p) => !scaffolding.has(p.rule.id))?.rule.id ?? v.rule.id;
}

const messages = `post_install() {
  echo ">>> To start the daemon: systemctl enable --now foo.service"
  printf '%s\\n' "==> See /usr/share/doc/foo/README.Arch"
}

post_upgrade() {
  post_install
}
`;

const heredocMessage = `post_install() {
  cat <<EOF
==> foo 2 changed its configuration format.
==> Run 'foo-migrate' after the upgrade.
EOF
}
`;

const accounts = `post_install() {
  getent group foo &>/dev/null || groupadd -r -g 210 foo
  getent passwd foo &>/dev/null || useradd -r -u 210 -g foo -d /var/lib/foo -s /usr/bin/nologin -c "Foo daemon" foo
  passwd -l foo &>/dev/null
  chown -R foo:foo /var/lib/foo 2>/dev/null || true
}

pre_remove() {
  userdel foo &>/dev/null
}
`;

const sysusersTmpfiles = `post_install() {
  systemd-sysusers foo.conf
  systemd-tmpfiles --create foo.conf
}
`;

const helperFunction = `note() {
  printf "\${blue}==>\${yellow} NOTE:\${bold} %s\${all_off}\\n" "$1"
}

post_install() {
  note "foo needs the bar group"
  getent group bar >/dev/null || groupadd -r bar
  chown root:bar usr/bin/foo-helper
  chmod 4750 usr/bin/foo-helper
}

post_upgrade() {
  post_install
  systemctl try-restart foo.service
}
`;

const cases: { name: string; entry: Scriptlet['phase']; body: string; outcome: Outcome; rule: string; actions?: Action[] }[] = [
  { name: 'messages only', entry: 'post_install', body: messages, outcome: 'drop', rule: 'message' },
  { name: 'post_upgrade calling post_install', entry: 'post_upgrade', body: messages, outcome: 'drop', rule: 'removal-phase' },
  { name: 'a here-document message', entry: 'post_install', body: heredocMessage, outcome: 'drop', rule: 'here-document-message' },
  {
    name: 'account block, then a recursive chown',
    entry: 'post_install',
    body: accounts,
    outcome: 'defer',
    rule: 'chown',
  },
  {
    name: 'account block without the recursive chown',
    entry: 'post_install',
    body: accounts.replace(/  chown -R .*\n/, ''),
    outcome: 'translate',
    rule: 'groupadd',
    actions: [
      { kind: 'group', name: 'foo', system: true, gid: 210 },
      { kind: 'user', name: 'foo', system: true, uid: 210, group: 'foo', home: '/var/lib/foo', createHome: false, shell: '/usr/bin/nologin', gecos: 'Foo daemon' },
    ],
  },
  { name: 'pre_remove', entry: 'pre_remove', body: accounts, outcome: 'drop', rule: 'removal-phase' },
  {
    name: 'named sysusers and tmpfiles',
    entry: 'post_install',
    body: sysusersTmpfiles,
    outcome: 'translate',
    rule: 'systemd-sysusers',
    actions: [
      { kind: 'sysusers', config: 'foo.conf' },
      { kind: 'tmpfiles', config: 'foo.conf' },
    ],
  },
  { name: 'bare systemd-sysusers', entry: 'post_install', body: 'post_install() {\n  systemd-sysusers\n}\n', outcome: 'defer', rule: 'systemd-sysusers-all' },
  { name: 'bare systemd-tmpfiles --create', entry: 'post_install', body: 'post_install() {\n  systemd-tmpfiles --create\n}\n', outcome: 'defer', rule: 'systemd-tmpfiles-all' },
  {
    name: 'a message helper, a group, a setuid helper',
    entry: 'post_install',
    body: helperFunction,
    outcome: 'translate',
    rule: 'groupadd',
    actions: [
      { kind: 'group', name: 'bar', system: true },
      { kind: 'path-attr', path: '/usr/bin/foo-helper', owner: 'root', group: 'bar' },
      { kind: 'path-attr', path: '/usr/bin/foo-helper', mode: 0o4750 },
    ],
  },
  {
    name: 'systemctl daemon-reload and enable',
    entry: 'post_install',
    body: 'post_install() {\n  systemctl daemon-reload\n  systemctl enable foo.timer\n}\n',
    outcome: 'translate',
    rule: 'systemctl-enable',
    actions: [{ kind: 'systemd-enable', unit: 'foo.timer' }],
  },
  {
    name: 'info pages',
    entry: 'post_install',
    body: 'infodir=usr/share/info\nfilelist=(foo.info)\npost_install() {\n  for file in "${filelist[@]}"; do\n    install-info "$infodir/$file.gz" "$infodir/dir" 2>/dev/null\n  done\n}\n',
    outcome: 'drop',
    rule: 'install-info',
  },
  { name: 'host keys', entry: 'post_install', body: 'post_install() {\n  ssh-keygen -A\n}\n', outcome: 'defer', rule: '(default)' },
  {
    name: 'pre_install creating a directory',
    entry: 'pre_install',
    body: 'pre_install() {\n  install -dm750 -o root -g root var/lib/foo\n}\n',
    outcome: 'translate',
    rule: 'install-directory',
    actions: [{ kind: 'directory', path: '/var/lib/foo', mode: 0o750, owner: 'root', group: 'root' }],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const v = await verdictOf(arch(c.entry, c.body));
    t.equal(v.outcome, c.outcome, v.reason);
    t.equal(decidingRule(v), c.rule);
    if (c.outcome !== 'defer') t.same(v.actions, c.actions ?? []);
  });
}

const pkginfo = (name: string) => `# Generated by makepkg 6.1.0
pkgname = ${name}
pkgbase = ${name}
xdata = pkgtype=pkg
pkgver = 1.0-1
pkgdesc = fixture
url = https://example.org
builddate = 1700000000
packager = Test <test@example.org>
size = 100
arch = x86_64
license = MIT
depend = glibc
`;

const packages: { name: string; install: string; expected: Record<string, [Outcome, string]> }[] = [
  {
    name: 'foo-daemon',
    install: `${helperFunction}
pre_remove() {
  systemctl disable --now foo.service
}
`,
    expected: {
      post_install: ['translate', 'groupadd'],
      post_upgrade: ['drop', 'removal-phase'],
      pre_remove: ['drop', 'removal-phase'],
    },
  },
  {
    name: 'foo-db',
    install: `${accounts.replace('post_install', 'pre_install')}
post_install() {
  systemd-tmpfiles --create foo.conf
  cat <<EOF
==> Initialise the database with: su - foo -c "initdb -D /var/lib/foo/data"
EOF
}

post_upgrade() {
  if (( $(vercmp $2 2.0) < 0 )); then
    echo "==> dump and restore your data"
  fi
}
`,
    expected: {
      pre_install: ['defer', 'chown'],
      post_install: ['translate', 'systemd-tmpfiles'],
      post_upgrade: ['drop', 'removal-phase'],
      pre_remove: ['drop', 'removal-phase'],
    },
  },
];

t.test('packages built with tar + zstd', async (t) => {
  const dir = t.testdir();
  for (const p of packages) {
    await t.test(p.name, async (t) => {
      const pkg = await readPackageFile(buildArchPackage(dir, p.name, { pkginfo: pkginfo(p.name), install: p.install, payload: { 'usr/bin/foo': '#!/bin/sh\n' } }));
      const got: Record<string, [Outcome, string]> = {};
      for (const s of pkg.scriptlets) {
        t.equal(s.entry, s.phase);
        const v = await verdictOf(s);
        got[s.phase] = [v.outcome, decidingRule(v)];
      }
      t.same(got, p.expected);
    });
  }
});
