import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Action } from '../../src/actions/action.js';
import { runPolicyFixtures } from '../../src/cli/run-policy-fixtures.js';
import { readPackageFile } from '../../src/formats/read-package-file.js';
import { isInstallPhase, type Package, type Phase, type Scriptlet } from '../../src/formats/types.js';
import { classify } from '../../src/policy/classify.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import type { Verdict } from '../../src/policy/verdict.js';
import { analyse } from '../../src/shell/analyse.js';
import { cacheDir } from '../helpers/cache-dir.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

const loaded = loadPolicy('debian');
t.teardown(() => loaded.runtime.dispose());

async function verdictOf(s: Scriptlet): Promise<Verdict> {
  return classify(s, await analyse(s), loaded.policy, loaded.runtime);
}

function script(body: string, phase: Phase = 'postinst'): Scriptlet {
  return shellScriptlet(body, { phase });
}

// Real snippet shapes from bookworm maintainer scripts, trimmed to the part that decides.
const cases: { name: string; body: string; phase?: Phase; outcome: Verdict['outcome']; rule: string; kinds?: Action['kind'][] }[] = [
  {
    name: 'dh_installinit without a start (postinst-init-nostart)',
    body: `# Automatically added by dh_installinit/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	if [ -x "/etc/init.d/kmod" ]; then
		update-rc.d kmod defaults >/dev/null || exit 1
	fi
fi
# End automatically added section
`,
    outcome: 'translate',
    rule: 'dh-init-scripts',
    kinds: ['sysv-enable'],
  },
  {
    name: 'dh_installsystemd start snippet on its own is dropped',
    body: `# Automatically added by dh_installsystemd/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	if [ -z "\${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
		deb-systemd-invoke start 'dbus.service' >/dev/null || true
	fi
fi
# End automatically added section
`,
    outcome: 'drop',
    rule: 'dh-systemd-start',
  },
  {
    name: 'dh_installsystemduser enable snippet',
    body: `# Automatically added by dh_installsystemduser/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	if [ -z "\${DPKG_ROOT:-}" ] ; then
		deb-systemd-helper --user unmask 'vvmd.service' >/dev/null || true
		if deb-systemd-helper --quiet --user was-enabled 'vvmd.service' ; then
			deb-systemd-helper --user enable 'vvmd.service' >/dev/null || true
		else
			deb-systemd-helper --user update-state 'vvmd.service' >/dev/null || true
		fi
	fi
fi
# End automatically added section
`,
    outcome: 'translate',
    rule: 'dh-systemd-user-enable',
    kinds: ['systemd-enable'],
  },
  {
    name: 'dh_installtmpfiles with the DPKG_ROOT option word',
    body: `# Automatically added by dh_installtmpfiles/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	if [ -x "$(command -v systemd-tmpfiles)" ]; then
		systemd-tmpfiles \${DPKG_ROOT:+--root="$DPKG_ROOT"} --create man-db.conf >/dev/null || true
	fi
fi
# End automatically added section
`,
    outcome: 'translate',
    rule: 'dh-tmpfiles',
    kinds: ['tmpfiles'],
  },
  {
    name: 'dh_installsysusers',
    body: `# Automatically added by dh_installsysusers/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
   systemd-sysusers \${DPKG_ROOT:+--root="$DPKG_ROOT"} systemd-timesync.conf
fi
# End automatically added section
`,
    outcome: 'translate',
    rule: 'dh-sysusers',
    kinds: ['sysusers'],
  },
  {
    name: 'dh_icons',
    body: `# Automatically added by dh_icons/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	if command -v update-icon-caches >/dev/null; then
		update-icon-caches /usr/share/icons/locolor
	fi
fi
# End automatically added section
`,
    outcome: 'translate',
    rule: 'dh-icons',
    kinds: ['cache'],
  },
  {
    name: 'dh_installmenu is redundant with menu\'s own file trigger',
    body: `# Automatically added by dh_installmenu/13.11.4
if [ "$1" = "configure" ] && [ -x "\`command -v update-menus 2>/dev/null\`" ]; then
	update-menus
fi
# End automatically added section
`,
    outcome: 'drop',
    rule: 'dh-menu',
  },
  {
    // libreoffice-impress: the template is a package file, the path fresh.
    name: 'dh_ucf translates: ucf installs the template and keeps its database, ucfr the owner',
    body: `# Automatically added by dh_ucf/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ]; then
	ucf --three-way "/usr/lib/libreoffice/share/.registry/impress.xcd" "/etc/libreoffice/registry/impress.xcd"
	ucfr --force libreoffice-impress "/etc/libreoffice/registry/impress.xcd"
fi
# End automatically added section
`,
    outcome: 'translate',
    rule: 'dh-ucf',
    kinds: ['ucf', 'ucf-register'],
  },
  {
    name: 'dh_ucf with a template the script generates in /tmp defers',
    body: `# Automatically added by dh_ucf/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ]; then
	ucf "/tmp/x.conf" "/etc/x/x.conf"
	ucfr x "/etc/x/x.conf"
fi
# End automatically added section
`,
    outcome: 'defer',
    rule: 'dh-ucf',
  },
  {
    // aspell-ca preinst (installdeb-aspell)
    name: 'installdeb-aspell compat snippet in a preinst translates',
    phase: 'preinst',
    body: `#!/bin/sh
set -e
# Automatically added by installdeb-aspell/UNDECLARED
dico_class="aspell"
dico_compat="ca.compat"

[ -d "/var/lib/$dico_class" ] || mkdir -p "/var/lib/$dico_class"

for i in $dico_compat; do
    >"/var/lib/$dico_class/$i"
done
# End automatically added section
`,
    outcome: 'translate',
    rule: 'directory',
    kinds: ['directory', 'tmpfiles'],
  },
  {
    // ibritish-huge postinst (installdeb-ispell), its second section
    name: 'installdeb-ispell compat snippet in a postinst translates',
    body: `#!/bin/sh
set -e
# Automatically added by installdeb-ispell/UNDECLARED
dico_class="ispell"
dico_vardir="/var/lib/$dico_class"
dico_compat="british-huge.compat"

mkdir -p "$dico_vardir"
for i in $dico_compat; do
    >"/var/lib/$dico_class/$i"
done
# End automatically added section
`,
    outcome: 'translate',
    rule: 'dictionary-compat-directory',
    kinds: ['directory', 'tmpfiles'],
  },
  {
    name: 'a compat snippet that differs from the template defers',
    body: `# Automatically added by installdeb-aspell/UNDECLARED
dico_class="aspell"
dico_vardir="/var/lib/$dico_class"
dico_compat="$(ls /usr/lib/aspell)"

mkdir -p "$dico_vardir"
for i in $dico_compat; do
    >"/var/lib/$dico_class/$i"
done
# End automatically added section
`,
    outcome: 'defer',
    rule: 'dictionary-compat-directory',
  },
  {
    name: 'the compat write outside an installdeb section defers',
    body: `dico_class="aspell"
for i in $(ls /usr/lib/aspell); do
    >"/var/lib/$dico_class/$i"
done
`,
    outcome: 'defer',
    rule: 'dictionary-compat-files',
  },
  {
    // blends-dev's meta-package postinst (education-common, hamradio-tools, pan-tomography)
    name: 'a blend meta-package postinst is dropped',
    body: `#!/bin/sh
set -e
if [ -d /etc/blends -a -f /etc/blends/blends.conf ] ; then
    if [ -d /etc/blends/education -a -f /etc/blends/education/education.conf ] ; then
        test -x /usr/sbin/blend-update-menus && blend-update-menus --blend education
	if [ _"$DEBCONF_REDIR" = _"" ]; then
	    . /usr/share/debconf/confmodule
    	    db_version 2.0
	fi
	. /etc/blends/blends.conf
	if [ -s /etc/blends/education/education.conf ] ; then . /etc/blends/education/education.conf ; fi
	case "$1" in
	    abort-deconfigure|abort-remove|abort-upgrade)
		;;
    	    configure|upgrade)
		db_get "shared/education-config/usermenus" || true
		case "$RET" in
    		    "Each package installation")
        		blend-update-usermenus education
            		;;
        	    "End of installation")
            		touch /var/run/education-config.usermenu
            		;;
    		esac
		;;
	    *)
		echo "postinst called with unknown argument \\\`$1'" >&2
		exit 1
		;;
	esac
	db_stop
    fi
fi
exit 0
`,
    outcome: 'drop',
    rule: 'shell-options',
  },
  {
    name: 'blend-update-menus for a user is not the no-op --blend form',
    body: `blend-update-menus --user "$USER"
`,
    outcome: 'defer',
    rule: 'blend-menus',
  },
  {
    name: 'an exit in the catch-all arm under a path test is the unknown-argument branch',
    body: `if [ -d /etc/x ]; then
  case "$1" in
    configure) : ;;
    *) echo "unknown argument" >&2; exit 1 ;;
  esac
fi
`,
    outcome: 'drop',
    rule: 'condition-test',
  },
  {
    name: 'an exit under a path test outside a case still defers',
    body: `[ -e /etc/x ] || exit 0
`,
    outcome: 'defer',
    rule: 'exit-on-condition',
  },
  {
    // xfonts-biznet-75dpi
    name: 'X11 font directory indexes become a batch',
    body: `set -e
if which update-fonts-dir >/dev/null 2>&1; then
	update-fonts-dir --x11r7-layout 75dpi;update-fonts-alias --include /etc/X11/fonts/75dpi/xfonts-biznet-75dpi.alias 75dpi
fi
`,
    outcome: 'translate',
    rule: 'font-directories',
    kinds: ['cache'],
  },
  {
    // udev
    name: 'udev\'s hwdb update becomes a batch',
    body: `update_hwdb() {
  systemd-hwdb --usr update || true
}
case "$1" in
    configure)
    update_hwdb
    ;;
esac
`,
    outcome: 'translate',
    rule: 'hardware-database',
    kinds: ['cache'],
  },
  {
    // The group is a variable assigned once to a literal: its value is known wherever it is read.
    name: 'dpkg-statoverride with a group in a once-assigned variable translates (dbus)',
    body: `MESSAGEUSER=messagebus
if [ "$1" = configure ]; then
    if ! dpkg-statoverride --list /usr/lib/dbus-1.0/dbus-daemon-launch-helper >/dev/null; then
        dpkg-statoverride --update --add root "$MESSAGEUSER" 4754 /usr/lib/dbus-1.0/dbus-daemon-launch-helper
    fi
fi
`,
    outcome: 'translate',
    rule: 'statoverride',
    kinds: ['path-attr'],
  },
  {
    name: 'the triggered branch is classified, the upgrade branch dropped',
    body: `if [ "$1" = triggered ]; then
    ldconfig
    exit 0
fi
if [ "$1" = configure ] && [ -n "$2" ]; then
    rm -rf /var/lib/old
fi
`,
    outcome: 'translate',
    rule: 'cache-ldconfig',
    kinds: ['cache'],
  },
  {
    name: 'a debconf answer decides: db_get is dropped, the dependent command is not',
    body: `. /usr/share/debconf/confmodule
db_get foo/enable
if [ "$RET" = true ]; then
    cp /usr/share/foo/foo.conf /etc/foo.conf
fi
`,
    outcome: 'defer',
    rule: 'copy-or-move',
  },
  {
    name: 'invoke-rc.d alone is a service start',
    body: 'invoke-rc.d ssh restart || true\n',
    outcome: 'drop',
    rule: 'invoke-rc-d',
  },
  {
    name: 'preinst upgrade branch (base) and non-install exit',
    phase: 'preinst',
    body: `case "$1" in
  upgrade)
    update-alternatives --quiet --remove pager /bin/less
  ;;
  install|abort-upgrade)
  ;;
  *)
    echo "preinst called with unknown argument \\\`$1'" >&2
    exit 0
  ;;
esac
`,
    outcome: 'drop',
    rule: 'shell-variable',
  },
  {
    name: 'writing a file through a redirection defers',
    body: `if [ ! -f /etc/modules ]; then
  cat <<EOF > /etc/modules
# /etc/modules: kernel modules to load at boot time.
EOF
  chmod 644 /etc/modules
fi
`,
    outcome: 'defer',
    rule: 'writes-file',
  },
];

