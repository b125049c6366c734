import t from 'tap';
import type { Phase } from '../../src/formats/types.js';
import { analyse } from '../../src/shell/analyse.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

/*
 * Generated sections written in the shape debhelper's autoscripts and systemd's rpm macros
 * produce (their structure and telltale commands), to check each is recognised.
 */

function dh(helper: string, snippet: string): string {
  return `#!/bin/sh\nset -e\nprintf 'hand-written\\n'\n# Automatically added by ${helper}/13.11.4\n${snippet}\n# End automatically added section\n`;
}

const cond = 'if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] ; then';

const debhelperCases: { phase: Phase; helper: string; snippet: string; template: string }[] = [
  {
    phase: 'postinst',
    helper: 'dh_installsystemd',
    template: 'postinst-systemd-enable',
    snippet: `${cond}\n\tif deb-systemd-helper --quiet was-enabled 'a.service'; then\n\t\tdeb-systemd-helper enable 'a.service' >/dev/null || true\n\telse\n\t\tdeb-systemd-helper update-state 'a.service' >/dev/null || true\n\tfi\nfi`,
  },
  {
    phase: 'postinst',
    helper: 'dh_installsystemd',
    template: 'postinst-systemd-start',
    snippet: `${cond}\n\tif [ -d /run/systemd/system ]; then\n\t\tsystemctl --system daemon-reload >/dev/null || true\n\t\tdeb-systemd-invoke start 'a.service' >/dev/null || true\n\tfi\nfi`,
  },
  {
    phase: 'postinst',
    helper: 'dh_installsystemd',
    template: 'postinst-systemd-restart',
    snippet: `${cond}\n\tif [ -d /run/systemd/system ]; then\n\t\tif [ -n "$2" ]; then _dh_action=restart; else _dh_action=start; fi\n\t\tdeb-systemd-invoke $_dh_action 'a.service' >/dev/null || true\n\tfi\nfi`,
  },
  {
    phase: 'postinst',
    helper: 'dh_installinit',
    template: 'postinst-init',
    snippet: `${cond}\n\tif [ -x "/etc/init.d/a" ]; then\n\t\tupdate-rc.d a defaults >/dev/null\n\t\tinvoke-rc.d --skip-systemd-native a start || exit 1\n\tfi\nfi`,
  },
  {
    phase: 'postinst',
    helper: 'dh_installtmpfiles',
    template: 'postinst-init-tmpfiles',
    snippet: `${cond}\n\tif [ -x "$(command -v systemd-tmpfiles)" ]; then\n\t\tsystemd-tmpfiles \${DPKG_ROOT:+--root="$DPKG_ROOT"} --create a.conf >/dev/null || true\n\tfi\nfi`,
  },
  {
    phase: 'postinst',
    helper: 'dh_installalternatives',
    template: 'postinst-alternatives',
    snippet: `${cond}\n\tupdate-alternatives --install /usr/bin/awk awk /usr/bin/mawk 5\nfi`,
  },
  {
    phase: 'postinst',
    helper: 'dh_installsysusers',
    template: 'postinst-sysusers',
    snippet: `${cond}\n\tsystemd-sysusers \${DPKG_ROOT:+--root="$DPKG_ROOT"} a.conf\nfi`,
  },
  {
    phase: 'postinst',
    helper: 'dh_ucf',
    template: 'postinst-ucf',
    snippet: 'if [ "$1" = "configure" ]; then\n\tucf "/usr/share/a/conf" "/etc/a.conf"\n\tucfr a "/etc/a.conf"\nfi',
  },
  {
    phase: 'postinst',
    helper: 'dh_installmodules',
    template: 'postinst-modules',
    snippet: 'if [ "$1" = "configure" ]; then\n\tif [ -e /boot/System.map-5.10 ]; then\n\t\tdepmod -a -F /boot/System.map-5.10 5.10 || true\n\tfi\nfi',
  },
  {
    phase: 'postinst',
    helper: 'dh_makeshlibs',
    template: 'postinst-makeshlibs',
    snippet: 'if [ "$1" = "configure" ]; then\n\tldconfig\nfi',
  },
  {
    phase: 'postinst',
    helper: 'dh_python3',
    template: 'postinst-python',
    snippet: 'if command -v py3compile >/dev/null 2>&1; then\n\tpy3compile -p python3-a\nfi',
  },
  {
    phase: 'prerm',
    helper: 'dh_installsystemd',
    template: 'prerm-systemd',
    snippet: `if [ -z "\${DPKG_ROOT:-}" ] && [ "$1" = remove ] && [ -d /run/systemd/system ] ; then\n\tdeb-systemd-invoke stop 'a.service' >/dev/null || true\nfi`,
  },
  {
    phase: 'postrm',
    helper: 'dh_installsystemd',
    template: 'postrm-systemd',
    snippet: `if [ "$1" = "purge" ]; then\n\tif [ -x "/usr/bin/deb-systemd-helper" ]; then\n\t\tdeb-systemd-helper purge 'a.service' >/dev/null || true\n\tfi\nfi`,
  },
  {
    phase: 'postrm',
    helper: 'dh_installinit',
    template: 'postrm-init',
    snippet: 'if [ "$1" = "purge" ] ; then\n\tupdate-rc.d a remove >/dev/null\nfi',
  },
  {
    phase: 'preinst',
    helper: 'dh_installdeb',
    template: 'maintscript-helper',
    snippet: 'dpkg-maintscript-helper rm_conffile /etc/a.conf 1.0~ -- "$@"',
  },
];

