/**
 * The translators on lines of real Debian bookworm maintainer scripts: the packages are
 * downloaded with apt-get into the shared cache, their control archives unpacked with dpkg-deb,
 * and each expected line must be present in the script (so a new package version that changes
 * them shows up here) and translate as expected.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Action } from '../../../src/actions/action.js';
import { translators } from '../../../src/policy/translators/registry.js';
import { TranslateError } from '../../../src/policy/translators/translate-error.js';
import { cacheDir } from '../../helpers/cache-dir.js';
import { cmd } from '../../helpers/command.js';
import { translatorContext } from '../../helpers/translator-context.js';

const expectations: Record<string, [string, Action[] | RegExp][]> = {
  'openssh-server': [
    ['adduser --quiet --system --no-create-home --home /run/sshd --shell /usr/sbin/nologin sshd', [
      { kind: 'user', name: 'sshd', system: true, group: 'nogroup', home: '/run/sshd', createHome: false, shell: '/usr/sbin/nologin' },
    ]],
    ["deb-systemd-helper unmask 'ssh.service'", []],
    ["deb-systemd-helper enable 'ssh.socket'", [{ kind: 'systemd-enable', unit: 'ssh.socket' }]],
    ["deb-systemd-helper update-state 'ssh.socket'", []],
    ['systemctl --system daemon-reload', []],
    ['update-rc.d ssh defaults', [{ kind: 'sysv-enable', script: 'ssh', args: ['defaults'] }]],
    ['mkdir -pZ /etc/ssh', [{ kind: 'directory', path: '/etc/ssh' }]],
    ['systemctl unmask ssh.service', /unmask is not translated/],
    ['chmod +x "/etc/init.d/ssh"', /current mode or the umask/],
    ['rm -f "$new_config"', /not literal/],
  ],
  'avahi-daemon': [
    ['addgroup --quiet --system netdev', [{ kind: 'group', name: 'netdev', system: true }]],
    ['adduser --disabled-password  --quiet --system       --home /run/avahi-daemon --no-create-home       --gecos "Avahi mDNS daemon" --group avahi', [
      { kind: 'group', name: 'avahi', system: true },
      { kind: 'user', name: 'avahi', system: true, group: 'avahi', home: '/run/avahi-daemon', createHome: false, shell: '/usr/sbin/nologin', gecos: 'Avahi mDNS daemon' },
    ]],
    ['dpkg-maintscript-helper rm_conffile /etc/init.d/avahi-daemon 0.8-8\\~ -- "$@"', [
      { kind: 'conffile-op', op: 'rm_conffile', args: ['/etc/init.d/avahi-daemon', '0.8-8~'] },
    ]],
    ['update-rc.d -f avahi-daemon remove', /remove is not part of installing/],
  ],
  tcpdump: [
    ['addgroup --system --quiet tcpdump', [{ kind: 'group', name: 'tcpdump', system: true }]],
    ['adduser --system --quiet --ingroup tcpdump\t\t\t    --no-create-home --home /nonexistent\t\t    tcpdump', [
      { kind: 'user', name: 'tcpdump', system: true, group: 'tcpdump', home: '/nonexistent', createHome: false, shell: '/usr/sbin/nologin' },
    ]],
    ['install --mode 644 /dev/null "$LOCAL_APP_PROFILE"', /not literal/],
  ],
  cron: [
    ['dpkg-statoverride --update --add root crontab 2755 /usr/bin/crontab', [
      { kind: 'path-attr', path: '/usr/bin/crontab', owner: 'root', group: 'crontab', mode: 0o2755, statoverride: true },
    ]],
    ["deb-systemd-helper enable 'cron.service'", [{ kind: 'systemd-enable', unit: 'cron.service' }]],
  ],
  'postgresql-common': [
    ['addgroup --system $quiet postgres', /not literal/],
    ['chmod 1775 /var/log/postgresql', [{ kind: 'path-attr', path: '/var/log/postgresql', mode: 0o1775 }]],
    ['chown root:postgres /var/log/postgresql', [{ kind: 'path-attr', path: '/var/log/postgresql', owner: 'root', group: 'postgres' }]],
    ['systemd-tmpfiles ${DPKG_ROOT:+--root="$DPKG_ROOT"} --create postgresql-common.conf', [{ kind: 'tmpfiles', config: 'postgresql-common.conf' }]],
    ['update-rc.d postgresql defaults 19 21', [{ kind: 'sysv-enable', script: 'postgresql', args: ['defaults'] }]],
    ['rm -f /etc/apt/apt.conf.d/01autoremove-postgresql*', /not literal/],
  ],
  'nginx-common': [
    ['ln -s /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default', [
      { kind: 'symlink', path: '/etc/nginx/sites-enabled/default', target: '/etc/nginx/sites-available/default' },
    ]],
    ['mkdir -p /var/www/html', [{ kind: 'directory', path: '/var/www/html' }]],
    ['rm -f /etc/logrotate.d/nginx-full', [{ kind: 'remove', path: '/etc/logrotate.d/nginx-full', recursive: false }]],
    ['chown www-data:adm "$access_log"', /not literal/],
  ],
};

/** Simple command lines of a script: continuations joined, redirections and `|| true` cut off. */
function commandLines(script: string): string[] {
  return script
    .replace(/\\\n/g, '')
    .split('\n')
    .map((l) => l.trim().replace(/\s*(?:[0-9]?>|\|\||\|).*$/, '').replace(/\s*;\s*(then)?$/, ''));
}

function fetchDeb(pkg: string): string | undefined {
  const dir = cacheDir('debs');
  const find = () => readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!find()) {
    try {
      execFileSync('flock', [join(dir, '.lock'), 'apt-get', 'download', pkg], { cwd: dir, stdio: 'pipe' });
    } catch {
      return undefined;
    }
  }
  const file = find();
  return file ? join(dir, file) : undefined;
}

for (const [pkg, cases] of Object.entries(expectations)) {
  const deb = fetchDeb(pkg);
  t.test(pkg, { skip: deb ? false : `apt-get download ${pkg} failed (no network or no apt sources)` }, async (t) => {
    if (!deb) return;
    const out = t.testdir();
    execFileSync('dpkg-deb', ['-e', deb, out]);
    const scripts = ['preinst', 'postinst'].filter((s) => existsSync(join(out, s)));
    const lines = new Set(scripts.flatMap((s) => commandLines(readFileSync(join(out, s), 'utf8'))));
    for (const [line, want] of cases) {
      t.ok(lines.has(line), `${pkg} has: ${line}`);
      const command = cmd(line);
      const name = command.name?.slice(command.name.lastIndexOf('/') + 1) ?? '';
      const translator = translators.get(name);
      if (!translator) {
        t.fail(`no translator for ${name}`);
        continue;
      }
      let got: unknown;
      try {
        got = translator(command, {}, translatorContext('deb', 'postinst', pkg));
      } catch (e) {
        got = e;
      }
      if (want instanceof RegExp) {
        t.type(got, TranslateError, line);
        if (got instanceof TranslateError) t.match(got.message, want, line);
      } else {
        t.same(got, want, line);
      }
    }
  });
}
