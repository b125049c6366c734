import t from 'tap';
import type { Action } from '../../src/actions/action.js';
import type { Phase, Scriptlet } from '../../src/formats/types.js';
import { readPackageFile } from '../../src/formats/read-package-file.js';
import { classify } from '../../src/policy/classify.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import type { Outcome, Verdict } from '../../src/policy/verdict.js';
import { analyse } from '../../src/shell/analyse.js';
import { buildRpm } from '../helpers/build-rpm.js';
import { sysusersProvide } from '../helpers/rpm-fixture-specs.js';

// The shipped Fedora policy on scriptlet text shaped like Fedora's macro expansions (systemd's
// macros.systemd, the sysusers compat generator, glibc's ldconfig file trigger) and hand-written
// %pre blocks, then on packages built with rpmbuild carrying the same text.
const loaded = loadPolicy('fedora');
t.teardown(() => loaded.runtime.dispose());

async function verdictOf(s: Scriptlet): Promise<Verdict> {
  return classify(s, await analyse(s), loaded.policy, loaded.runtime);
}

function rpm(phase: Phase, body: string, interpreter: Scriptlet['interpreter'] = { kind: 'sh', argv: ['/bin/sh'] }, pkg = 'foo'): Scriptlet {
  return { package: pkg, format: 'rpm', phase, interpreter, body, origin: `header:${phase}` };
}

const helper = '/usr/lib/systemd/systemd-update-helper';

/** %systemd_post foo.service bar.socket, as systemd >= 249 expands it (with its leading newline). */
const systemdPost = `
if [ $1 -eq 1 ] && [ -x "${helper}" ]; then
    # Initial installation
    ${helper} install-system-units foo.service bar.socket || :
fi
`;
const systemdUserPost = `
if [ $1 -eq 1 ] && [ -x "${helper}" ]; then
    # Initial installation
    ${helper} install-user-units foo-agent.service || :
fi
`;
const systemdPreun = `
if [ $1 -eq 0 ] && [ -x "${helper}" ]; then
    # Package removal, not upgrade
    ${helper} remove-system-units foo.service || :
fi
`;
const systemdPostunRestart = `
if [ $1 -ge 1 ] && [ -x "${helper}" ]; then
    # Package upgrade, not uninstall
    ${helper} mark-restart-system-units foo.service || :
fi
`;
/** The same macro before systemd-update-helper (systemd < 249). */
const oldSystemdPost = `
if [ $1 -eq 1 ] ; then
        # Initial installation
        systemctl --no-reload preset foo.service >/dev/null 2>&1 || :
fi
`;
/** %sysusers_create_compat output for `g foo -`, `u foo - "Foo daemon" /var/lib/foo`, `m foo audio`. */
const sysusersCompat = `getent group 'foo' >/dev/null || groupadd -r 'foo' || :
getent passwd 'foo' >/dev/null || useradd -r -g 'foo' -d '/var/lib/foo' -s '/usr/sbin/nologin' -c 'Foo daemon' 'foo' || :
getent group 'audio' >/dev/null || groupadd -r 'audio' || :
usermod -a -G 'audio' 'foo' || :
`;
const handWrittenPre = `getent group tss >/dev/null || groupadd -f -g 59 -r tss
getent passwd tss >/dev/null || \\
    useradd -r -u 59 -g tss -d /dev/null -s /sbin/nologin \\
    -c "Account used by the trousers package" tss
exit 0
`;

const fooUser: Action = {
  kind: 'user',
  name: 'foo',
  system: true,
  group: 'foo',
  home: '/var/lib/foo',
  createHome: false,
  shell: '/usr/sbin/nologin',
  gecos: 'Foo daemon',
};

interface Case {
  name: string;
  phase: Phase;
  body: string;
  interpreter?: Scriptlet['interpreter'];
  pkg?: string;
  outcome: Outcome;
  rule: string;
  actions?: Action[];
}

