/**
 * The ground truth: a bookworm minbase with openssh-server, nginx, cron, rsyslog, dbus, sudo and
 * systemd-sysv installed for real by mmdebstrap (dpkg runs every script) against the same .debs
 * unpacked with no script and scriptlet's plan applied. Every difference must be explained by a
 * step deferred to first boot. The two mmdebstrap trees are cached in .cache/verify by package set
 * (the first run needs the network and takes a few minutes).
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/capture-io.js';
import { cacheDir } from '../helpers/cache-dir.js';
import { hasCommand } from '../helpers/reference-trees.js';

const packages = ['openssh-server', 'nginx', 'cron', 'rsyslog', 'dbus', 'sudo', 'systemd-sysv'];

interface JsonDifference {
  category: string;
  kind: string;
  subject: string;
  change: string;
  explainedBy?: { step: string; package: string; reason: string; via: string }[];
}

t.test('a package name that is not one is a usage error, before anything is built', async (t) => {
  const io = captureIo();
  t.equal(await main(['verify', 'Not A Package', '--cache-dir', t.testdir()], io), 2);
  t.match(io.err, /not a Debian package name/);
});

if (!hasCommand('mmdebstrap')) {
  t.test('reference install', (t) => {
    t.plan(0, 'mmdebstrap is not installed (apt-get install mmdebstrap; scripts/install-deps does)');
  });
} else {
  t.test(`verify ${packages.join(' ')}`, { timeout: 20 * 60 * 1000 }, async (t) => {
    const keep = t.testdir();
    const io = captureIo();
    const code = await main(['verify', ...packages, '--cache-dir', cacheDir('verify'), '--keep', keep, '--json', '-q'], io);
    const r = JSON.parse(io.out) as {
      passed: boolean;
      installed: string[];
      packageMismatch: string[];
      matches: { kind: string; subject: string; category: string }[];
      explained: JsonDifference[];
      unexplained: JsonDifference[];
      excluded: { reason: string; paths: number }[];
      plan: { steps: number; actions: number };
    };
    t.same(r.unexplained, [], 'no unexplained difference');
    t.same(r.packageMismatch, [], 'the unpacked .debs are exactly the installed packages');
    t.equal(code, 0);
    t.equal(r.passed, true);
    t.ok(r.installed.length > 100 && packages.every((p) => r.installed.some((i) => i.startsWith(`${p}=`))), 'every named package is installed');

    // The accounts base-passwd installs are made at build time and must match dpkg's exactly.
    for (const name of ['root', 'daemon', 'nobody']) t.ok(r.matches.some((m) => m.kind === 'user' && m.subject === name), `user ${name} matches`);
    // Host keys are made on the machine that boots, never at build time.
    const key = r.explained.find((d) => d.subject === '/etc/ssh/ssh_host_ed25519_key');
    t.ok(key?.explainedBy?.some((e) => e.package === 'openssh-server'), 'the ssh host key is left to openssh-server at first boot');
    for (const d of r.explained) {
      t.ok(d.explainedBy && d.explainedBy.length > 0 && d.explainedBy.every((e) => e.reason !== '' && e.via !== ''), `${d.subject} names its step and reason`);
    }
    t.ok(r.excluded.every((e) => e.reason.length > 0));

    t.ok(existsSync(join(keep, 'image', 'etc', 'passwd')), 'the kept image has the staged account files');
    t.ok(JSON.parse(readFileSync(join(keep, 'plan.json'), 'utf8')), 'the plan is kept');
    const owners = JSON.parse(readFileSync(join(keep, 'staged-owners.json'), 'utf8')) as { path: string }[];
    t.ok(owners.some((o) => o.path === '/etc/passwd'));
  });
}
