/**
 * Builds without root: supermin --prepare and --build (chroot and ext2) as an unprivileged user
 * (uid 65534 through setpriv when the suite runs as root), what each format then gets wrong, and
 * the ext2 ownership repair run by that same user.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chownSync, lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOverlayTar } from '../../src/appliance/overlay-tar.js';
import { runTool } from '../../src/process/run-tool.js';
import { superminBuildWarnings } from '../../src/supermin/build-warnings.js';
import { fetchKernel } from '../../src/supermin/fetch-kernel.js';
import { runSupermin } from '../../src/supermin/run-supermin.js';
import { superminBuildArgv, superminPrepareArgv } from '../../src/supermin/supermin-argv.js';
import { cacheDir } from '../helpers/cache-dir.js';
import { childEnv, tsChildArgv } from '../helpers/ts-child.js';

const isRoot = process.getuid?.() === 0;
const uid = isRoot ? 65534 : (process.getuid?.() ?? 65534);
const gid = isRoot ? 65534 : (process.getgid?.() ?? 65534);
/** Runs argv as the unprivileged user. */
const asUser = (argv: string[]): string[] =>
  isRoot ? ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', ...argv] : argv;

function chownTree(path: string): void {
  chownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const n of readdirSync(path)) chownTree(join(path, n));
}

function stat(image: string, path: string): string {
  return execFileSync('debugfs', ['-R', `stat ${path}`, image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

t.test('unprivileged prepare, chroot and ext2 builds, and the ext2 ownership repair', { timeout: 600_000 }, async (t) => {
  const kernel = await fetchKernel({ cacheDir: cacheDir('kernel') });
  const dir = t.testdir();
  chownTree(dir);
  const env = { ...process.env, HOME: dir, TMPDIR: dir };
  const timings: string[] = [];
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    const r = await f();
    timings.push(`${name}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
    return r;
  };

  const applianceDir = join(dir, 'supermin.d');
  await timed('prepare (unprivileged)', () =>
    runSupermin(asUser(superminPrepareArgv({ packages: ['bash', 'coreutils', 'dash', 'mount'], outputDir: applianceDir })), { env }),
  );
  await writeOverlayTar(
    join(applianceDir, 'zz-overlay.tar'),
    [
      { type: 'file', path: 'usr/lib/scriptlet/hello', mode: 0o750, content: '#!/bin/sh\necho hello\n' },
      { type: 'file', path: 'usr/lib/scriptlet/suid', mode: 0o4755, content: 'x' },
      { type: 'dir', path: 'var/lib/scriptlet', mode: 0o700, uid: 101, gid: 102 },
    ],
    { mtime: 0 },
  );
  chownTree(applianceDir);

  // chroot: everything becomes the builder's, setuid bits vanish — hence the warning.
  const chroot = join(dir, 'chroot');
  await timed('chroot build (unprivileged)', () =>
    runSupermin(asUser(superminBuildArgv({ inputs: [applianceDir], outputDir: chroot, format: 'chroot' })), { env }),
  );
  const hello = lstatSync(join(chroot, 'usr/lib/scriptlet/hello'));
  t.equal(hello.uid, uid, 'chroot: the overlay file belongs to the builder, not root');
  const mount = lstatSync(join(chroot, 'usr/bin/mount'));
  t.equal(mount.uid, uid, 'chroot: host files too');
  t.equal(mount.mode & 0o4000, 0, 'chroot: setuid /usr/bin/mount lost its setuid bit');
  t.equal(lstatSync('/usr/bin/mount').mode & 0o4000, 0o4000, '(it is setuid on the host)');
  if (isRoot) {
    t.match(superminBuildWarnings('chroot', uid, false).join('\n'), /owned by the building user and setuid\/setgid bits are lost/);
  }

  // ext2: host files keep owner and setuid; tarball entries (overlay and base image) do not.
  const ext2 = join(dir, 'ext2');
  await timed('ext2 build (unprivileged)', () =>
    runSupermin(asUser(superminBuildArgv({ inputs: [applianceDir], outputDir: ext2, format: 'ext2', sizeBytes: 512 * 1024 ** 2 })), {
      env,
      kernel,
    }),
  );
  const root = join(ext2, 'root');
  t.match(stat(root, '/usr/bin/mount'), /Mode:\s+04755[\s\S]*User:\s+0\s+Group:\s+0/, 'ext2: host files keep owner and setuid');
  t.match(stat(root, '/usr/lib/scriptlet/hello'), new RegExp(`User:\\s+${uid}\\s`), 'ext2: overlay entries are the builder’s');
  t.match(stat(root, '/etc/debian_version'), new RegExp(`User:\\s+${uid}\\s`), 'ext2: so are base-image config files');
  t.match(stat(root, '/usr/lib/scriptlet/suid'), /Mode:\s+0755/, 'ext2: and the overlay setuid bit is gone');
  t.ok(superminBuildWarnings('ext2', uid, false).length > 0);
  t.same(superminBuildWarnings('ext2', uid, true), []);
  t.same(superminBuildWarnings('chroot', 0, false), []);

  // The repair, run by the same unprivileged user (debugfs edits the image file it owns).
  const script = join(dir, 'repair.ts');
  const repair = fileURLToPath(new URL('../../src/supermin/repair-ext2-ownership.ts', import.meta.url));
  writeFileSync(
    script,
    [
      `import { repairExt2Ownership } from ${JSON.stringify(repair)};`,
      `const n = await repairExt2Ownership(${JSON.stringify(root)}, [${JSON.stringify(applianceDir)}], {`,
      `  builderUid: process.getuid(), builderGid: process.getgid(), workDir: ${JSON.stringify(dir)} });`,
      `console.log('repaired ' + n);`,
    ].join('\n'),
  );
  chownTree(script);
  const result = await timed('ownership repair (unprivileged)', () =>
    runTool(asUser(tsChildArgv(script)), { env: childEnv({ HOME: dir }), timeoutMs: 120_000 }),
  );
  t.equal(result.code, 0, result.stderr);
  const repaired = Number(/repaired (\d+)/.exec(result.stdout)?.[1]);
  t.ok(repaired > 10, `repaired ${repaired} paths`);
  t.match(stat(root, '/usr/lib/scriptlet/hello'), /Mode:\s+0750[\s\S]*User:\s+0\s+Group:\s+0/, 'overlay file: root, mode kept');
  t.match(stat(root, '/usr/lib/scriptlet/suid'), /Mode:\s+04755[\s\S]*User:\s+0\s/, 'overlay setuid restored');
  t.match(stat(root, '/var/lib/scriptlet'), /Mode:\s+0700[\s\S]*User:\s+101\s+Group:\s+102/, 'explicit owners honoured');
  t.match(stat(root, '/usr/lib'), /User:\s+0\s+Group:\s+0/, 'directories tar created implicitly: the host’s owner');
  t.match(stat(root, '/etc/debian_version'), /User:\s+0\s+Group:\s+0/, 'base-image config files: root');
  t.match(stat(root, '/etc'), /User:\s+0\s+Group:\s+0/);
  t.match(stat(root, '/usr/bin/mount'), /Mode:\s+04755[\s\S]*User:\s+0\s/, 'host files untouched');

  for (const line of timings) t.comment(line);
});