for (const c of debhelperCases) {
  t.test(`debhelper ${c.helper} ${c.template}`, async (t) => {
    const body = dh(c.helper, c.snippet);
    const a = await analyse(shellScriptlet(body, { phase: c.phase }));
    t.notOk(a.parseError);
    t.equal(a.segments.length, 2, 'a plain segment and the generated one');
    t.same(a.segments[0], { kind: 'plain', startLine: 1, endLine: 3 });
    const seg = a.segments[1];
    t.match(seg, { kind: 'debhelper', helper: c.helper, helperVersion: '13.11.4', template: c.template, startLine: 4 });
    t.equal(seg?.endLine, body.split('\n').length - 1);
    const printf = a.commands.find((cmd) => cmd.name === 'printf');
    t.equal(printf?.segment, 0);
    t.ok(a.commands.filter((cmd) => cmd.line >= 4).every((cmd) => cmd.segment === 1), 'commands inside belong to the section');
  });
}

t.test('a helper with no known template keeps helper and version only', async (t) => {
  const a = await analyse(shellScriptlet(dh('dh_runit', 'run-helper postinst "$@"')));
  t.same(a.segments[1], { kind: 'debhelper', helper: 'dh_runit', helperVersion: '13.11.4', startLine: 4, endLine: 6 });
});

t.test('a start marker without an end is plain text', async (t) => {
  const a = await analyse(shellScriptlet('#!/bin/sh\n# Automatically added by dh_installinit/13\nupdate-rc.d a defaults\n'));
  t.same(a.segments, [{ kind: 'plain', startLine: 1, endLine: 3 }]);
});

t.test('a section inside a case arm (#DEBHELPER# placed there)', async (t) => {
  const body = 'case "$1" in\nconfigure)\n# Automatically added by dh_installinit/13.11.4\nupdate-rc.d a defaults >/dev/null\n# End automatically added section\n;;\nesac\n';
  const a = await analyse(shellScriptlet(body));
  const cmd = a.commands.find((c) => c.name === 'update-rc.d');
  t.match(a.segments[cmd?.segment ?? -1], { kind: 'debhelper', helper: 'dh_installinit', template: 'postinst-init-nostart' });
  t.equal(cmd?.guards[0]?.kind, 'case');
});

function rpm(body: string, phase: Phase = 'post') {
  return shellScriptlet(body, { format: 'rpm', phase });
}

