/**
 * Service enablement against the real tools on a tree unpacked from real bookworm packages
 * (openssh-server, cron, rsyslog, dbus, systemd): `systemctl --root enable` and `preset`,
 * `deb-systemd-helper enable` with DPKG_ROOT (the debhelper path), and `update-rc.d` with
 * DPKG_ROOT. The appliers work on the pristine tree; the tools on a copy; the resulting links and
 * state files must be the same.
 */
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Action } from '../../src/actions/action.js';
import { applyActions } from '../../src/apply/apply-actions.js';
import type { ApplyOptions } from '../../src/apply/apply-options.js';
import { HostImageView } from '../../src/apply/image-view.js';
import { bookwormChroot, copyTree, debFile, extractDeb, hasCommand, walkTree, type TreeNode } from '../helpers/reference-trees.js';

const EPOCH = 1700000000;
const packages = ['openssh-server', 'cron', 'rsyslog', 'dbus', 'systemd'];
const debs = packages.map((p) => debFile(p));
const missing = ['systemctl', 'deb-systemd-helper', 'update-rc.d', 'dpkg-deb'].filter((c) => !hasCommand(c));

function stagedUnder(result: ReturnType<typeof applyActions>, prefixes: readonly string[]): Map<string, TreeNode> {
  const out = new Map<string, TreeNode>();
  for (const [path, n] of result.staging.entries()) {
    if (!prefixes.some((p) => path === p || path.startsWith(`${p}/`))) continue;
    if (n.type === 'remove') continue;
    const node: TreeNode =
      n.type === 'symlink'
        ? { type: 'symlink', mode: 0o777, uid: n.uid, gid: n.gid, target: n.target }
        : n.type === 'file'
          ? { type: 'file', mode: n.mode, uid: n.uid, gid: n.gid, content: n.content.toString('latin1') }
          : { type: 'dir', mode: n.mode, uid: n.uid, gid: n.gid };
    out.set(path, node);
  }
  return out;
}

/** The nodes the tools added or changed under the prefixes (anything the pristine tree has identical is dropped). */
function changedUnder(pristine: string, reference: string, prefixes: readonly string[]): Map<string, TreeNode> {
  const out = new Map<string, TreeNode>();
  for (const p of prefixes) {
    const before = walkTree(pristine, p);
    for (const [path, node] of walkTree(reference, p)) {
      const old = before.get(path);
      if (old && JSON.stringify(old) === JSON.stringify(node)) continue;
      out.set(path, node);
    }
  }
  return out;
}

