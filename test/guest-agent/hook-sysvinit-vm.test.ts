/**
 * The sysvinit start hook at the first boot of a sysvinit image, in qemu (TCG). supermin's mini
 * init mounts nothing but /, and rcS.d then holds only the agent's link (the packages' update-rc.d
 * calls, which would link mountkernfs.sh, udev, mountall.sh…, are deferred: insserv orders every
 * script at once), so the hook is the first thing that runs. A real sysvinit image cannot be built
 * here (supermin copies the host's packages, and this host's systemd-sysv conflicts with
 * sysvinit-core), so a stand-in /init runs the hook as rcS would, with nothing mounted. The plan is
 * the real one of a small Debian set (debconf, libc6, base-passwd, dpkg… scripts deferred by the
 * shipped policy).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootAppliance } from '../../src/appliance/boot-appliance.js';
import { writeOverlayTar } from '../../src/appliance/overlay-tar.js';
import type { Manifest } from '../../src/build/build-manifest.js';
import { main } from '../../src/cli/main.js';
import { fetchKernel } from '../../src/supermin/fetch-kernel.js';
import { cacheDir } from '../helpers/cache-dir.js';
import { captureIo } from '../helpers/capture-io.js';

// What sysvinit's rcS would do at that boot: run the only link, `start`; then report and power off.
// Without /proc the power-off fails, process 1 ends and the kernel's panic=-1 ends qemu.
const STAND_IN_INIT = `#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
/etc/init.d/scriptlet-agent start
echo "TEST first-start exit=$?"
/etc/init.d/scriptlet-agent start
echo "TEST second-start exit=$?"
if [ -c /dev/null ]; then echo "TEST /dev/null is a character device"; else echo "TEST /dev/null is not a character device"; fi
while read -r dev dir rest; do echo "TEST mounted $dir"; done </proc/mounts
sync
echo o >/proc/sysrq-trigger
sleep 60
`;

t.test('sysvinit hook with nothing mounted: it mounts what the steps need, the agent finishes, a second start runs nothing', { timeout: 900_000 }, async (t) => {
  const kernel = await fetchKernel({ cacheDir: cacheDir('kernel') });
  const env = { ...process.env, SUPERMIN_KERNEL: kernel.kernel, SUPERMIN_MODULES: kernel.modules, SUPERMIN_KERNEL_VERSION: kernel.version, SOURCE_DATE_EPOCH: '1700000000' };
  const dir = t.testdir();
  const cli = async (args: string[]) => {
    const io = captureIo(dir);
    io.env = env;
    const code = await main(args, io);
    return { code, out: io.out, err: io.err };
  };
  const prep = await cli(['prepare', '-q', '--use-installed', '-o', 'prepared', 'dash', 'coreutils', 'mount', 'util-linux', 'base-passwd', 'libc-bin', 'perl-base', 'sed', 'e2fsprogs']);
  t.equal(prep.code, 0, prep.err);
  const manifest = JSON.parse(readFileSync(join(dir, 'prepared/manifest.json'), 'utf8')) as Manifest;
  const steps = manifest.deferred.length;
  t.ok(steps >= 5, `the shipped policy defers real steps (${steps})`);
  // Sorted after zz-scriptlet.tar, so this /init replaces the link to the wrapper.
  await writeOverlayTar(join(dir, 'prepared/supermin.d/zz-test.tar'), [{ type: 'file', path: 'init', mode: 0o755, content: STAND_IN_INIT }], { mtime: 1700000000, allowTopLevel: ['init'] });
  const built = await cli(['build', '-q', '--size', '300M', '-o', 'app', 'prepared']);
  t.equal(built.code, 0, built.err);
  const root = join(dir, 'app/root');

  const boot = await bootAppliance({ kernel: join(dir, 'app/kernel'), initrd: join(dir, 'app/initrd'), root, timeoutMs: 600_000 });
  t.comment(boot.console.split('\n').filter((l) => /scriptlet-agent|TEST|scriptlet init/.test(l)).join('\n'));
  t.notOk(boot.timedOut, 'the guest powered off');
  t.notMatch(boot.console, /scriptlet init:/, 'the stand-in, not the /init wrapper, was process 1');
  t.match(boot.console, new RegExp(`scriptlet-agent: done result=ok ok=${steps} failed=0 skipped=0 total=${steps}`), 'every deferred step succeeded');
  t.equal(boot.console.match(/scriptlet-agent: done /g)?.length, 1, 'the second start ran no agent: every step had succeeded');
  t.match(boot.console, /TEST first-start exit=0/);
  t.match(boot.console, /TEST second-start exit=0/);
  t.match(boot.console, /TEST \/dev\/null is a character device/, 'redirections to /dev/null did not make a file of it');
  const mounted = [...boot.console.matchAll(/TEST mounted (\S+)/g)].map((m) => m[1]);
  for (const dir of ['/proc', '/sys', '/dev', '/dev/shm', '/run', '/tmp']) t.ok(mounted.includes(dir), `${dir} is mounted`);

  const stat = (path: string) => execFileSync('debugfs', ['-R', `stat ${path}`, root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  t.match(stat('/var/lib/scriptlet/done'), /Type: regular/, 'the done marker is on the disk');
  t.notMatch(stat('/dev/null'), /Type: regular/, 'no regular file /dev/null on the disk');
});
