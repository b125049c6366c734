/**
 * End to end on this host: supermin --prepare from installed packages, our overlay tarballs dropped
 * into the appliance directory, --build -f ext2 with a fetched and trimmed kernel, the image
 * inspected with debugfs, and the appliance booted in qemu (TCG here: no KVM).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bootAppliance } from '../../src/appliance/boot-appliance.js';
import type { QemuAccel } from '../../src/appliance/qemu-argv.js';
import { writeOverlayTar, type OverlayEntry } from '../../src/appliance/overlay-tar.js';
import { withAtomicOutput } from '../../src/supermin/atomic-output.js';
import { checkPackageNames } from '../../src/supermin/check-package-names.js';
import { fetchKernel } from '../../src/supermin/fetch-kernel.js';
import { probeSupermin } from '../../src/supermin/probe-supermin.js';
import { runSupermin } from '../../src/supermin/run-supermin.js';
import { superminBuildArgv, superminPrepareArgv } from '../../src/supermin/supermin-argv.js';
import { cacheDir } from '../helpers/cache-dir.js';

const PACKAGES = ['bash', 'coreutils', 'dash', 'mount'];

const INIT = `#!/bin/sh
# Appliance /init for the test: prove the overlay is there and runnable, then power off.
mkdir -p /proc
mount -t proc proc /proc
echo "SCRIPTLET-E2E uid=$(id -u) $(/usr/lib/scriptlet/hello)"
echo o > /proc/sysrq-trigger
sleep 60
`;

function debugfs(image: string, request: string): string {
  return execFileSync('debugfs', ['-R', request, image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

t.test('prepare, overlay, ext2 build, debugfs, qemu boot', { timeout: 600_000 }, async (t) => {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await f();
    } finally {
      timings[name] = Date.now() - start;
    }
  };

  const supermin = await probeSupermin();
  t.equal(supermin.version.major, 5, supermin.versionText);
  await checkPackageNames(PACKAGES);

  const kernel = await timed('fetch kernel (cached after the first run)', () =>
    fetchKernel({ cacheDir: cacheDir('kernel'), onProgress: (m) => t.comment(m) }),
  );
  t.ok(statSync(kernel.kernel).isFile(), `kernel ${kernel.package} ${kernel.packageVersion}`);
  t.ok(statSync(join(kernel.modules, 'modules.dep')).isFile(), 'trimmed modules have a modules.dep');
  t.ok(kernel.trimmed);

  const dir = t.testdir();
  const applianceDir = join(dir, 'supermin.d');
  await timed('supermin --prepare', () =>
    withAtomicOutput(applianceDir, async ({ stagingPath, signal }) => {
      await runSupermin(superminPrepareArgv({ binary: supermin.binary, packages: PACKAGES, outputDir: stagingPath }), { signal });
    }),
  );
  t.same(readdirSync(applianceDir).sort(), ['base.tar.gz', 'packages']);

  const overlay: OverlayEntry[] = [
    { type: 'file', path: 'usr/lib/scriptlet/hello', mode: 0o750, content: '#!/bin/sh\necho hello-from-overlay\n' },
    { type: 'symlink', path: 'usr/lib/scriptlet/hello-link', target: 'hello' },
    { type: 'dir', path: 'var/lib/scriptlet', mode: 0o700 },
    { type: 'file', path: 'init', mode: 0o755, content: INIT },
  ];
  await writeOverlayTar(join(applianceDir, 'zz-scriptlet-overlay.tar'), overlay, { mtime: 1700000000, allowTopLevel: ['init'] });
  await writeOverlayTar(
    join(applianceDir, 'zz-scriptlet-extra.tar.gz'),
    [{ type: 'file', path: 'usr/lib/scriptlet/from-gzip', mode: 0o644, content: 'gz\n' }],
    { mtime: 1700000000, gzip: true },
  );

  const output = join(dir, 'appliance');
  await timed('supermin --build -f ext2', () =>
    withAtomicOutput(output, async ({ stagingPath, signal }) => {
      await runSupermin(
        superminBuildArgv({ binary: supermin.binary, inputs: [applianceDir], outputDir: stagingPath, format: 'ext2', sizeBytes: 512 * 1024 ** 2 }),
        { kernel, signal },
      );
    }),
  );
  t.same(readdirSync(output).sort(), ['initrd', 'kernel', 'root']);
  t.same(readdirSync(dir).sort(), ['.appliance.lock', '.supermin.d.lock', 'appliance', 'supermin.d'], 'no leftovers');

  const root = join(output, 'root');
  const hello = debugfs(root, 'stat /usr/lib/scriptlet/hello');
  t.match(hello, /Type: regular\s+Mode:\s+0750/);
  t.match(hello, /User:\s+0\s+Group:\s+0/, 'overlay entries keep owner 0');
  t.match(hello, /Size: 34\b/);
  t.match(debugfs(root, 'stat /usr/lib/scriptlet/hello-link'), /Type: symlink/);
  t.match(debugfs(root, 'stat /usr/lib/scriptlet/from-gzip'), /Type: regular/, 'a gzip overlay is unpacked too');
  t.match(debugfs(root, 'stat /var/lib/scriptlet'), /Type: directory\s+Mode:\s+0700/);
  t.match(debugfs(root, 'stat /init'), /Mode:\s+0755/);
  t.match(debugfs(root, `ls /lib/modules/${kernel.version}`), /modules\.dep/, 'the fetched kernel’s modules are in the image');
  const used = Number(/(\d+)/.exec(execFileSync('du', ['-k', root], { encoding: 'utf8' }))?.[1]) * 1024;
  t.comment(`root image: ${Math.round(used / 1024 ** 2)} MiB allocated`);

  // TCG: it is what hosts without KVM (most CI runners, and this one in practice) have.
  for (const accel of ['tcg'] as QemuAccel[]) {
    const boot = await timed(`qemu boot to power-off (${accel})`, () =>
      bootAppliance({
        kernel: join(output, 'kernel'),
        initrd: join(output, 'initrd'),
        root,
        accel,
        timeoutMs: 180_000,
        snapshot: true,
      }),
    );
    t.equal(boot.timedOut, false, `${accel}: booted within 180 s`);
    t.match(boot.console, /SCRIPTLET-E2E uid=0 hello-from-overlay/, `${accel}: the overlay /init ran and its script worked`);
    t.match(boot.console, /supermin: ext2 mini initrd starting up/);
    t.equal(boot.exitCode, 0, `${accel}: the guest powered off`);
    if (!/SCRIPTLET-E2E/.test(boot.console)) t.comment(JSON.stringify({ ...boot, console: boot.console.slice(-4000) }));
  }

  for (const [name, ms] of Object.entries(timings)) t.comment(`${name}: ${(ms / 1000).toFixed(1)} s`);
});

t.test('a boot that never finishes is stopped at the deadline; `until` stops it early', { timeout: 120_000 }, async (t) => {
  // Garbage for an initrd: the kernel finds no root and, with panic=0, waits for ever.
  const kernel = await fetchKernel({ cacheDir: cacheDir('kernel') });
  const dir = t.testdir({ root: '', initrd: 'not an initramfs\n'.repeat(64) });
  const common = { kernel: kernel.kernel, initrd: join(dir, 'initrd'), root: join(dir, 'root'), append: ['panic=0'] };
  let started = Date.now();
  const stuck = await bootAppliance({ ...common, timeoutMs: 3000 });
  t.equal(stuck.timedOut, true);
  t.equal(stuck.matched, false);
  t.ok(Date.now() - started < 20_000, 'killed promptly');

  started = Date.now();
  const early = await bootAppliance({ ...common, timeoutMs: 60_000, until: /Booting from ROM/ });
  t.equal(early.matched, true);
  t.equal(early.timedOut, false);
  t.ok(Date.now() - started < 30_000, 'stopped once the console showed the pattern');
});