function sorted(m: Map<string, TreeNode>): [string, TreeNode][] {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** deb-systemd-helper refuses to run outside a maintainer script. */
const dpkgEnv = { DPKG_MAINTSCRIPT_PACKAGE: 'test', DPKG_MAINTSCRIPT_NAME: 'postinst' };

function run(argv: string[], env: Record<string, string>): void {
  execFileSync(argv[0] as string, argv.slice(1), { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: 'pipe' });
}

if (missing.length > 0 || debs.some((d) => d === undefined)) {
  t.plan(0, `needs ${missing.join(', ') || 'the packages'} (${packages.join(', ')})`);
} else {
  const makeImage = (t: Test, withInitScripts: boolean, preset?: string): string => {
    const dir = t.testdir();
    for (const deb of debs) extractDeb(deb as string, dir);
    if (!withInitScripts) execFileSync('sh', ['-c', 'rm -rf "$1"/etc/init.d', 'sh', dir]);
    else {
      // None of the packages' scripts has Default-Stop levels or rcS; a hwclock-like one does.
      const header = '#!/bin/sh\n### BEGIN INIT INFO\n# Provides: demo\n# Default-Start: S\n# Default-Stop: 0 6\n### END INIT INFO\n';
      writeFileSync(join(dir, 'etc/init.d/demo'), header, { mode: 0o755 });
    }
    if (preset !== undefined) {
      mkdirSync(join(dir, 'etc/systemd/system-preset'), { recursive: true });
      writeFileSync(join(dir, 'etc/systemd/system-preset/50-test.preset'), preset);
    }
    return dir;
  };
  const withCopy = (t: Test, image: string): string => {
    const ref = join(t.testdirName, '..', `${t.name.replace(/\W+/g, '-')}-reference`);
    mkdirSync(ref, { recursive: true });
    copyTree(image, ref);
    t.teardown(() => execFileSync('rm', ['-rf', ref]));
    return ref;
  };
  const prefixes = ['/etc/systemd', '/var/lib/systemd', '/etc/rc0.d', '/etc/rc1.d', '/etc/rc2.d', '/etc/rc3.d', '/etc/rc4.d', '/etc/rc5.d', '/etc/rc6.d', '/etc/rcS.d'];

  const compare = (t: Test, image: string, reference: string, actions: Action[], options: Partial<ApplyOptions>): ReturnType<typeof applyActions> => {
    const result = applyActions(actions, new HostImageView(image), { family: 'debian', epoch: EPOCH, ...options });
    const want = sorted(changedUnder(image, reference, prefixes));
    const got = sorted(stagedUnder(result, prefixes));
    t.strictSame(got, want, 'links, directories and state files');
    return result;
  };

  t.test('systemctl enable', async (t) => {
    const image = makeImage(t, false);
    const reference = withCopy(t, image);
    const units = ['ssh.service', 'rsyslog.service', 'cron.service', 'dbus.service', 'getty@.service', 'ssh.socket', 'systemd-networkd.service', 'getty@ttyS0.service'];
    for (const u of units) run(['systemctl', `--root=${reference}`, '--quiet', 'enable', u], { SYSTEMCTL_SKIP_SYSV: '1' });
    const result = compare(t, image, reference, units.map((unit) => ({ kind: 'systemd-enable', unit })), { enableTool: 'systemctl' });
    const dbus = result.applied.find((a) => a.action.kind === 'systemd-enable' && a.action.unit === 'dbus.service');
    t.match(dbus?.outcome, { kind: 'nothing', reason: /no \[Install\] section/ });
  });

  t.test('unit search order: /lib/systemd/system before /usr/lib/systemd/system (Debian 12)', async (t) => {
    const image = t.testdir({
      lib: { systemd: { system: { 'both.service': '[Install]\nWantedBy=a.target\n' } } },
      usr: { lib: { systemd: { system: { 'both.service': '[Install]\nWantedBy=b.target\n', 'only-usr.service': '[Install]\nWantedBy=c.target\n' } } } },
      etc: { systemd: { system: {} } },
    });
    const reference = withCopy(t, image);
    for (const u of ['both.service', 'only-usr.service']) run(['systemctl', `--root=${reference}`, '--quiet', 'enable', u], { SYSTEMCTL_SKIP_SYSV: '1' });
    compare(t, image, reference, ['both.service', 'only-usr.service'].map((unit) => ({ kind: 'systemd-enable', unit })), { enableTool: 'systemctl' });
  });

  t.test('systemctl preset with the image presets and a local one', async (t) => {
    const image = makeImage(t, false, 'disable cron.service\nenable getty@.service tty3 tty4\n');
    const reference = withCopy(t, image);
    const units = ['cron.service', 'ssh.service', 'getty@.service', 'systemd-networkd.service', 'console-getty.service'];
    for (const u of units) run(['systemctl', `--root=${reference}`, '--quiet', 'preset', u], { SYSTEMCTL_SKIP_SYSV: '1' });
    compare(t, image, reference, units.map((unit) => ({ kind: 'systemd-preset', unit })), {});
  });

  t.test('deb-systemd-helper enable (dh_installsystemd postinst), systemctl in the image', async (t) => {
    const image = makeImage(t, false, 'disable cron.service\n');
    const reference = withCopy(t, image);
    const units = ['ssh.service', 'ssh.socket', 'rsyslog.service', 'cron.service', 'systemd-networkd.service', 'ssh.service'];
    for (const u of units) run(['deb-systemd-helper', 'enable', u], { ...dpkgEnv, DPKG_ROOT: reference, SYSTEMCTL_SKIP_SYSV: '1' });
    compare(t, image, reference, units.map((unit) => ({ kind: 'systemd-enable', unit })), {});
  });

  t.test('deb-systemd-helper enable without systemctl in the image', async (t) => {
    const image = makeImage(t, false);
    execFileSync('sh', ['-c', 'rm -f "$1"/bin/systemctl "$1"/usr/bin/systemctl', 'sh', image]);
    const reference = withCopy(t, image);
    const units = ['ssh.service', 'rsyslog.service', 'getty@.service'];
    for (const u of units) run(['deb-systemd-helper', 'enable', u], { ...dpkgEnv, DPKG_ROOT: reference });
    compare(t, image, reference, units.map((unit) => ({ kind: 'systemd-enable', unit })), {});
  });

  t.test('update-rc.d defaults, defaults-disabled and enable (plain, no insserv), in a chroot', async (t) => {
    // update-rc.d's enable reads the LSB header from / whatever DPKG_ROOT says, so it runs chrooted
    // in a bookworm minbase with the packages unpacked on top.
    const chroot = bookwormChroot();
    // update-rc.d itself, and the library systemctl needs beyond minbase (it runs `systemctl enable`).
    const extra = ['init-system-helpers', 'libssl3'].map((p) => debFile(p));
    if ('skip' in chroot || extra.some((d) => d === undefined)) {
      t.plan(0, 'skip' in chroot ? chroot.skip : 'no init-system-helpers or libssl3 package');
      return;
    }
    const image = t.testdir();
    copyTree(chroot.dir, image);
    for (const deb of [...debs, ...extra]) extractDeb(deb as string, image);
    const header = '#!/bin/sh\n### BEGIN INIT INFO\n# Provides: demo\n# Default-Start: S\n# Default-Stop: 0 6\n### END INIT INFO\n';
    writeFileSync(join(image, 'etc/init.d/demo'), header, { mode: 0o755 });
    const reference = withCopy(t, image);
    const calls: [string, string[]][] = [
      ['ssh', ['defaults']],
      ['dbus', ['defaults-disabled']],
      ['demo', ['defaults']],
      ['cron', ['defaults']],
      ['dbus', ['enable', '2', '3']],
      ['cron', ['enable']],
      ['ssh', ['defaults']],
    ];
    for (const [script, args] of calls) run(['chroot', reference, '/usr/sbin/update-rc.d', script, ...args], {});
    compare(t, image, reference, calls.map(([script, args]) => ({ kind: 'sysv-enable', script, args })), {});
  });
}