const cases: Case[] = [
  {
    name: '%systemd_post',
    phase: 'post',
    body: systemdPost,
    outcome: 'translate',
    rule: 'systemd-post-preset',
    actions: [
      { kind: 'systemd-preset', unit: 'foo.service' },
      { kind: 'systemd-preset', unit: 'bar.socket' },
    ],
  },
  { name: '%systemd_post before systemd 249', phase: 'post', body: oldSystemdPost, outcome: 'translate', rule: 'systemctl-preset-enable', actions: [{ kind: 'systemd-preset', unit: 'foo.service' }] },
  { name: '%systemd_user_post', phase: 'post', body: systemdUserPost, outcome: 'defer', rule: 'systemd-user-post-preset' },
  { name: '%systemd_preun', phase: 'preun', body: systemdPreun, outcome: 'drop', rule: 'removal-phase' },
  { name: '%systemd_postun_with_restart', phase: 'postun', body: systemdPostunRestart, outcome: 'drop', rule: 'removal-phase' },
  {
    name: '%sysusers_create_compat',
    phase: 'pre',
    body: sysusersCompat,
    outcome: 'translate',
    rule: 'groupadd',
    actions: [
      { kind: 'group', name: 'foo', system: true },
      fooUser,
      { kind: 'group', name: 'audio', system: true },
      { kind: 'group-member', group: 'audio', user: 'foo' },
    ],
  },
  {
    name: 'hand-written %pre with fixed ids',
    phase: 'pre',
    body: handWrittenPre,
    outcome: 'translate',
    rule: 'groupadd',
    actions: [
      { kind: 'group', name: 'tss', system: true, gid: 59 },
      {
        kind: 'user',
        name: 'tss',
        system: true,
        uid: 59,
        group: 'tss',
        home: '/dev/null',
        createHome: false,
        shell: '/sbin/nologin',
        gecos: 'Account used by the trousers package',
      },
    ],
  },
  {
    name: '%post -p /sbin/ldconfig',
    phase: 'post',
    body: '',
    interpreter: { kind: 'program', argv: ['/sbin/ldconfig'] },
    outcome: 'translate',
    rule: 'ldconfig',
    actions: [{ kind: 'cache', cache: 'ldconfig' }],
  },
  { name: '%postun -p /sbin/ldconfig', phase: 'postun', body: '', interpreter: { kind: 'program', argv: ['/sbin/ldconfig'] }, outcome: 'drop', rule: 'removal-phase' },
  {
    name: 'an unknown -p program',
    phase: 'post',
    body: '',
    interpreter: { kind: 'program', argv: ['/usr/bin/foo-setup', '--init'] },
    outcome: 'defer',
    rule: '(default)',
  },
  { name: '%post -p <lua>', phase: 'post', body: 'print("hello")\n', interpreter: { kind: 'lua', argv: ['<lua>'] }, outcome: 'defer', rule: 'rpm-lua' },
  {
    name: 'systemd\'s Lua unit file trigger',
    phase: 'transfiletriggerin',
    pkg: 'systemd',
    body: 'pid = posix.fork()\nif pid == 0 then\n    assert(posix.exec("/usr/lib/systemd/systemd-update-helper", "system-reload-restart"))\nelseif pid > 0 then\n    posix.wait(pid)\nend\n',
    interpreter: { kind: 'lua', argv: ['<lua>'] },
    outcome: 'drop',
    rule: 'systemd-lua-file-triggers',
  },
  {
    name: 'glibc\'s Lua ldconfig trigger',
    phase: 'transfiletriggerin',
    pkg: 'glibc-common',
    body: 'call_ldconfig()\n',
    interpreter: { kind: 'lua', argv: ['<lua>'] },
    outcome: 'defer',
    rule: 'glibc-lua-ldconfig',
  },
  { name: 'glibc\'s shell ldconfig trigger', phase: 'transfiletriggerin', pkg: 'glibc-common', body: '/sbin/ldconfig\n', outcome: 'translate', rule: 'ldconfig', actions: [{ kind: 'cache', cache: 'ldconfig' }] },
  {
    name: 'shared-mime-info file trigger',
    phase: 'transfiletriggerin',
    body: 'update-mime-database -n /usr/share/mime &> /dev/null || :\n',
    interpreter: { kind: 'bash', argv: ['/bin/sh'] },
    outcome: 'translate',
    rule: 'cache-mime',
    actions: [{ kind: 'cache', cache: 'mime', args: ['/usr/share/mime'] }],
  },
  {
    name: 'glib2 schema and module triggers',
    phase: 'transfiletriggerin',
    body: 'gio-querymodules-64 /usr/lib64/gio/modules &> /dev/null || :\nglib-compile-schemas /usr/share/glib-2.0/schemas &> /dev/null || :\n',
    interpreter: { kind: 'bash', argv: ['/bin/sh'] },
    outcome: 'translate',
    rule: 'cache-gio-modules',
    actions: [
      { kind: 'cache', cache: 'gio-modules', args: ['/usr/lib64/gio/modules'] },
      { kind: 'cache', cache: 'glib-schemas', args: ['/usr/share/glib-2.0/schemas'] },
    ],
  },
  {
    name: 'fontconfig trigger with HOME set',
    phase: 'transfiletriggerin',
    body: 'HOME=/root /usr/bin/fc-cache -s\n',
    outcome: 'translate',
    rule: 'cache-fontconfig',
    actions: [{ kind: 'cache', cache: 'fontconfig' }],
  },
  {
    name: 'icon cache: touch in %post, refresh in %posttrans',
    phase: 'posttrans',
    body: 'touch --no-create /usr/share/icons/hicolor &>/dev/null || :\ngtk-update-icon-cache /usr/share/icons/hicolor &>/dev/null || :\n',
    interpreter: { kind: 'bash', argv: ['/bin/sh'] },
    outcome: 'translate',
    rule: 'cache-icons',
    actions: [{ kind: 'cache', cache: 'icons', args: ['/usr/share/icons/hicolor'] }],
  },
  {
    name: 'upgrade-only restart in %post',
    phase: 'post',
    body: 'if [ "$1" -ge 2 ]; then\n  /usr/sbin/foo-migrate --from-old\n  systemctl try-restart foo.service >/dev/null 2>&1 || :\nfi\n',
    outcome: 'drop',
    rule: 'rpm-not-first-install',
  },
  {
    name: 'first-install branch runs, the upgrade branch does not',
    phase: 'post',
    body: 'if [ $1 -eq 1 ]; then\n  mkdir -p /var/lib/foo\n  chown foo:foo /var/lib/foo\nelse\n  foo-migrate\nfi\n',
    outcome: 'translate',
    rule: 'mkdir',
    actions: [
      { kind: 'directory', path: '/var/lib/foo' },
      { kind: 'path-attr', path: '/var/lib/foo', owner: 'foo', group: 'foo' },
    ],
  },
  {
    name: 'a trigger that acts only when the target is upgraded',
    phase: 'triggerin',
    body: 'if [ $2 -gt 1 ]; then\n  foo-rebuild-index\nfi\n',
    outcome: 'drop',
    rule: 'rpm-trigger-target-upgrade',
  },
  {
    name: 'a trigger that acts on every install',
    phase: 'triggerin',
    body: 'foo-rebuild-index --all\n',
    outcome: 'defer',
    rule: '(default)',
  },
  { name: '%triggerun', phase: 'triggerun', body: 'foo-unregister\n', outcome: 'drop', rule: 'removal-phase' },
  {
    name: '%tmpfiles_create',
    phase: 'post',
    body: 'command -v systemd-tmpfiles >/dev/null && systemd-tmpfiles --create foo.conf || :\n',
    outcome: 'translate',
    rule: 'systemd-tmpfiles',
    actions: [{ kind: 'tmpfiles', config: 'foo.conf' }],
  },
  {
    name: '%sysusers_create',
    phase: 'pre',
    body: 'command -v systemd-sysusers >/dev/null && systemd-sysusers foo.conf || :\n',
    outcome: 'translate',
    rule: 'systemd-sysusers',
    actions: [{ kind: 'sysusers', config: 'foo.conf' }],
  },
  {
    name: '%sysctl_apply',
    phase: 'post',
    body: '[ -x /usr/lib/systemd/systemd-sysctl ] && /usr/lib/systemd/systemd-sysctl 50-foo.conf || :\n',
    outcome: 'drop',
    rule: 'apply-kernel-settings',
  },
  { name: 'udev rules reload', phase: 'post', body: 'udevadm control --reload >/dev/null 2>&1 || :\n', outcome: 'drop', rule: 'udevadm-runtime' },
  { name: 'systemctl enable --now', phase: 'post', body: 'systemctl enable --now foo.service\n', outcome: 'defer', rule: 'systemctl-preset-enable' },
  { name: 'restorecon', phase: 'post', body: 'restorecon -R /var/lib/foo >/dev/null 2>&1 || :\n', outcome: 'defer', rule: 'selinux-relabel' },
  { name: 'host key generation', phase: 'post', body: 'ssh-keygen -A\n', outcome: 'defer', rule: '(default)' },
  { name: 'a dynamic command', phase: 'post', body: 'for f in /etc/foo.d/*; do "$f" --init; done\n', outcome: 'defer', rule: '(default)' },
  {
    name: 'a sysusers.d line from the SYSUSERS tag',
    phase: 'sysusers',
    body: 'u foo - "Foo daemon" /var/lib/foo',
    interpreter: { kind: 'sysusers', argv: ['systemd-sysusers', '-'] },
    outcome: 'translate',
    rule: 'sysusers-entry',
    actions: [{ kind: 'group', name: 'foo', system: true }, { ...fooUser }],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const v = await verdictOf(rpm(c.phase, c.body, c.interpreter, c.pkg));
    t.equal(v.outcome, c.outcome, v.reason);
    t.equal(decidingRule(v), c.rule);
    if (c.outcome !== 'defer') t.same(v.actions, c.actions ?? []);
  });
}