for (const c of cases) {
  t.test(`snippet: ${c.name}`, async (t) => {
    const v = await verdictOf(script(c.body, c.phase));
    t.equal(v.outcome, c.outcome, v.reason);
    if (c.rule === 'shell-variable') {
      // An all-dropped script reports its first part; what matters is that nothing survived.
      t.ok(v.parts.every((p) => p.outcome === 'drop'), 'every part dropped');
    } else {
      t.equal(v.rule.id, c.rule);
    }
    if (c.kinds) t.same([...new Set(v.actions.map((a) => a.kind))], c.kinds);
  });
}

t.test('the exit of a catch-all arm under a path test falls to base\'s deb-unknown-argument', async (t) => {
  const v = await verdictOf(script(`if [ -d /etc/x ]; then\n  case "$1" in\n    configure) : ;;\n    *) exit 1 ;;\n  esac\nfi\n`));
  const exit = v.parts.find((p) => p.part.kind === 'command' && p.reason.includes('catch-all'));
  t.equal(exit?.rule.id, 'deb-unknown-argument');
  t.equal(exit?.outcome, 'drop');
});

t.test('policies/tests/debian fixtures (scriptlet policy test)', async (t) => {
  const dir = fileURLToPath(new URL('../../policies/tests/debian/', import.meta.url));
  const results = await runPolicyFixtures(dir, () => loaded);
  t.ok(results.length >= 10, `${results.length} fixtures`);
  for (const r of results) t.ok(r.ok, `${r.name}${r.differences.length ? `: ${r.differences.join('; ')}` : ''}`);
});