const rpmCases: { name: string; phase: Phase; body: string; macro: string }[] = [
  {
    name: 'systemd_post',
    phase: 'post',
    macro: 'systemd_post',
    body: 'if [ $1 -eq 1 ] && [ -x "/usr/lib/systemd/systemd-update-helper" ]; then\n    # Initial installation\n    /usr/lib/systemd/systemd-update-helper install-system-units a.service || :\nfi',
  },
  {
    name: 'systemd_post before systemd-update-helper',
    phase: 'post',
    macro: 'systemd_post',
    body: 'if [ $1 -eq 1 ] ; then\n        # Initial installation\n        systemctl --no-reload preset a.service &>/dev/null || :\nfi',
  },
  {
    name: 'systemd_preun',
    phase: 'preun',
    macro: 'systemd_preun',
    body: 'if [ $1 -eq 0 ] && [ -x "/usr/lib/systemd/systemd-update-helper" ]; then\n    /usr/lib/systemd/systemd-update-helper remove-system-units a.service || :\nfi',
  },
  {
    name: 'systemd_postun_with_restart',
    phase: 'postun',
    macro: 'systemd_postun_with_restart',
    body: 'if [ $1 -ge 1 ] && [ -x "/usr/lib/systemd/systemd-update-helper" ]; then\n    /usr/lib/systemd/systemd-update-helper mark-restart-system-units a.service || :\nfi',
  },
  {
    name: 'systemd_user_post',
    phase: 'post',
    macro: 'systemd_user_post',
    body: 'if [ $1 -eq 1 ] && [ -x "/usr/lib/systemd/systemd-update-helper" ]; then\n    /usr/lib/systemd/systemd-update-helper install-user-units a.service || :\nfi',
  },
  {
    name: 'tmpfiles_create',
    phase: 'post',
    macro: 'tmpfiles_create',
    body: 'command -v systemd-tmpfiles >/dev/null && systemd-tmpfiles --create a.conf || :',
  },
  {
    name: 'sysusers_create_package',
    phase: 'pre',
    macro: 'sysusers_create_package',
    body: "systemd-sysusers --replace=/usr/lib/sysusers.d/a.conf - <<SYSTEMD_INLINE_EOF || :\nu a - 'A user' /var/lib/a\nSYSTEMD_INLINE_EOF",
  },
  {
    name: 'sysusers_create_compat',
    phase: 'pre',
    macro: 'sysusers_create_compat',
    body: "getent group 'a' >/dev/null || groupadd -r 'a' || :\ngetent passwd 'a' >/dev/null || \\\n    useradd -r -g 'a' -d '/var/lib/a' -s '/sbin/nologin' -c 'A user' 'a' || :",
  },
  {
    name: 'ldconfig',
    phase: 'post',
    macro: 'ldconfig',
    body: '/sbin/ldconfig',
  },
  {
    name: 'sysctl_apply',
    phase: 'post',
    macro: 'sysctl_apply',
    body: '[ -x /usr/lib/systemd/systemd-sysctl ] && /usr/lib/systemd/systemd-sysctl a.conf || :',
  },
];

for (const c of rpmCases) {
  t.test(`rpm macro ${c.name}`, async (t) => {
    const a = await analyse(rpm(`${c.body}\n`, c.phase));
    t.notOk(a.parseError);
    t.same(a.segments, [{ kind: 'rpm-macro', macro: c.macro, startLine: 1, endLine: c.body.split('\n').length }]);
    t.ok(a.commands.every((cmd) => cmd.segment === 0));
  });
}

t.test('rpm: macro output between hand-written lines', async (t) => {
  const body = [
    'mkdir -p /var/lib/a',
    'if [ $1 -eq 1 ] && [ -x "/usr/lib/systemd/systemd-update-helper" ]; then',
    '    /usr/lib/systemd/systemd-update-helper install-system-units a.service || :',
    'fi',
    'chown a /var/lib/a',
    '',
  ].join('\n');
  const a = await analyse(rpm(body));
  t.same(a.segments, [
    { kind: 'plain', startLine: 1, endLine: 1 },
    { kind: 'rpm-macro', macro: 'systemd_post', startLine: 2, endLine: 4 },
    { kind: 'plain', startLine: 5, endLine: 5 },
  ]);
  t.same(
    a.commands.map((c) => [c.name, c.segment]),
    [
      ['mkdir', 0],
      ['[', 1],
      ['[', 1],
      ['/usr/lib/systemd/systemd-update-helper', 1],
      [':', 1],
      ['chown', 2],
    ],
  );
});

t.test('rpm: a hand-written if that also does other work is not a macro', async (t) => {
  const a = await analyse(rpm('if [ $1 -eq 1 ]; then\n  systemctl preset a.service\n  rm -rf /var/cache/a\nfi\n'));
  t.same(a.segments, [{ kind: 'plain', startLine: 1, endLine: 4 }]);
});

t.test('debhelper markers in an rpm scriptlet are not debhelper sections', async (t) => {
  const a = await analyse(rpm(dh('dh_installinit', 'update-rc.d a defaults')));
  t.ok(a.segments.every((s) => s.kind !== 'debhelper'));
});