t.test('%systemd_post: the tests and `|| :` are dropped, the helper translated', async (t) => {
  const v = await verdictOf(rpm('post', systemdPost));
  t.same(
    v.parts.map((p) => p.rule.id),
    ['condition-test', 'condition-test', 'systemd-post-preset', 'no-op'],
  );
});

// Packages as rpmbuild makes them. Macros are written out expanded, since this host's rpm has
// no systemd macros; `%%` is a literal `%` in a spec.
const header = (name: string, extra = '') => `Name: ${name}
Version: 1.0
Release: 1.fc42
Summary: fixture
License: MIT
BuildArch: noarch
${extra}
%description
fixture
`;

const daemonSpec = `${header('food', `Provides: user(food) = ${sysusersProvide('u food - "Food daemon" /var/lib/food')}\nProvides: group(food) = ${sysusersProvide('g food -')}\n`)}
%pre
${handWrittenPre.replace(/tss/g, 'food').replace(/59/g, '459').replace('trousers', 'food')}
%post
${systemdPost}
%preun
${systemdPreun}
%postun
${systemdPostunRestart}
%triggerin -- bar
if [ $2 -ge 2 ]; then
    systemctl try-restart food.service >/dev/null 2>&1 || :
fi
%triggerpostun -- food < 0.9
/usr/bin/systemctl --no-reload enable food.service >/dev/null 2>&1 || :
%posttrans
touch --no-create %{_datadir}/icons/hicolor &>/dev/null || :
gtk-update-icon-cache %{_datadir}/icons/hicolor &>/dev/null || :

%files
`;