// ---------------------------------------------------------------- real bookworm packages

const realPackages = [
  'openssh-server', 'nginx-common', 'apache2', 'postgresql-common', 'dbus', 'systemd', 'cron', 'rsyslog',
  'exim4-base', 'adduser', 'base-passwd', 'ca-certificates', 'fontconfig', 'libc6', 'tzdata', 'sudo',
  'avahi-daemon', 'libc-bin', 'dash', 'bash', 'man-db', 'login', 'passwd', 'apt', 'udev', 'kmod', 'procps',
  'iproute2', 'openssh-client', 'libpam-runtime', 'debianutils', 'mawk', 'vim-tiny', 'logrotate',
  'cron-daemon-common', 'dbus-system-bus-common', 'dbus-daemon', 'polkitd', 'libglib2.0-0', 'shared-mime-info',
  'netbase', 'xz-utils', 'e2fsprogs', 'systemd-timesyncd', 'openssl', 'ucf', 'init-system-helpers', 'chrony',
  'libpam-modules', 'sgml-base',
];

/**
 * Install-time scripts no named rule decides, each with why: the built-in default defers them.
 * Every install-time script of this set now has a named rule; the test fails when one falls to
 * the default again.
 */
const undecided: Record<string, string> = {};

function download(): string | undefined {
  const dir = cacheDir('debs');
  const have = new Set(readdirSync(dir).filter((f) => f.endsWith('.deb')).map((f) => f.slice(0, f.indexOf('_'))));
  const missing = realPackages.filter((p) => !have.has(p));
  if (missing.length === 0) return undefined;
  try {
    execFileSync('flock', [join(dir, '.lock'), 'apt-get', 'download', ...missing], { cwd: dir, stdio: 'pipe', timeout: 300_000 });
    return undefined;
  } catch (e) {
    return `apt-get download failed (no network or no apt?): ${(e as Error).message.split('\n')[0]}`;
  }
}

