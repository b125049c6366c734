import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Analysis, Command } from '../../src/shell/analysis.js';
import { analyse } from '../../src/shell/analyse.js';
import { cacheDir } from '../helpers/cache-dir.js';
import { maintainerScripts } from '../helpers/maintainer-scripts.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

/*
 * Real Debian packages: their control scripts are extracted with dpkg-deb -e (independent of the
 * project's own deb reader) and analysed; the facts asserted below were checked by reading them.
 */

const packages = [
  'openssh-server',
  'nginx-common',
  'apache2',
  'postgresql-common',
  'dbus',
  'systemd',
  'cron',
  'rsyslog',
  'exim4-base',
  'adduser',
  'base-passwd',
  'ca-certificates',
  'fontconfig',
  'libc6',
  'tzdata',
  'sudo',
  'avahi-daemon',
];

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const debs = cacheDir('debs');

/** The cached .deb of `pkg`, downloaded with apt-get under a lock shared with other tests. */
function debOf(pkg: string): string | null {
  const find = () => readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  let file = find();
  if (!file) {
    execFileSync('flock', [join(debs, '.lock'), 'apt-get', 'download', pkg], { cwd: debs, stdio: 'ignore', timeout: 120_000 });
    file = find();
  }
  return file ? join(debs, file) : null;
}

const skip = !hasTool('apt-get') || !hasTool('dpkg-deb') ? 'needs apt-get and dpkg-deb' : false;