const libSpec = `${header('libfoo')}
%post -p /sbin/ldconfig
%postun -p /sbin/ldconfig

%files
`;

const glibcSpec = `${header('glibc-common')}
%transfiletriggerin -P 2000000 -- /lib /usr/lib /lib64 /usr/lib64
/sbin/ldconfig
%end

%transfiletriggerpostun -P 2000000 -- /lib /usr/lib /lib64 /usr/lib64
/sbin/ldconfig
%end

%files
`;

const systemdSpec = `${header('systemd')}
%transfiletriggerin -P 900900 -p <lua> -- /usr/lib/systemd/system /etc/systemd/system
pid = posix.fork()
if pid == 0 then
    assert(posix.exec("/usr/lib/systemd/systemd-update-helper", "system-reload-restart"))
elseif pid > 0 then
    posix.wait(pid)
end

%transfiletriggerin -P 1000600 -p <lua> -- /usr/lib/tmpfiles.d
if posix.access("/run/systemd/system") then
    pid = posix.fork()
    if pid == 0 then
        assert(posix.execp("systemd-tmpfiles", "--create"))
    elseif pid > 0 then
        posix.wait(pid)
    end
end

%transfiletriggerpostun -P 1000100 -p <lua> -- /usr/lib/systemd/system /etc/systemd/system
pid = posix.fork()
if pid == 0 then
    assert(posix.exec("/usr/lib/systemd/systemd-update-helper", "system-reload"))
elseif pid > 0 then
    posix.wait(pid)
end

%post -p <lua>
-- reexecute the manager
if posix.access("/run/systemd/system") then
    os.execute("systemctl daemon-reexec")
end

%files
`;

const mimeSpec = `${header('shared-mime-info')}
%post
/usr/bin/update-mime-database -n %{_datadir}/mime &> /dev/null || :

%transfiletriggerin -- %{_datadir}/mime
update-mime-database -n %{_datadir}/mime &> /dev/null || :

%transfiletriggerpostun -- %{_datadir}/mime
update-mime-database -n %{_datadir}/mime &> /dev/null || :

%files
`;

/** phase -> [outcome, rule], one entry per scriptlet the package has (triggers by phase and target). */
type Expected = Record<string, [Outcome, string]>;

