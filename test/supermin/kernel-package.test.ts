import t from 'tap';
import { UsageError } from '../../src/errors.js';
import { selectModules, parseModulesDep } from '../../src/supermin/boot-modules.js';
import { candidateVersion, kernelFlavour, kernelPackageFromDepends } from '../../src/supermin/kernel-package.js';

t.test('kernel package from the meta-package', async (t) => {
  const depends = 'linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n';
  t.equal(kernelPackageFromDepends(depends, 'amd64'), 'linux-image-6.1.0-56-amd64');
  t.equal(kernelPackageFromDepends('linux-image-amd64\n  Depends: linux-image-6.12.38+deb13-amd64\n', 'amd64'), 'linux-image-6.12.38+deb13-amd64');
  t.equal(kernelPackageFromDepends('linux-image-amd64\n  Depends: linux-image-6.1.0-56-rt-amd64\n', 'amd64'), 'linux-image-6.1.0-56-rt-amd64');
  t.equal(kernelPackageFromDepends('linux-image-amd64\n  Depends: linux-base\n', 'amd64'), undefined);
  t.equal(kernelPackageFromDepends('', 'amd64'), undefined);
  t.equal(kernelFlavour('amd64\n'), 'amd64');
  t.equal(kernelFlavour('i386'), '686');
  t.throws(() => kernelFlavour('m68k'), UsageError);
});

t.test('candidate version', async (t) => {
  t.equal(candidateVersion('linux-image-6.1.0-56-amd64:\n  Installed: (none)\n  Candidate: 6.1.192-2\n'), '6.1.192-2');
  t.equal(candidateVersion('x:\n  Installed: (none)\n  Candidate: (none)\n'), undefined);
  t.equal(candidateVersion(''), undefined);
});

t.test('boot module selection follows dependencies', async (t) => {
  const dep = [
    'kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko kernel/fs/mbcache.ko kernel/lib/crc16.ko',
    'kernel/fs/jbd2/jbd2.ko:',
    'kernel/fs/mbcache.ko:',
    'kernel/lib/crc16.ko:',
    'kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio_ring.ko.xz',
    'kernel/drivers/virtio/virtio_ring.ko.xz:',
    'kernel/drivers/gpu/drm/virtio/virtio-gpu.ko: kernel/drivers/gpu/drm/drm.ko',
    'kernel/drivers/gpu/drm/drm.ko:',
    'kernel/sound/snd.ko:',
    'kernel/evil/virtio_x.ko: ../../../etc/shadow',
    '',
  ].join('\n');
  t.equal(parseModulesDep(dep).get('kernel/fs/ext4/ext4.ko')?.length, 3);
  t.same(selectModules(dep), [
    'kernel/drivers/block/virtio_blk.ko.xz',
    'kernel/drivers/virtio/virtio_ring.ko.xz',
    'kernel/evil/virtio_x.ko',
    'kernel/fs/ext4/ext4.ko',
    'kernel/fs/jbd2/jbd2.ko',
    'kernel/fs/mbcache.ko',
    'kernel/lib/crc16.ko',
  ]);
  t.same(selectModules(dep, ['snd.ko*'], []), ['kernel/sound/snd.ko']);
});
