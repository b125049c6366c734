/**
 * The guest agent under faults in a real appliance: one ext2 appliance built with `scriptlet
 * prepare` + `build` from dash, coreutils and five fixture packages whose postinsts are deferred,
 * booted in qemu (TCG) five times in a row:
 *   A: power cut (test hook scriptlet.fault=journal-written) when the Latin-1 step's result is
 *      appended to the journal but not yet synced: its journal line must still say `started`;
 *   B: power cut (qemu killed) in the middle of the sleeping step;
 *   C: power cut just after the sync that makes the sleeper's result durable
 *      (scriptlet.fault=journal-synced): the next boot must not run it again;
 *   D: the rest runs: a step killed by its timeout, one that forks a daemon and exits, one whose
 *      log output fills the disk (its failure is still recorded, in the reserve);
 *   E: a later boot runs nothing.
 * After each boot the journal is read from the image without booting (debugfs), strictly parsed.
 * After a cut, the /init wrapper's boot-time e2fsck repairs the ext2 root and restarts before the
 * agent runs (the first version of this test, without that check, saw the agent unable to create
 * its temp journal, and later another file's blocks inside the journal).
 * The fault hook needs the image's opt-in file usr/lib/scriptlet/fault-injection, which only
 * this test adds (docs/guest-agent.md, "Fault injection").
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootAppliance, type BootResult } from '../../src/appliance/boot-appliance.js';
import { writeOverlayTar } from '../../src/appliance/overlay-tar.js';
import type { Manifest } from '../../src/build/build-manifest.js';
import { main } from '../../src/cli/main.js';
import { fetchKernel } from '../../src/supermin/fetch-kernel.js';
import { buildDeb } from '../helpers/build-deb.js';
import { installedVersion } from '../helpers/build-test-fixtures.js';
import { cacheDir } from '../helpers/cache-dir.js';
import { captureIo } from '../helpers/capture-io.js';

const VERSION = '1.0';
// Long enough for the logger to fill the disk under TCG on a loaded host, short enough to wait for.
const STEP_TIMEOUT = 30;
// On the host (dpkg -i, which supermin needs) the postinsts do nothing: only an appliance built by
// this test has the opt-in file.
const GUARD = '#!/bin/sh\n[ -e /usr/lib/scriptlet/fault-injection ] || exit 0\nmkdir -p /var/lib/scriptlet-fault\n';
const record = (what: string) => `echo "${what} $1" >>/var/lib/scriptlet-fault/runs\n`;

const LATIN1_SCRIPT = Buffer.concat([
  Buffer.from(`${GUARD}# Caf`),
  Buffer.from([0xe9, 0x20, 0xa9, 0x20, 0xff]),
  Buffer.from(`\n${record('latin1')}echo "caf`),
  Buffer.from([0xe9]),
  Buffer.from('"\n'),
]);

const FIXTURES: Record<string, string | Buffer> = {
  'scriptlet-fault-a-latin1': LATIN1_SCRIPT,
  'scriptlet-fault-b-sleeper': `${GUARD}${record('sleeper-start')}sleep 8\n${record('sleeper-end')}`,
  'scriptlet-fault-c-timeout': `${GUARD}${record('timeout-start')}echo "sleeping past the timeout"\nsleep 600\n${record('timeout-end')}`,
  // The daemon keeps the step's log open and outlives the step; the agent must not wait for it.
  'scriptlet-fault-d-daemon': `${GUARD}${record('daemon-start')}setsid sh -c 'echo "daemon alive"; exec sleep 600' </dev/null &\necho "daemon parent exits"\n`,
  // Log output until the disk is full (yes stops on ENOSPC with status 1).
  'scriptlet-fault-e-logger': `${GUARD}${record('logger-start')}echo "logger: filling the disk"\nyes "scriptlet-fault-logger: one more line of log output, written until the disk is full"\n`,
};

const control = (name: string): string =>
  `Package: ${name}\nVersion: ${VERSION}\nArchitecture: all\nMaintainer: scriptlet tests <tests@example.invalid>\nDescription: scriptlet guest agent fault fixture\n`;

function installFixtures(): void {
  const missing = Object.keys(FIXTURES).filter((n) => installedVersion(n) !== VERSION);
  if (missing.length === 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'scriptlet-fault-fixtures-'));
  try {
    const debs = missing.map((name) => buildDeb(dir, name, { control: control(name), files: { postinst: FIXTURES[name] as string | Buffer } }));
    execFileSync('flock', ['/tmp/apt.lock', 'dpkg', '-i', ...debs], { stdio: 'ignore', timeout: 300_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const needs = [
  ...(process.getuid?.() === 0 ? [] : ['root (fixture packages are installed on the host)']),
  ...['/usr/bin/qemu-system-x86_64', '/usr/sbin/debugfs', '/usr/bin/supermin'].filter((p) => !existsSync(p)),
];
const skip = needs.length > 0 ? `needs ${needs.join(', ')}` : undefined;

const POLICY = `{
  name: 'fault-test',
  family: 'debian',
  extends: 'debian',
  rules: [
    { id: 'fault-defer', scope: 'script', match: { package: 'scriptlet-fault-*' }, outcome: 'defer', reason: 'the fault test runs it at first boot' },
    { id: 'fault-out-of-scope', scope: 'script', match: { package: '@(!(scriptlet-fault-*))' }, outcome: 'drop', reason: 'outside what this test checks' },
  ],
}
`;

// Run after the agent by the /init wrapper: what the scripts left, then power off.
const TEST_INIT = `#!/bin/sh
sed 's/^/TEST runs /' /var/lib/scriptlet-fault/runs
echo "TEST end"
sync
echo o > /proc/sysrq-trigger
sleep 60
`;

interface JournalLine {
  state: string;
  rc: string;
  attempts: number;
  note: string;
}

function debugfsCat(image: string, path: string): Buffer {
  return execFileSync('debugfs', ['-R', `cat ${path}`, image], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 512 * 1024 * 1024 });
}

/**
 * The journal as left on the disk image: each step's last line (the agent appends records). Parsed
 * strictly: a complete foreign line fails; an unterminated last line is a torn append, which the
 * agent ignores, and so does this.
 */
