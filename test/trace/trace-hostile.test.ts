/**
 * Hostile postinst scripts built with dpkg-deb are contained and reported: no network (a TCP server
 * on the host's 127.0.0.1 sees no connection), no write reaches the host (directly, through a
 * symlink to /, through ../..), the host's /etc/shadow is not what the script reads, a fork bomb is
 * bounded, an endless sleep is killed at the timeout with nothing left running, and a script
 * killing its parent only ends itself; links to host files planted for the host side (the account
 * diff, content hashes) are reported as links and never followed. Run as root (host-root mode) and as uid 65534 (user
 * namespace).
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { TraceReport } from '../../src/trace/trace-report.js';
import { buildDeb } from '../helpers/build-deb.js';
import { captureIo } from '../helpers/capture-io.js';
import { hasCommand } from '../helpers/reference-trees.js';
import { slimRoot, TREE_ONLY_SHADOW } from '../helpers/trace-roots.js';
import { childEnv, tsChildArgv } from '../helpers/ts-child.js';

const isRoot = process.getuid?.() === 0;
const child = fileURLToPath(new URL('../helpers/trace-child.ts', import.meta.url));
const marker = `scriptlet-escape-${process.pid}-${Date.now()}`;

function deb(dir: string, name: string, postinst: string): string {
  return buildDeb(dir, name, {
    control: `Package: ${name}\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: hostile fixture\n`,
    files: { postinst },
    payload: { [`usr/share/${name}/README`]: 'fixture\n' },
  });
}

function hostile(port: number): string {
  return `#!/bin/bash
echo "start $*"
if (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null; then echo NET-OPEN; else echo NET-BLOCKED; fi
echo direct >/tmp/${marker}-direct && echo WROTE-TMP
ln -s / /var/tmp/up && echo via-root-link >/var/tmp/up/tmp/${marker}-up
ln -s ../../../../../../../../ /var/tmp/dots && echo via-dots >/var/tmp/dots/tmp/${marker}-dots
echo via-proc >/proc/1/root/tmp/${marker}-proc 2>/dev/null
echo "shadow:"; cat /etc/shadow
echo "ls-proc-root:"; ls /proc/1/root/ | tr '\\n' ' '; echo
(sleep 987651 &)
echo done
exit 0
`;
}

interface Run {
  code: number;
  report: TraceReport;
  err: string;
}

async function traceAsRoot(file: string, root: string, args: string[]): Promise<Run> {
  const io = captureIo();
  io.env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: process.env.TMPDIR ?? '/tmp' };
  const code = await main(['trace', file, '--root', root, '--json', ...args], io);
  return { code, report: JSON.parse(io.out) as TraceReport, err: io.err };
}

function traceAsUser(file: string, root: string, args: string[], tmp: string): Promise<Run> {
  const argv = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...tsChildArgv(child), 'trace', file, '--root', root, '--json', ...args];
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { env: childEnv({ TMPDIR: tmp, HOME: tmp }), maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      try {
        resolve({ code: error ? Number(error.code ?? 1) : 0, report: JSON.parse(stdout) as TraceReport, err: stderr });
      } catch {
        reject(new Error(`trace as 65534 failed: ${stderr}`));
      }
    });
  });
}

/** Processes whose command line is exactly `words` (a left-over daemon of a trace). */
function running(words: string): number {
  let n = 0;
  for (const p of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(p)) continue;
    try {
      if (readFileSync(join('/proc', p, 'cmdline'), 'utf8').split('\0').filter(Boolean).join(' ') === words) n++;
    } catch {
      // gone
    }
  }
  return n;
}

const hostShadowOnly = (treeDir: string): string[] => {
  try {
    const tree = new Set(readFileSync(join(treeDir, 'etc/shadow'), 'utf8').split('\n'));
    return readFileSync('/etc/shadow', 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !tree.has(l));
  } catch {
    return [];
  }
};

const usable = hasCommand('bwrap') && hasCommand('dpkg-deb');

