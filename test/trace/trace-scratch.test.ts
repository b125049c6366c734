/**
 * The two ways a trace gets a writable tree (an overlay of the root in a private mount namespace,
 * or a cp -a copy) report the same effects for a script that creates, appends, removes, re-modes
 * and replaces entries of the root; the overlay leaves no mount on the host and nothing in the
 * work directory; `--scratch overlay` fails with a clear error when no overlay can be mounted.
 * Run as root (host-root mode) and, when root, also as uid 65534 (user namespace).
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { TraceReport } from '../../src/trace/trace-report.js';
import { buildDeb } from '../helpers/build-deb.js';
import { captureIo } from '../helpers/capture-io.js';
import { hasCommand } from '../helpers/reference-trees.js';
import { slimRoot } from '../helpers/trace-roots.js';
import { childEnv, tsChildArgv } from '../helpers/ts-child.js';

const isRoot = process.getuid?.() === 0;
const child = fileURLToPath(new URL('../helpers/trace-child.ts', import.meta.url));

const POSTINST = `#!/bin/sh
set -e
echo made >/etc/scratch-new
echo appended >>/etc/issue
rm /etc/motd
chmod 0600 /etc/host.conf
rm -rf /etc/cron.daily
mkdir /etc/cron.daily
echo replaced >/etc/cron.daily/only
mkdir -p /var/lib/scratch-test/sub
ln -s /etc/scratch-new /var/lib/scratch-test/link
echo ok
`;

interface Run {
  code: number;
  report: TraceReport;
  err: string;
}

async function asCaller(file: string, root: string, tmp: string, args: string[]): Promise<Run> {
  const io = captureIo();
  io.env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp };
  const code = await main(['trace', file, '--root', root, '--json', '--no-tty', ...args], io);
  if (io.out === '') return { code, report: undefined as unknown as TraceReport, err: io.err };
  return { code, report: JSON.parse(io.out) as TraceReport, err: io.err };
}

function asNobody(file: string, root: string, tmp: string, args: string[]): Promise<Run> {
  const argv = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...tsChildArgv(child), 'trace', file, '--root', root, '--json', '--no-tty', ...args];
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { env: childEnv({ TMPDIR: tmp, HOME: tmp }), maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      let report = undefined as unknown as TraceReport;
      try {
        report = JSON.parse(stdout) as TraceReport;
      } catch {
        // No report: the error is in stderr.
      }
      resolve({ code: error ? Number(error.code ?? 1) : 0, report, err: stderr });
    });
  });
}

function overlaysMounted(under: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(under));
}

const usable = hasCommand('bwrap') && hasCommand('dpkg-deb') && hasCommand('unshare') && hasCommand('nsenter');

t.test('overlay and copy scratch trees report the same effects', { skip: usable ? false : 'needs bwrap, dpkg-deb, unshare and nsenter', timeout: 300_000 }, async (t) => {
  const rootTree = await slimRoot();
  if ('skip' in rootTree) return void t.comment(`skipped: ${rootTree.skip}`);
  const userTree = isRoot ? await slimRoot({ uid: 65534, gid: 65534 }) : rootTree;
  if ('skip' in userTree) return void t.comment(`skipped: ${userTree.skip}`);
  const dir = t.testdir();
  const file = buildDeb(dir, 'scratch-test', {
    control: 'Package: scratch-test\nVersion: 1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: scratch fixture\n',
    files: { postinst: POSTINST },
    payload: { 'usr/share/scratch-test/README': 'x\n' },
  });
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const modes: [string, string, (args: string[]) => Promise<Run>][] = [[isRoot ? 'host-root' : 'userns', rootTree.dir, (a) => asCaller(file, rootTree.dir, tmp, a)]];
  if (isRoot) {
    chownSync(dir, 65534, 65534);
    chownSync(file, 65534, 65534);
    chownSync(tmp, 65534, 65534);
    modes.push(['userns', userTree.dir, (a) => asNobody(file, userTree.dir, tmp, a)]);
  }
  for (const [mode, , trace] of modes) {
    await t.test(mode, async (t) => {
      const overlay = await trace(['--scratch', 'overlay']);
      const copy = await trace(['--scratch', 'copy']);
      t.equal(overlay.code, 0, overlay.err || overlay.report?.output);
      t.equal(copy.code, 0, copy.err || copy.report?.output);
      t.equal(overlay.report.sandbox.mode, mode);
      t.equal(overlay.report.sandbox.scratch, 'overlay');
      t.equal(copy.report.sandbox.scratch, 'copy');
      t.same(overlay.report.files, copy.report.files, 'same file changes');
      t.same(overlay.report.accounts, copy.report.accounts);
      const byPath = new Map(overlay.report.files.map((f) => [f.path, f]));
      t.equal(byPath.get('/etc/scratch-new')?.change, 'created');
      t.same(byPath.get('/etc/issue')?.fields, ['content']);
      t.equal(byPath.get('/etc/motd')?.change, 'removed');
      t.same(byPath.get('/etc/host.conf')?.fields, ['mode']);
      t.equal(byPath.get('/etc/cron.daily/dpkg')?.change, 'removed', 'a file of a replaced directory is gone');
      t.equal(byPath.get('/etc/cron.daily/only')?.change, 'created');
      t.equal(byPath.get('/var/lib/scratch-test/link')?.after?.target, '/etc/scratch-new');
      t.notOk(byPath.has('/usr/share/scratch-test/README'), "the package's own files are not the script's effects");
      t.same(overlaysMounted(tmp), [], 'no mount left on the host');
      t.same(readdirSync(tmp).filter((n) => n.startsWith('scriptlet-trace-')), [], 'work directories removed');
      t.ok(existsSync(join(modes.find(([m]) => m === mode)![1], 'etc/motd')), 'the root tree is untouched');
    });
  }

  await t.test('--scratch overlay without a usable overlay is a clear error', async (t) => {
    // overlayfs refuses a lower path with a colon in it: the holder is never started.
    const io = captureIo();
    io.env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp };
    const odd = join(dir, 'odd:root');
    mkdirSync(odd);
    const code = await main(['trace', file, '--root', odd, '--json', '--no-tty', '--scratch', 'overlay'], io);
    t.equal(code, 2);
    t.match(io.err, /cannot mount an overlay of the root tree/);
    t.match(io.err, /--scratch copy/);
  });
});