function journalOnDisk(image: string): Map<string, JournalLine> {
  const text = debugfsCat(image, '/var/lib/scriptlet/journal').toString('utf8');
  const out = new Map<string, JournalLine>();
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) {
    const f = line.split('\t');
    if (f.length !== 6 || !['started', 'ok', 'failed', 'timeout'].includes(f[1] ?? '') || !/^[1-9]\d*$/.test(f[3] ?? '') || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(f[5] ?? '')) {
      throw new Error(`malformed journal line ${JSON.stringify(line)}`);
    }
    out.delete(f[0] as string);
    out.set(f[0] as string, { state: f[1] as string, rc: f[2] as string, attempts: Number(f[3]), note: f[4] as string });
  }
  return out;
}

const started = (console: string): string[] => [...console.matchAll(/scriptlet-agent: start id=(\S+)/g)].map((m) => m[1] as string);
const esc = (s: string): string => s.replace(/[.+]/g, '\\$&');

t.test('guest agent under power cuts, a timeout, a daemon and a full disk, in the VM', { skip, timeout: 1_500_000 }, async (t) => {
  installFixtures();
  const kernel = await fetchKernel({ cacheDir: cacheDir('kernel') });
  const env = { ...process.env, SUPERMIN_KERNEL: kernel.kernel, SUPERMIN_MODULES: kernel.modules, SUPERMIN_KERNEL_VERSION: kernel.version, SOURCE_DATE_EPOCH: '1700000000' };
  const dir = t.testdir({ 'policy.json5': POLICY });
  const cli = async (args: string[]) => {
    const io = captureIo(dir);
    io.env = env;
    const code = await main(args, io);
    return { code, out: io.out, err: io.err };
  };
  // e2fsprogs: the /init wrapper checks the ext2 root before the agent runs (see guest-agent/init).
  const packages = ['dash', 'coreutils', 'mount', 'util-linux', 'base-passwd', 'sed', 'e2fsprogs', ...Object.keys(FIXTURES)];
  const prep = await cli(['prepare', '-q', '--use-installed', '--policy', 'policy.json5', '--timeout', String(STEP_TIMEOUT), '-o', 'prepared', ...packages]);
  t.equal(prep.code, 0, prep.err);
  const manifest = JSON.parse(readFileSync(join(dir, 'prepared/manifest.json'), 'utf8')) as Manifest;
  const ids = manifest.deferred.map((s) => s.id);
  const idOf = (pkg: string): string => manifest.deferred.find((s) => s.package === pkg)?.id as string;
  const [latin1, sleeper, timeout, daemon, logger] = Object.keys(FIXTURES).map(idOf) as [string, string, string, string, string];
  t.same(ids, [latin1, sleeper, timeout, daemon, logger], 'only the fixtures are deferred, in name order');
  t.equal(manifest.deferred[0]?.sha256, createSha(LATIN1_SCRIPT), 'the manifest checksum is over the Latin-1 bytes as shipped');

  await writeOverlayTar(
    join(dir, 'prepared/supermin.d/zz-test.tar'),
    [
      { type: 'file', path: 'usr/local/sbin/test-init', mode: 0o755, content: TEST_INIT },
      { type: 'file', path: 'usr/lib/scriptlet/fault-injection', mode: 0o644, content: '' },
    ],
    { mtime: 1700000000 },
  );
  const built = await cli(['build', '-q', '--size', '120M', '-o', 'app', 'prepared']);
  t.equal(built.code, 0, built.err);
  const root = join(dir, 'app/root');
  const stats = execFileSync('debugfs', ['-R', 'stats', root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  t.comment(`image: ${/Block count:\s+\d+/.exec(stats)?.[0]}, ${/Free blocks:\s+\d+/.exec(stats)?.[0]}, ${/Block size:\s+\d+/.exec(stats)?.[0]}`);
  t.ok(debugfsCat(root, `/usr/lib/scriptlet/deferred/${latin1}/script`).equals(LATIN1_SCRIPT), 'the deferred Latin-1 script is byte for byte the package’s');

  const bootOnce = (extra: Partial<Parameters<typeof bootAppliance>[0]> = {}, append: string[] = []): Promise<BootResult> =>
    bootAppliance({ kernel: join(dir, 'app/kernel'), initrd: join(dir, 'app/initrd'), root, timeoutMs: 400_000, append: ['scriptlet.init=/usr/local/sbin/test-init', ...append], ...extra });
  // After a cut, the /init wrapper's e2fsck repairs the root and restarts the machine (qemu exits
  // with -no-reboot): the agent runs in the boot after that.
  let repairs = 0;
  const boot = async (extra: Partial<Parameters<typeof bootAppliance>[0]> = {}, append: string[] = []): Promise<BootResult> => {
    let r = await bootOnce(extra, append);
    for (let i = 0; i < 2 && /scriptlet init: e2fsck repaired/.test(r.console); i++) {
      repairs++;
      t.notMatch(r.console, /scriptlet-agent: start/, 'no step runs on a filesystem that needed repair');
      r = await bootOnce(extra, append);
    }
    return r;
  };
  const show = (name: string, b: BootResult) => t.comment(`${name}: ${Math.round(b.durationMs / 1000)} s\n${b.console.split('\n').filter((l) => /scriptlet-agent|TEST/.test(l)).join('\n')}`);

  // A: the Latin-1 step's result is appended to the journal, then the power goes before the sync.
  // Write 1 of a run holds the first step's `started`; write k+1 the result of step k.
  const resultWrite = ids.indexOf(latin1) + 2;
  const a = await boot({}, [`scriptlet.fault=journal-written:${resultWrite}`]);
  show('A', a);
  t.match(a.console, new RegExp(`fault power cut at journal-written #${resultWrite}`), 'the cut came at the result write, after the step ran');
  t.notMatch(a.console, /TEST end/, 'nothing ran after the cut');
  let journal = journalOnDisk(root);
  t.match(journal.get(latin1), { state: 'started', attempts: 1 }, 'A: the uncommitted result is not in the journal');

  // B: the power is cut while the sleeper sleeps; the Latin-1 step runs again (its result was lost).
  const cut = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let seen = '';
  const b = await boot({
    signal: cut.signal,
    onOutput: (chunk) => {
      seen += chunk;
      if (!timer && seen.includes(`start id=${sleeper}`)) timer = setTimeout(() => cut.abort(), 3000);
    },
  });
  clearTimeout(timer);
  show('B', b);
  t.ok(timer, 'the sleeper started');
  t.match(b.console, new RegExp(`start id=${esc(latin1)} package=scriptlet-fault-a-latin1 phase=postinst attempt=2`), 'at least once: the step whose result was lost runs again');
  t.notMatch(b.console, /scriptlet-agent: done/);
  journal = journalOnDisk(root);
  t.match(journal.get(latin1), { state: 'ok', attempts: 2 });
  t.match(journal.get(sleeper), { state: 'started', attempts: 1 }, 'B: the interrupted step is recorded as started');

  // C: the sleeper's result (write 2 of this boot: write 1 holds its `started`) is synced; then the
  // power goes.
  const c = await boot({}, ['scriptlet.fault=journal-synced:2']);
  show('C', c);
  t.notOk(started(c.console).includes(latin1), 'the finished Latin-1 step does not run again');
  t.match(c.console, new RegExp(`start id=${esc(sleeper)} package=scriptlet-fault-b-sleeper phase=postinst attempt=2`));
  t.match(c.console, /fault power cut at journal-synced #2/);
  journal = journalOnDisk(root);
  const sleeperAfterC = journal.get(sleeper);
  t.match(sleeperAfterC, { state: 'ok', attempts: 2 }, 'C: the synced result is on the disk');

  // D: the rest: timeout, daemon, full disk.
  const d = await boot();
  show('D', d);
  t.equal(d.timedOut, false);
  t.notOk(started(d.console).includes(latin1));
  t.notOk(started(d.console).includes(sleeper), 'a durable ok is never run again');
  t.match(d.console, new RegExp(`end id=${esc(timeout)} state=timeout rc=124`), 'the timeout is reported');
  t.match(d.console, new RegExp(`end id=${esc(daemon)} state=ok rc=0`), 'the step that left a daemon finished');
  t.match(d.console, new RegExp(`end id=${esc(logger)} state=failed`), 'the step that filled the disk failed');
  // Whether the result needs the reserve depends on what the filesystem has left after the log
  // stopped growing (the kernel can hand back blocks it held for the writes); both are correct.
  const usedReserve = new RegExp(`error the disk is full: the result of step ${esc(logger)} was recorded`).test(d.console);
  t.comment(`the logger's result was written ${usedReserve ? 'into the reserve' : 'without needing the reserve'}`);
  t.match(d.console, /TEST end/, 'the machine went on to its real init');
  journal = journalOnDisk(root);
  // The cut in C came right after the write that held the sleeper's result and the timeout step's
  // `started` (attempt 1), before that step ran: it ran in D as attempt 2, once.
  t.match(d.console, new RegExp(`start id=${esc(timeout)} .*attempt=2`));
  t.match(journal.get(timeout), { state: 'timeout', rc: '124', attempts: 2 });
  t.match(journal.get(daemon), { state: 'ok', attempts: 1 });
  t.match(journal.get(logger), { state: 'failed', attempts: 1 });
  t.match(journal.get(sleeper), { state: 'ok' });
  const log = (id: string) => debugfsCat(root, `/var/lib/scriptlet/logs/${id}.log`).toString('latin1');
  t.match(log(timeout), /sleeping past the timeout/);
  t.match(log(daemon), /daemon parent exits/);
  // No recorded attempt's log is lost: the headers of the attempts cut in A (the Latin-1 step, its
  // result not yet durable) and B (the sleeper, mid-step) were durable with their `started`
  // records. The output of the Latin-1 step's attempt 1 becomes durable only with its result, which
  // the cut in A prevented, so it may be gone (that attempt did not count and ran again).
  t.match(log(latin1), /=== scriptlet-agent: \S+ attempt 1 at [^\n]*\n[^]*=== scriptlet-agent: \S+ attempt 2 at [^\n]*\ncaf\xe9\n/, 'both attempts of the re-run step are in its log');
  t.comment(`the output of the Latin-1 step's cut attempt ${/attempt 1 at [^\n]*\ncaf/.test(log(latin1)) ? 'reached' : 'did not reach'} the disk`);
  t.match(log(sleeper), /attempt 1 at [^]*attempt 2 at /, 'the interrupted attempt is in the log too');
  const loggerLog = log(logger);
  t.match(loggerLog.slice(0, 200), /^=== scriptlet-agent: \S+ attempt 1 at [^\n]*\nlogger: filling the disk\n/, 'the full log starts with the agent header and the step output');
  t.ok(loggerLog.length > 1024 * 1024, `the log filled the disk (${loggerLog.length} bytes)`);
  const runs = debugfsCat(root, '/var/lib/scriptlet-fault/runs').toString('utf8');
  t.equal(runs.match(/^timeout-start/gm)?.length, 1, 'the timed-out step ran once');
  t.equal(runs.match(/^timeout-end/gm), null, 'and was killed');
  t.equal(runs.match(/^daemon-start/gm)?.length, 1);
  t.equal(runs.match(/^logger-start/gm)?.length, 1);

  const check = spawnSync('e2fsck', ['-fn', root], { encoding: 'utf8' });
  t.equal(check.status, 0, `after the boot-time checks the filesystem is clean: ${check.stdout.split('\n').filter((l) => !/^Pass \d|^$/.test(l)).slice(0, 8).join(' / ')}`);
  t.ok(repairs >= 1, `the init wrapper repaired the root after a cut (${repairs} times)`);

  // E: a later boot runs nothing and still reports the failures.
  const e = await boot();
  show('E', e);
  t.same(started(e.console), [], 'no step runs on a later boot');
  t.match(e.console, /scriptlet-agent: done result=failed ok=3 failed=2 skipped=5 total=5/);
  t.match(e.console, /TEST end/);
});

function createSha(bytes: Uint8Array): string {
  return execFileSync('sha256sum', { input: bytes, encoding: 'utf8' }).split(' ')[0] as string;
}
