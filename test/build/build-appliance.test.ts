/**
 * scriptlet prepare and build end to end on this host (root: the fixture packages must be
 * installed, because supermin only takes installed packages): an ext2 appliance with
 * openssh-server booted in qemu (TCG) through the /init wrapper, with a power cut in the middle of
 * a deferred script; a chroot built without root whose agent runs under bwrap; and bad inputs.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootAppliance, type BootResult } from '../../src/appliance/boot-appliance.js';
import { writeOverlayTar } from '../../src/appliance/overlay-tar.js';
import { Ajv } from 'ajv';
import type { Manifest } from '../../src/build/build-manifest.js';
import { manifestJsonSchemaText } from '../../src/build/manifest-schema.js';
import { main } from '../../src/cli/main.js';
import { fetchKernel } from '../../src/supermin/fetch-kernel.js';
import { installBuildFixtures } from '../helpers/build-test-fixtures.js';
import { cacheDir } from '../helpers/cache-dir.js';
import { captureIo } from '../helpers/capture-io.js';
import { cliChildScript } from '../helpers/cli-child.js';
import { childEnv, tsChildArgv } from '../helpers/ts-child.js';

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? installBuildFixtures() : 'needs root to install fixture packages on the host';

// Scripts outside what the test is about are dropped (a leading `!` would be minimatch's negation
// of the whole pattern, hence the `@(…)` around the extglob), so the result does not depend on how the
// shipped policy handles every library of the closure; openssh-server and scriptlet-test-user go
// through the shipped debian rules.
const POLICY = `{
  name: 'build-test',
  family: 'debian',
  extends: 'debian',
  rules: [
    { id: 'test-defer', scope: 'script', match: { package: ['scriptlet-test-slow', 'scriptlet-test-quick', 'scriptlet-test-bash'] }, outcome: 'defer', reason: 'the test wants it run at first boot' },
    { id: 'test-out-of-scope', scope: 'script', match: { package: '@(!(openssh-server|mawk|scriptlet-test-user))' }, outcome: 'drop', reason: 'outside what this test checks' },
  ],
}
`;

// Run after the agent by the /init wrapper (scriptlet.init=…): show what the deferred and
// translated scripts left, then power off.
const TEST_INIT = `#!/bin/sh
for k in /etc/ssh/ssh_host_*_key; do [ -s "$k" ] && echo "TEST hostkey $k"; done
grep -E '^(sshd|sltestd):' /etc/passwd | sed 's/^/TEST passwd /'
sed 's/^/TEST runs /' /var/lib/scriptlet-test/runs
echo "TEST end"
sync
echo o > /proc/sysrq-trigger
sleep 60
`;

async function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(cwd);
  io.env = env;
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

function debugfsCat(image: string, path: string): string {
  return execFileSync('debugfs', ['-R', `cat ${path}`, image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

const started = (console: string): string[] => [...console.matchAll(/scriptlet-agent: start id=(\S+)/g)].map((m) => m[1] as string);

t.test('ext2 appliance with openssh-server: deferred host keys, translated user, power cut, no re-run', { skip, timeout: 1_200_000 }, async (t) => {
  const kernel = await fetchKernel({ cacheDir: cacheDir('kernel') });
  const env = { ...process.env, SUPERMIN_KERNEL: kernel.kernel, SUPERMIN_MODULES: kernel.modules, SUPERMIN_KERNEL_VERSION: kernel.version, SOURCE_DATE_EPOCH: '1700000000' };
  const dir = t.testdir({ 'policy.json5': POLICY });
  // openssh-server's postinst needs Essential tools no package depends on (ucf: getopt, awk; debconf: perl).
  const packages = ['openssh-server', 'perl-base', 'dash', 'mount', 'coreutils', 'sed', 'grep', 'mawk', 'util-linux', 'findutils', 'libc-bin', 'login', 'base-passwd', 'e2fsprogs', 'scriptlet-test-user', 'scriptlet-test-slow'];

  const prep = await cli(['prepare', '-q', '--policy', 'policy.json5', '--cache-dir', cacheDir('scriptlet-build'), '-o', 'prepared', ...packages], env, dir);
  t.equal(prep.code, 0, prep.err);
  t.match(prep.out, /^prepared prepared: \d+ packages/);
  t.same(readdirSync(join(dir, 'prepared')).sort(), ['manifest.json', 'supermin.d']);
  t.same(readdirSync(join(dir, 'prepared/supermin.d')).sort(), ['base.tar.gz', 'packages', 'zz-scriptlet.tar']);

  const manifest = JSON.parse(readFileSync(join(dir, 'prepared/manifest.json'), 'utf8')) as Manifest;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(manifestJsonSchemaText()) as object);
  t.ok(validate(manifest), `manifest.json validates against docs/manifest.schema.json: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  const names = manifest.packages.map((p) => p.name);
  t.ok(names.includes('libssl3') && names.includes('openssh-client'), 'the dependency closure supermin includes is in the manifest');
  t.equal(manifest.packages.find((p) => p.name === 'openssh-server')?.requested, true);
  t.equal(manifest.init, 'none');
  const script = (pkg: string, phase: string) => manifest.scripts.find((s) => s.package === pkg && s.phase === phase);
  t.equal(script('openssh-server', 'postinst')?.outcome, 'defer', 'host keys: deferred');
  t.equal(script('scriptlet-test-user', 'postinst')?.outcome, 'translate', 'adduser --system: translated');
  t.equal(script('mawk', 'postinst')?.outcome, 'translate', 'update-alternatives (awk): translated');
  t.ok(manifest.actions.some((a) => a.action.kind === 'user' && a.result === 'done' && a.from.some((f) => f.package === 'scriptlet-test-user')));
  t.same(manifest.deferred.map((s) => s.order), manifest.deferred.map((_, i) => i + 1));
  const scripts = manifest.deferred.filter((s) => s.sha256 !== null);
  t.same(scripts.map((s) => s.args), scripts.map((s) => (s.phase === 'preinst' ? ['install'] : ['configure', ''])), 'fresh-install arguments');
  const templates = manifest.deferred.findIndex((s) => s.id.endsWith('-openssh-server.templates'));
  t.same(
    manifest.deferred.slice(templates + 1, templates + 3).map((s) => s.id.replace(/^\d+-/, '')),
    ['openssh-server.config', 'openssh-server.postinst'],
    'debconf templates are loaded and the config script runs just before the postinst',
  );
  t.ok(manifest.deferred.some((s) => s.package === 'openssh-server' && s.env.DPKG_MAINTSCRIPT_PACKAGE === 'openssh-server' && /^[0-9a-f]{64}$/.test(s.sha256 ?? '')));
  const slowId = manifest.deferred.find((s) => s.package === 'scriptlet-test-slow')?.id as string;
  t.ok(slowId);

  await writeOverlayTar(join(dir, 'prepared/supermin.d/zz-test.tar'), [{ type: 'file', path: 'usr/local/sbin/test-init', mode: 0o755, content: TEST_INIT }], { mtime: 1700000000 });
  const built = await cli(['build', '-q', '--size', '700M', '-o', 'app', 'prepared'], env, dir);
  t.equal(built.code, 0, built.err);
  t.same(readdirSync(join(dir, 'app')).sort(), ['initrd', 'kernel', 'manifest.json', 'root']);
  const root = join(dir, 'app/root');
  t.match(debugfsCat(root, '/etc/passwd'), /^sltestd:[^:]*:\d+:\d+::\/nonexistent:\/usr\/sbin\/nologin$/m, 'the translated user is in the image before any boot');

  const boot = (extra: Partial<Parameters<typeof bootAppliance>[0]> = {}): Promise<BootResult> =>
    bootAppliance({ kernel: join(dir, 'app/kernel'), initrd: join(dir, 'app/initrd'), root, timeoutMs: 400_000, append: ['scriptlet.init=/usr/local/sbin/test-init'], ...extra });

  // 1: cut the power a few seconds into the slow script.
  const cut = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The serial console arrives in arbitrary chunks: a line can be split between two of them.
  let seen = '';
  const first = await boot({
    signal: cut.signal,
    onOutput: (chunk) => {
      seen += chunk;
      if (!timer && seen.includes(`start id=${slowId}`)) timer = setTimeout(() => cut.abort(), 4000);
    },
  });
  clearTimeout(timer);
  t.ok(timer, 'the slow script started');
  t.notMatch(first.console, /scriptlet-agent: done/, 'the first boot was cut before the agent finished');
  const finishedBefore = [...first.console.matchAll(/scriptlet-agent: end id=(\S+) state=ok/g)].map((m) => m[1] as string);

  // 2: the agent resumes; nothing that finished runs again; the slow script runs from the start.
  // A power cut can leave ext2 damaged (seen: the agent could not create its journal's temp file).
  // With e2fsprogs in the image, /init checks the root first, as a boot-time fsck would; after a
  // repair it restarts the machine, and the boot after that runs the agent on a clean filesystem.
  let second = await boot();
  if (/scriptlet init: e2fsck repaired/.test(second.console)) {
    t.notMatch(second.console, /scriptlet-agent: start/, 'nothing ran on the damaged filesystem');
    second = await boot();
  }
  t.equal(second.timedOut, false);
  t.match(second.console, new RegExp(`scriptlet-agent: done result=ok ok=${manifest.deferred.length} failed=0`));
  for (const id of finishedBefore) t.notOk(started(second.console).includes(id), `${id} finished before the cut and did not run again`);
  t.match(second.console, new RegExp(`start id=${slowId.replace(/[.+]/g, '\\$&')} package=scriptlet-test-slow phase=postinst attempt=2`));
  t.same(started(second.console), manifest.deferred.map((s) => s.id).filter((id) => !finishedBefore.includes(id)), 'the rest ran in plan order');
  for (const type of ['rsa', 'ecdsa', 'ed25519']) t.match(second.console, `TEST hostkey /etc/ssh/ssh_host_${type}_key`);
  t.match(second.console, /TEST passwd sshd:[^:]*:\d+:65534::\/run\/sshd:\/usr\/sbin\/nologin/);
  t.match(second.console, /TEST passwd sltestd:[^:]*:\d+:\d+::\/nonexistent:\/usr\/sbin\/nologin/);
  t.match(second.console, /TEST end/);
  // The journal is append-only: a step's last line is its state (docs/guest-agent.md).
  const journal = debugfsCat(root, '/var/lib/scriptlet/journal');
  const last = new Map<string, string[]>();
  for (const line of journal.split('\n').filter((l) => l !== '')) last.set(line.split('\t')[0] as string, line.split('\t'));
  t.same([...last.keys()].sort(), manifest.deferred.map((s) => s.id).sort(), 'every step is in the journal');
  for (const [id, [, state, , attempts]] of last) {
    t.equal(state, 'ok', `${id} ok`);
    t.equal(attempts, id === slowId ? '2' : '1', `${id}: ${attempts} attempt(s)`);
  }

  // 3: done; nothing runs again.
  const third = await boot();
  t.same(started(third.console), [], 'no step runs on a later boot');
  t.match(third.console, /TEST hostkey \/etc\/ssh\/ssh_host_ed25519_key/);
  t.match(third.console, /TEST end/);
  if (!/TEST end/.test(second.console)) t.comment(second.console.slice(-6000));
});

const NOBODY = 65534;

function chownTree(path: string): void {
  chownSync(path, NOBODY, NOBODY);
  if (lstatSync(path).isDirectory()) for (const n of readdirSync(path)) chownTree(join(path, n));
}

t.test('chroot built without root; the agent runs inside it', { skip: skip ?? (existsSync('/usr/bin/bwrap') ? undefined : 'bwrap is not installed'), timeout: 600_000 }, async (t) => {
  const dir = t.testdir({ 'policy.json5': POLICY });
  chownTree(dir);
  const argv = [
    'setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups',
    ...tsChildArgv(cliChildScript),
    'build', '-q', '-f', 'chroot', '--use-installed', '--policy', join(dir, 'policy.json5'), '--cache-dir', join(dir, 'cache'), '-o', join(dir, 'chroot'),
    'dash', 'coreutils', 'base-passwd', 'scriptlet-test-user', 'scriptlet-test-quick',
  ];
  const run = spawnSync(argv[0] as string, argv.slice(1), { cwd: dir, env: childEnv({ HOME: dir, TMPDIR: dir }), encoding: 'utf8', timeout: 500_000 });
  t.equal(run.status, 0, run.stderr);
  t.match(run.stderr, /warning: building a chroot appliance without root/);
  const chroot = join(dir, 'chroot');
  t.equal(lstatSync(join(chroot, 'usr/lib/scriptlet/agent')).uid, NOBODY, 'built by the unprivileged user');
  t.match(readFileSync(join(chroot, 'etc/passwd'), 'utf8'), /^sltestd:[^:]*:\d+:\d+::\/nonexistent:\/usr\/sbin\/nologin$/m);

  // The chroot belongs to the unprivileged builder; it runs the agent as root of its own user namespace.
  const agent = spawnSync('setpriv', [
    `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups',
    'bwrap', '--unshare-all', '--uid', '0', '--gid', '0', '--bind', chroot, '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/run', '--tmpfs', '/tmp',
    '/usr/lib/scriptlet/agent', 'run',
  ], {
    encoding: 'utf8',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    timeout: 120_000,
  });
  t.equal(agent.status, 0, agent.stderr);
  t.match(agent.stderr + agent.stdout, /scriptlet-agent: done result=ok ok=1 failed=0/);
  t.equal(readFileSync(join(chroot, 'var/lib/scriptlet-test-quick'), 'utf8'), 'configure\n', 'the deferred postinst ran with its fresh-install arguments');
});

t.test('bad inputs', { skip, timeout: 300_000 }, async (t) => {
  const dir = t.testdir({ 'policy.json5': POLICY });
  const unknown = await cli(['build', '-q', '-o', 'out', 'dash', 'no-such-package-scriptlet'], process.env, dir);
  t.equal(unknown.code, 2);
  t.match(unknown.err, /not installed on this host: no-such-package-scriptlet/);
  t.notOk(existsSync(join(dir, 'out')));

  const bash = await cli(['prepare', '-q', '--use-installed', '--policy', 'policy.json5', '-o', 'p', 'dash', 'scriptlet-test-bash'], process.env, dir);
  t.equal(bash.code, 2, bash.err);
  t.match(bash.err, /the deferred postinst of scriptlet-test-bash needs \/bin\/bash, which is not in the appliance/);
  t.match(bash.err, /hint: add bash to the package list/);
  t.notOk(existsSync(join(dir, 'p')), 'no half-prepared output');
});