const downloadProblem = download();

t.test('real bookworm packages', { skip: downloadProblem ?? false }, async (t) => {
  const dir = cacheDir('debs');
  const files = readdirSync(dir);
  const packages = new Map<string, Package>();
  for (const name of realPackages) {
    const file = files.find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
    if (!file) {
      t.fail(`${name} was not downloaded`);
      continue;
    }
    packages.set(name, await readPackageFile(join(dir, file)));
  }
  t.ok(packages.size >= 40, `${packages.size} packages`);

  const verdicts = new Map<string, Verdict>();
  const undecidedSeen: string[] = [];
  for (const [name, pkg] of packages) {
    for (const s of pkg.scriptlets) {
      const a = await analyse(s);
      t.equal(a.parseError, undefined, `${name} ${s.phase} parses`);
      if (!isInstallPhase(s.phase)) continue;
      const v = classify(s, a, loaded.policy, loaded.runtime);
      verdicts.set(`${name} ${s.phase}`, v);
      if (v.rule.id === '(default)') undecidedSeen.push(`${name} ${s.phase}`);
    }
  }
  t.same(undecidedSeen.sort(), Object.keys(undecided).sort(), 'install-time scripts decided by the built-in default are exactly the known ones');

  const expect = (key: string, outcome: Verdict['outcome'], rule: string): Verdict | undefined => {
    const v = verdicts.get(key);
    t.ok(v, `${key} exists`);
    if (!v) return undefined;
    t.equal(v.outcome, outcome, `${key}: ${v.reason}`);
    t.equal(v.rule.id, rule, `${key} rule`);
    return v;
  };
  const hasAction = (v: Verdict | undefined, want: Partial<Action>, what: string): void => {
    t.ok(v?.actions.some((a) => Object.entries(want).every(([k, x]) => JSON.stringify((a as Record<string, unknown>)[k]) === JSON.stringify(x))), what);
  };

  // Host keys are per machine.
  expect('openssh-server postinst', 'defer', 'machine-secrets');
  // Its config script only asks debconf questions.
  expect('openssh-server config', 'drop', 'shell-options');
  // cron: the crontab group's setgid binary through dpkg-statoverride, plus the init script and unit.
  const cron = expect('cron postinst', 'translate', 'statoverride');
  hasAction(cron, { kind: 'path-attr', path: '/usr/bin/crontab', owner: 'root', group: 'crontab', mode: 0o2755, statoverride: true }, 'cron: statoverride');
  hasAction(cron, { kind: 'systemd-enable', unit: 'cron.service' }, 'cron: unit enabled');
  hasAction(cron, { kind: 'sysv-enable', script: 'cron' }, 'cron: rc.d links');
  // cron-daemon-common: the group is translated; re-owning existing crontabs under `[ -d ... ]`
  // is not (the owner is computed per file: `chown "$tab_owner:crontab"`).
  const common = expect('cron-daemon-common postinst', 'defer', 'file-op-on-path-test');
  t.ok(common?.parts.some((p) => p.outcome === 'translate' && p.actions.some((a) => a.kind === 'group' && a.name === 'crontab')), 'cron-daemon-common: addgroup crontab translated');
  // dbus: the launch helper's group is MESSAGEUSER=messagebus, assigned once at top level; the
  // messagebus user itself (dbus-system-bus-common) comes through a wrapper.
  const dbus = expect('dbus postinst', 'translate', 'statoverride');
  hasAction(dbus, { kind: 'path-attr', path: '/usr/lib/dbus-1.0/dbus-daemon-launch-helper', owner: 'root', group: 'messagebus', mode: 0o4754, statoverride: true }, 'dbus: launch helper statoverride');
  // adduser messagebus runs through the in_sysroot wrapper ("$@"): a command computed at run time.
  expect('dbus-system-bus-common postinst', 'defer', 'computed-command');
  // dbus-daemon makes the machine id.
  expect('dbus-daemon postinst', 'defer', 'machine-secrets');
  // avahi-daemon: system user and group, units, conffile bookkeeping.
  const avahi = expect('avahi-daemon postinst', 'translate', 'account-adduser');
  hasAction(avahi, { kind: 'user', name: 'avahi', system: true }, 'avahi: user');
  hasAction(avahi, { kind: 'systemd-enable', unit: 'avahi-daemon.service' }, 'avahi: unit');
  const apt = expect('apt postinst', 'translate', 'account-adduser');
  hasAction(apt, { kind: 'user', name: '_apt', system: true, home: '/nonexistent' }, 'apt: _apt user');
  hasAction(apt, { kind: 'systemd-enable', unit: 'apt-daily.timer' }, 'apt: timer');
  // Shared libraries: the ldconfig trigger becomes one cache action.
  const libc = expect('libc6 triggers', 'translate', 'trigger-cache-activation');
  t.same(libc?.actions, [{ kind: 'cache', cache: 'ldconfig' }]);
  // libc-bin's postinst copies nsswitch.conf into place on a fresh install.
  expect('libc-bin postinst', 'defer', 'copy-or-move');
  expect('logrotate postinst', 'translate', 'dh-systemd-enable');
  hasAction(verdicts.get('mawk postinst'), { kind: 'alternative', name: 'awk', path: '/usr/bin/mawk', priority: 5 }, 'mawk: awk alternative');
  expect('mawk postinst', 'translate', 'dh-alternatives');
  expect('shared-mime-info postinst', 'translate', 'cache-update-mime-database');
  // bash links /bin/sh only when it is missing: the build decides `[ ! -e /bin/sh ]` on the image
  // (where dash provides it) and makes the link only where the test holds.
  const bash = expect('bash postinst', 'translate', 'file-op-on-path-test');
  t.ok(
    bash?.actions.some((a) => a.kind === 'symlink' && a.path === '/bin/sh' && a.target === 'bash' && a.when?.some((c) => c.path === '/bin/sh' && c.test === 'e' && !c.holds)),
    'bash: /bin/sh -> bash only where /bin/sh does not exist',
  );
  expect('iproute2 postinst', 'defer', 'file-capabilities');
  expect('chrony postinst', 'defer', 'ucf-config-file');
  expect('postgresql-common preinst', 'defer', 'diversion');
  expect('kmod postinst', 'defer', 'writes-file');
  expect('systemd postinst', 'defer', 'machine-secrets');
  expect('libpam-runtime postinst', 'defer', 'inline-program');
  // The maintscript snippets of dh_installdeb are no-ops on a fresh install.
  expect('openssh-server preinst', 'translate', 'dh-maintscript-helper');
  expect('rsyslog preinst', 'translate', 'dh-maintscript-helper');
});