t.test('real Debian packages', { skip }, async (t) => {
  const root = t.testdir({});
  const analyses = new Map<string, Analysis>();
  for (const pkg of packages) {
    const deb = debOf(pkg);
    if (!deb) {
      t.fail(`could not download ${pkg}`);
      continue;
    }
    const dir = join(root, pkg);
    mkdirSync(dir);
    execFileSync('dpkg-deb', ['-e', deb, dir]);
    const scripts = maintainerScripts(dir);
    t.ok(scripts.length > 0, `${pkg} has maintainer scripts`);
    for (const s of scripts) {
      t.not(s.kind, 'other', `${pkg} ${s.name} is a shell script`);
      const a = await analyse(shellScriptlet(s.body, { phase: s.phase, interpreter: { kind: s.kind, argv: [`/bin/${s.kind}`] } }));
      t.ok(a.parser === 'tree-sitter' || a.parser === 'mvdan-sh', `${pkg} ${s.name} parsed by ${a.parser}`);
      t.notOk(a.parseError, `${pkg} ${s.name} has no parse error`);
      analyses.set(`${pkg}.${s.name}`, a);
    }
    if (existsSync(join(dir, 'triggers'))) {
      const body = readFileSync(join(dir, 'triggers'), 'utf8');
      analyses.set(`${pkg}.triggers`, await analyse(shellScriptlet(body, { phase: 'triggers', interpreter: { kind: 'deb-triggers', argv: [] } })));
    }
  }

  const get = (key: string): Analysis => {
    const a = analyses.get(key);
    if (!a) throw new Error(`no analysis for ${key}`);
    return a;
  };
  const named = (a: Analysis, name: string): Command[] => a.commands.filter((c) => c.name === name);
  const argEquals = (c: Command | undefined, value: string): boolean =>
    Boolean(c?.guards.some((g) => 'test' in g && g.test?.type === 'arg-equals' && g.test.arg === 1 && g.test.values.includes(value) && !g.negated));

  t.test('openssh-server postinst', async (t) => {
    const a = get('openssh-server.postinst');
    t.same(a.sourced, ['/usr/share/debconf/confmodule']);
    const keygen = named(a, 'ssh-keygen');
    t.ok(keygen.length >= 2);
    t.ok(keygen.every((c) => c.inFunction === 'create_key'));
    // `action="$1"` ... `if [ "$action" = configure ]; then create_keys` ... create_keys calls create_key.
    t.ok(keygen.every((c) => argEquals(c, 'configure')), 'ssh-keygen runs under the configure guard');
    const adduser = named(a, 'adduser');
    t.equal(adduser.length, 1);
    t.ok(adduser[0]?.args.some((w) => w.text === '--system' && w.literal));
    t.equal(adduser[0]?.args.at(-1)?.text, 'sshd');
    t.ok(argEquals(adduser[0], 'configure'));
    t.equal(adduser[0]?.guards.at(-1)?.negated, true, 'only when getent finds no sshd user');
    const enable = named(a, 'deb-systemd-helper').find((c) => c.args.some((w) => w.text === 'enable'));
    t.ok(enable);
    const seg = a.segments[enable?.segment ?? -1];
    t.match(seg, { kind: 'debhelper', helper: 'dh_installsystemd', template: 'postinst-systemd-enable' });
    t.ok(a.functions.find((f) => f.name === 'create_keys')?.calls.includes('create_key'));
  });

  t.test('avahi-daemon postinst: adduser and addgroup under case configure', async (t) => {
    const a = get('avahi-daemon.postinst');
    const adduser = named(a, 'adduser')[0];
    t.ok(adduser);
    t.ok(argEquals(adduser, 'configure'));
    t.equal(adduser?.guards[0]?.kind, 'case');
    t.same(adduser?.args.at(-1), { text: 'avahi', literal: true });
    t.ok(adduser?.args.some((w) => w.text === 'Avahi mDNS daemon'), 'quoted gecos is one word');
    t.ok(argEquals(named(a, 'addgroup')[0], 'configure'));
  });

  t.test('exim4-base postinst: adduser --system', async (t) => {
    const adduser = named(get('exim4-base.postinst'), 'adduser')[0];
    t.ok(adduser?.args.some((w) => w.text === '--system'));
  });

  t.test('cron postinst: dpkg-statoverride unless already overridden', async (t) => {
    const a = get('cron.postinst');
    const add = named(a, 'dpkg-statoverride').find((c) => c.args.some((w) => w.text === '--add'));
    t.same(
      add?.args.map((w) => w.text),
      ['--update', '--add', 'root', 'crontab', '2755', '/usr/bin/crontab'],
    );
    t.equal(add?.guards.at(-1)?.negated, true);
    t.ok(a.segments.some((s) => s.kind === 'debhelper' && s.helper === 'dh_installinit' && s.template === 'postinst-init'));
  });

  t.test('systemd postinst: generated sysusers and tmpfiles sections', async (t) => {
    const a = get('systemd.postinst');
    const sysusers = named(a, 'systemd-sysusers')[0];
    t.match(a.segments[sysusers?.segment ?? -1], { kind: 'debhelper', helper: 'dh_installsysusers', template: 'postinst-sysusers' });
    const tmpfiles = named(a, 'systemd-tmpfiles').find((c) => c.args.some((w) => w.text === '--create'));
    t.match(a.segments[tmpfiles?.segment ?? -1], { kind: 'debhelper', helper: 'dh_installtmpfiles', template: 'postinst-init-tmpfiles' });
  });

  t.test('prerm scripts stop services in generated sections', async (t) => {
    for (const pkg of ['dbus', 'cron', 'apache2', 'nginx-common']) {
      const a = get(`${pkg}.prerm`);
      t.ok(
        a.segments.some((s) => s.kind === 'debhelper' && s.template === 'prerm-systemd'),
        `${pkg} prerm has the dh_installsystemd stop section`,
      );
    }
  });

  t.test('fontconfig postinst runs fc-cache; its triggers file declares interest in font dirs', async (t) => {
    t.ok(named(get('fontconfig.postinst'), 'fc-cache').length >= 1);
    const triggers = get('fontconfig.triggers');
    t.equal(triggers.parser, 'line');
    t.ok(triggers.commands.some((c) => c.name === 'interest-noawait' && c.args[0]?.text === '/usr/share/fonts'));
  });

  t.test('ca-certificates postinst calls update-ca-certificates', async (t) => {
    const a = get('ca-certificates.postinst');
    t.ok(named(a, 'update-ca-certificates').length >= 1);
    t.same(a.sourced, ['/usr/share/debconf/confmodule']);
  });

  t.test('tzdata postinst: debconf and the maintscript-helper section', async (t) => {
    const a = get('tzdata.postinst');
    t.ok(a.sourced.includes('/usr/share/debconf/confmodule'));
    t.ok(a.segments.some((s) => s.kind === 'debhelper' && s.template === 'maintscript-helper'));
  });

  t.test('the dh_installinit preinst chmod section', async (t) => {
    for (const pkg of ['cron', 'dbus', 'sudo']) {
      t.ok(
        get(`${pkg}.preinst`).segments.some((s) => s.kind === 'debhelper' && s.template === 'preinst-init-chmod'),
        pkg,
      );
    }
  });
});