/** Rules of base that drop the shell scaffolding around the work. */
const scaffolding = new Set(['condition-test', 'no-op', 'message', 'exit-success', 'exit-bare', 'lookup', 'command-lookup', 'shell-options']);

/** The rule that says why: for a dropped script, the first part not dropped as scaffolding. */
function decidingRule(v: Verdict): string {
  if (v.outcome !== 'drop') return v.rule.id;
  return v.parts.find((p) => !scaffolding.has(p.rule.id))?.rule.id ?? v.rule.id;
}

function key(s: Scriptlet): string {
  return s.triggers ? `${s.phase} ${s.triggers.map((c) => c.target).join(' ')}` : s.phase;
}

const packages: { name: string; spec: string; expected: Expected; actions?: Action[] }[] = [
  {
    name: 'food',
    spec: daemonSpec,
    expected: {
      sysusers: ['translate', 'sysusers-entry'],
      pre: ['translate', 'groupadd'],
      post: ['translate', 'systemd-post-preset'],
      preun: ['drop', 'removal-phase'],
      postun: ['drop', 'removal-phase'],
      'triggerin bar': ['drop', 'rpm-trigger-target-upgrade'],
      'triggerpostun food': ['drop', 'removal-phase'],
      posttrans: ['translate', 'cache-icons'],
    },
    actions: [
      { kind: 'group', name: 'food', system: true },
      { kind: 'group', name: 'food', system: true },
      { kind: 'user', name: 'food', system: true, group: 'food', home: '/var/lib/food', createHome: false, shell: '/usr/sbin/nologin', gecos: 'Food daemon' },
      { kind: 'group', name: 'food', system: true, gid: 459 },
      {
        kind: 'user',
        name: 'food',
        system: true,
        uid: 459,
        group: 'food',
        home: '/dev/null',
        createHome: false,
        shell: '/sbin/nologin',
        gecos: 'Account used by the food package',
      },
      { kind: 'systemd-preset', unit: 'foo.service' },
      { kind: 'systemd-preset', unit: 'bar.socket' },
      { kind: 'cache', cache: 'icons', args: ['/usr/share/icons/hicolor'] },
    ],
  },
  {
    name: 'libfoo',
    spec: libSpec,
    expected: { post: ['translate', 'ldconfig'], postun: ['drop', 'removal-phase'] },
    actions: [{ kind: 'cache', cache: 'ldconfig' }],
  },
  {
    name: 'glibc-common',
    spec: glibcSpec,
    expected: {
      'transfiletriggerin /lib /lib64 /usr/lib /usr/lib64': ['translate', 'ldconfig'],
      'transfiletriggerpostun /lib /lib64 /usr/lib /usr/lib64': ['drop', 'removal-phase'],
    },
    actions: [{ kind: 'cache', cache: 'ldconfig' }],
  },
  {
    name: 'systemd',
    spec: systemdSpec,
    expected: {
      'transfiletriggerin /etc/systemd/system /usr/lib/systemd/system': ['drop', 'systemd-lua-file-triggers'],
      'transfiletriggerin /usr/lib/tmpfiles.d': ['drop', 'systemd-lua-file-triggers'],
      'transfiletriggerpostun /etc/systemd/system /usr/lib/systemd/system': ['drop', 'removal-phase'],
      post: ['defer', 'rpm-lua'],
    },
    actions: [],
  },
  {
    name: 'shared-mime-info',
    spec: mimeSpec,
    expected: {
      post: ['translate', 'cache-mime'],
      'transfiletriggerin /usr/share/mime': ['translate', 'cache-mime'],
      'transfiletriggerpostun /usr/share/mime': ['drop', 'removal-phase'],
    },
    actions: [
      { kind: 'cache', cache: 'mime', args: ['/usr/share/mime'] },
      { kind: 'cache', cache: 'mime', args: ['/usr/share/mime'] },
    ],
  },
];

t.test('packages built with rpmbuild', async (t) => {
  const dir = t.testdir();
  for (const p of packages) {
    await t.test(p.name, async (t) => {
      const pkg = await readPackageFile(await buildRpm(dir, p.name, p.spec));
      const got: Expected = {};
      const actions: Action[] = [];
      for (const s of pkg.scriptlets) {
        const v = await verdictOf(s);
        t.notOk(got[key(s)], `one scriptlet for ${key(s)}`);
        got[key(s)] = [v.outcome, decidingRule(v)];
        actions.push(...v.actions);
      }
      t.same(got, p.expected);
      if (p.actions) t.same(actions, p.actions);
    });
  }
});