t.test('hostile scripts are contained', { skip: usable ? false : 'needs bwrap and dpkg-deb', timeout: 420_000 }, async (t) => {
  const rootTree = await slimRoot();
  if ('skip' in rootTree) return void t.comment(`skipped: ${rootTree.skip}`);
  const userTree = isRoot ? await slimRoot({ uid: 65534, gid: 65534 }) : rootTree;
  if ('skip' in userTree) return void t.comment(`skipped: ${userTree.skip}`);
  const dir = t.testdir();
  const connections: string[] = [];
  const server = createServer((s) => {
    connections.push(String(s.remoteAddress));
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    server.close();
    for (const suffix of ['direct', 'up', 'dots', 'proc']) rmSync(`/tmp/${marker}-${suffix}`, { force: true });
  });
  const port = (server.address() as { port: number }).port;
  const files = {
    hostile: deb(dir, 'hostile', hostile(port)),
    bomb: deb(dir, 'bomb', '#!/bin/sh\nbomb() { bomb | bomb & }\nbomb\nsleep 60\n'),
    sleeper: deb(dir, 'sleeper', '#!/bin/sh\necho sleeping\nsleep 987652\n'),
    parricide: deb(dir, 'parricide', '#!/bin/sh\nkill $PPID\nkill -9 $PPID\nkill -9 -1\necho still-here\nexit 3\n'),
    // Links that would reach the host's files if the host side (account diff, hashes) followed them.
    lure: deb(dir, 'lure', '#!/bin/sh\nfor f in passwd group; do rm -f /etc/$f; ln -s /etc/shadow /etc/$f; done\nln -s /etc/shadow /etc/lure\nrm -rf /etc/security\nln -s / /etc/security\necho lured\n'),
  };
  const hostOnly = hostShadowOnly(rootTree.dir);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);

  const modes: [string, (f: string, a: string[]) => Promise<Run>][] = [[isRoot ? 'host-root' : 'userns', (f, a) => traceAsRoot(f, rootTree.dir, a)]];
  if (isRoot) {
    const { chownSync } = await import('node:fs');
    chownSync(dir, 65534, 65534);
    for (const f of Object.values(files)) chownSync(f, 65534, 65534);
    chownSync(tmp, 65534, 65534);
    modes.push(['userns', (f, a) => traceAsUser(f, userTree.dir, a, tmp)]);
  }

  for (const [mode, trace] of modes) {
    await t.test(`${mode}: network, host writes, symlink escapes, shadow, daemons`, async (t) => {
      const { code, report } = await trace(files.hostile, []);
      t.equal(report.sandbox.mode, mode);
      t.equal(code, 0, 'the script itself succeeded');
      t.match(report.output, /NET-BLOCKED/);
      t.notMatch(report.output, /NET-OPEN/);
      t.same(connections, [], 'no connection reached the host');
      for (const suffix of ['direct', 'up', 'dots', 'proc']) t.notOk(existsSync(`/tmp/${marker}-${suffix}`), `nothing written to the host's /tmp (${suffix})`);
      const created = report.files.filter((f) => f.change === 'created').map((f) => f.path);
      t.ok(created.includes(`/tmp/${marker}-direct`), 'the direct write is reported inside the tree');
      t.ok(created.includes(`/tmp/${marker}-up`), 'the write through a link to / landed in the tree');
      t.ok(created.includes(`/tmp/${marker}-dots`), 'the write through ../.. landed in the tree');
      t.ok(report.files.some((f) => f.path === '/var/tmp/up' && f.after?.type === 'symlink' && f.after.target === '/'));
      t.ok(report.output.includes(TREE_ONLY_SHADOW), "the script read the tree's shadow");
      for (const line of hostOnly) t.notOk(report.output.includes(line), "no line of the host's shadow in the output");
      t.equal(running('sleep 987651'), 0, 'the background daemon died with the sandbox');
    });

    await t.test(`${mode}: fork bomb is bounded`, async (t) => {
      const started = Date.now();
      const { code, report } = await trace(files.bomb, ['--timeout', '8', '--max-procs', '64']);
      t.equal(code, 1);
      // Under the process limit the bomb either keeps forking until the timeout or, when the limit
      // also stops its `sleep` from starting, ends early with an error: both are contained.
      t.ok(report.result.timedOut || (report.result.exitCode ?? 0) !== 0, 'ended by the timeout or by failing to fork');
      t.not(report.sandbox.pidsLimit, 'none');
      t.ok(Date.now() - started < 90_000);
    });

    await t.test(`${mode}: endless sleep is killed at the timeout`, async (t) => {
      const { code, report } = await trace(files.sleeper, ['--timeout', '3']);
      t.equal(code, 1);
      t.ok(report.result.timedOut);
      t.ok(report.result.durationMs < 15_000, `killed promptly (${report.result.durationMs} ms)`);
      t.match(report.output, /sleeping/);
      t.equal(running('sleep 987652'), 0, 'no sleep left behind');
    });

    await t.test(`${mode}: links to host files planted for the host side are reported, never followed`, async (t) => {
      const shadowBefore = readFileSync('/etc/shadow', 'utf8');
      const { code, report } = await trace(files.lure, []);
      t.equal(code, 0, report.output);
      t.match(report.output, /lured/);
      const text = JSON.stringify(report);
      for (const line of hostOnly) t.notOk(text.includes(line), "no line of the host's shadow in the report");
      const byPath = new Map(report.files.map((f) => [f.path, f]));
      for (const p of ['/etc/passwd', '/etc/group', '/etc/lure']) {
        t.equal(byPath.get(p)?.after?.type, 'symlink', p);
        t.equal(byPath.get(p)?.after?.target, '/etc/shadow', p);
        t.equal(byPath.get(p)?.after?.sha256, undefined, `${p} is not hashed through the link`);
      }
      t.equal(byPath.get('/etc/security')?.after?.target, '/');
      t.notOk(report.files.some((f) => f.path.startsWith('/etc/security/') && f.change !== 'removed'), 'the link to / is not walked (only the old files are gone)');
      t.equal(readFileSync('/etc/shadow', 'utf8'), shadowBefore, "the host's shadow is unchanged");
    });

    await t.test(`${mode}: killing the parent ends only the script`, async (t) => {
      const { code, report } = await trace(files.parricide, []);
      t.equal(code, 1);
      t.equal(report.result.exitCode, 3);
      t.match(report.output, /still-here/);
    });
  }
});
