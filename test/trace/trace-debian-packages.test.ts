/**
 * Traces of real bookworm postinsts over the cached minbase tree (made once by mmdebstrap with the
 * dependencies of all five packages, so every trace shares it): the users, groups, links, owner
 * changes and host keys they make. Then `policy verify` on a fixture whose translation misses an
 * effect. Needs root (mmdebstrap root mode, owners), the network the first time, and bwrap.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { TraceReport } from '../../src/trace/trace-report.js';
import { buildDeb } from '../helpers/build-deb.js';
import { cacheDir } from '../helpers/cache-dir.js';
import { captureIo } from '../helpers/capture-io.js';
import { debFile, hasCommand, isRoot } from '../helpers/reference-trees.js';
import { slimRoot } from '../helpers/trace-roots.js';

const BASE =
  'adduser,cron-daemon-common,dbus-bin,dbus-daemon,dbus-system-bus-common,debconf,init-system-helpers,libdebconfclient0,libpam-modules,libpam-runtime,lsb-base,openssh-client,openssh-sftp-server,procps,runit-helper,sensible-utils,ucf';

function io(): ReturnType<typeof captureIo> {
  const c = captureIo();
  c.env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: process.env.TMPDIR ?? '/tmp' };
  return c;
}

async function trace(file: string, extra: string[] = []): Promise<{ code: number; r: TraceReport; err: string }> {
  const c = io();
  const code = await main(['trace', file, '--json', '--no-tty', '--cache-dir', cacheDir('trace'), '--base', BASE, ...extra], c);
  if (c.out === '') throw new Error(`trace failed: ${c.err}`);
  return { code, r: JSON.parse(c.out) as TraceReport, err: c.err };
}

const created = (r: TraceReport): Map<string, NonNullable<TraceReport['files'][number]['after']>> =>
  new Map(r.files.filter((f) => f.change === 'created').map((f) => [f.path, f.after!]));

const skip = !isRoot() ? 'needs root (mmdebstrap root mode)' : !hasCommand('bwrap') || !hasCommand('mmdebstrap') ? 'needs bwrap and mmdebstrap' : false;

t.test('real postinsts', { skip, timeout: 900_000 }, async (t) => {
  const files: Record<string, string | undefined> = {};
  for (const p of ['openssh-server', 'cron', 'dbus', 'nginx-common', 'base-passwd']) files[p] = debFile(p);
  const missing = Object.entries(files).filter(([, f]) => f === undefined);
  if (missing.length > 0) return void t.comment(`skipped: cannot download ${missing.map(([p]) => p).join(' ')}`);

  await t.test('openssh-server: sshd user, host keys, unit and rc links, services denied', async (t) => {
    const { code, r } = await trace(files['openssh-server']!);
    t.equal(code, 0, r.output);
    t.same(r.script.args, ['configure', '']);
    t.equal(r.script.env.DPKG_MAINTSCRIPT_PACKAGE, 'openssh-server');
    t.same(r.accounts.users.added.map((u) => [u.name, u.home, u.shell]), [['sshd', '/run/sshd', '/usr/sbin/nologin']]);
    const c = created(r);
    for (const k of ['rsa', 'ecdsa', 'ed25519']) {
      t.equal(c.get(`/etc/ssh/ssh_host_${k}_key`)?.mode, 0o600, `${k} host key`);
      t.ok(c.get(`/etc/ssh/ssh_host_${k}_key.pub`)?.sha256, `${k} public key hashed`);
    }
    t.equal(c.get('/etc/systemd/system/multi-user.target.wants/ssh.service')?.target, '/lib/systemd/system/ssh.service');
    t.equal(c.get('/etc/systemd/system/sshd.service')?.target, '/lib/systemd/system/ssh.service');
    t.equal(c.get('/etc/rc2.d/S01ssh')?.target, '../init.d/ssh');
    t.ok(r.calls.some((x) => x.name === 'ssh-keygen' && x.args.includes('ed25519') && x.exit === 0));
    t.ok(r.calls.some((x) => x.name === 'invoke-rc.d' && x.outcome === 'denied'));
  });

  await t.test('cron: statoverride on crontab (setgid, group crontab), links', async (t) => {
    const { code, r } = await trace(files.cron!);
    t.equal(code, 0, r.output);
    const crontab = r.files.find((f) => f.path === '/usr/bin/crontab');
    t.same(crontab?.fields, ['mode', 'owner']);
    t.equal(crontab?.after?.mode, 0o2755);
    t.not(crontab?.after?.gid, 0);
    t.ok(created(r).has('/var/lib/dpkg/statoverride'));
    t.equal(created(r).get('/etc/systemd/system/multi-user.target.wants/cron.service')?.type, 'symlink');
  });

  await t.test('dbus: launch helper setuid for messagebus', async (t) => {
    const { code, r } = await trace(files.dbus!);
    t.equal(code, 0, r.output);
    const helper = r.files.find((f) => f.path === '/usr/lib/dbus-1.0/dbus-daemon-launch-helper');
    t.equal(helper?.after?.mode, 0o4754);
    t.ok(r.calls.some((x) => x.name === 'dpkg-statoverride' && x.args.includes('messagebus')));
  });

  await t.test('nginx-common: log files for www-data, default site link, debconf noninteractive', async (t) => {
    const { code, r } = await trace(files['nginx-common']!);
    t.equal(code, 0, r.output);
    const c = created(r);
    t.equal(c.get('/etc/nginx/sites-enabled/default')?.target, '/etc/nginx/sites-available/default');
    t.equal(c.get('/var/log/nginx/access.log')?.mode, 0o640);
    t.equal(c.get('/var/log/nginx/access.log')?.uid, 33, 'owned by www-data');
    t.ok(c.has('/var/www/html/index.nginx-debian.html'));
  });

  await t.test('base-passwd: runs update-passwd against the master files', async (t) => {
    const { r } = await trace(files['base-passwd']!);
    t.equal(r.result.timedOut, false);
    t.equal(r.result.exitCode, 0, r.output);
    t.equal(r.sandbox.mode, 'host-root');
  });

  await t.test('policy verify: a faithful translation passes; a link made inside an existing directory is named with its rules', async (t) => {
    const root = await slimRoot();
    if ('skip' in root) return void t.comment(`skipped: ${root.skip}`);
    const dir = t.testdir();
    const control = (n: string): string => `Package: ${n}\nVersion: 1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: x\n`;
    const good = buildDeb(dir, 'verify-good', {
      control: control('verify-good'),
      files: { postinst: '#!/bin/sh\nset -e\nmkdir -p /var/lib/verify-good\nchmod 0750 /var/lib/verify-good\n' },
    });
    const bad = buildDeb(dir, 'verify-bad', {
      control: control('verify-bad'),
      files: { postinst: '#!/bin/sh\nset -e\nmkdir -p /var/lib/vb\nln -s /var/lib/vb /var/lib/vb-link\n' },
      payload: { 'var/lib/vb-link/keep': 'x\n' },
    });
    const c = io();
    const code = await main(['policy', 'verify', good, bad, '--json', '--root', root.dir], c);
    t.equal(c.err, '');
    const results = JSON.parse(c.out) as { package: string; outcome: string; mismatches: { kind: string; subject: string; rule: { id: string } }[] }[];
    t.same(
      results.map((r) => [r.package, r.outcome]),
      [
        ['verify-good', 'translate'],
        ['verify-bad', 'translate'],
      ],
    );
    t.same(results[0]!.mismatches, []);
    t.same(
      results[1]!.mismatches.map((m) => [m.kind, m.subject, m.rule.id]),
      [
        ['unrealised-action', 'symlink /var/lib/vb-link', 'symlink'],
        ['uncovered-effect', 'symlink /var/lib/vb-link/vb', 'directory'],
      ],
    );
    t.equal(code, 1);

    // Side by side, with an unreadable file among them: the same results in input order, the bad
    // file named at the end, a summary with counts, exit 2.
    const junk = join(dir, 'junk.deb');
    writeFileSync(junk, 'not a package\n');
    const c2 = io();
    const code2 = await main(['policy', 'verify', good, junk, bad, '--json', '--root', root.dir, '--jobs', '2', '--keep-going', '--progress'], c2);
    t.equal(code2, 2);
    t.same(JSON.parse(c2.out).map((r: { package: string; mismatches: unknown[] }) => [r.package, r.mismatches.length]), [
      ['verify-good', 0],
      ['verify-bad', 2],
    ]);
    t.match(c2.err, /\[2\/2\] (ok|FAIL) verify-/);
    t.match(c2.err, /2 packages read \(1 unreadable\), 2 with dropped or translated install scripts; 2 scripts traced \(0 timed out, 0 failed, 0 not traceable\); 1 with mismatches, 2 mismatches/);
    t.match(c2.err, /scriptlet: .*junk\.deb/);
  });
});
