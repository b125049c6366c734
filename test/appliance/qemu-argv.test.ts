import t from 'tap';
import { UsageError } from '../../src/errors.js';
import { qemuArgv } from '../../src/appliance/qemu-argv.js';

t.test('qemu argv for a supermin ext2 appliance', async (t) => {
  t.same(qemuArgv({ kernel: '/a/kernel', initrd: '/a/initrd', root: '/a/root', accel: 'tcg' }), [
    'qemu-system-x86_64',
    '-nodefaults',
    '-nographic',
    '-no-reboot',
    '-machine',
    'accel=tcg',
    '-m',
    '512',
    '-smp',
    '1',
    '-serial',
    'stdio',
    '-kernel',
    '/a/kernel',
    '-initrd',
    '/a/initrd',
    '-drive',
    'file=/a/root,format=raw,if=virtio',
    '-append',
    'console=ttyS0 panic=-1 root=/dev/vda quiet',
  ]);
  const kvm = qemuArgv({
    kernel: 'k',
    initrd: 'i',
    root: 'r',
    accel: 'kvm',
    memoryMiB: 1024,
    cpus: 2,
    snapshot: true,
    quiet: false,
    append: ['scriptlet.debug=1'],
  });
  t.same(kvm.slice(4, 6), ['-machine', 'accel=kvm']);
  t.notOk(kvm.includes('-cpu'));
  t.ok(kvm.includes('file=r,format=raw,if=virtio,snapshot=on'));
  t.equal(kvm.at(-1), 'console=ttyS0 panic=-1 root=/dev/vda scriptlet.debug=1');
  t.same(kvm.slice(6, 10), ['-m', '1024', '-smp', '2']);
});

t.test('qemu argv refuses what qemu or the kernel would split', async (t) => {
  t.throws(() => qemuArgv({ kernel: 'k', initrd: 'i', root: '/a,b/root', accel: 'tcg' }), UsageError);
  t.throws(() => qemuArgv({ kernel: 'k', initrd: 'i', root: 'r', accel: 'tcg', append: ['a b'] }), UsageError);
  t.throws(() => qemuArgv({ kernel: 'k', initrd: 'i', root: 'r', accel: 'tcg', append: ['x="y"'] }), UsageError);
  t.throws(() => qemuArgv({ kernel: 'k', initrd: 'i', root: 'r', accel: 'tcg', monitorSocket: '/tmp/a,b/m.sock' }), UsageError);
});

t.test('a monitor socket, for sending the guest ctrl-alt-delete', async (t) => {
  const argv = qemuArgv({ kernel: 'k', initrd: 'i', root: 'r', accel: 'tcg', monitorSocket: '/tmp/q/monitor.sock' });
  t.same(argv.slice(-2), ['-monitor', 'unix:/tmp/q/monitor.sock,server=on,wait=off']);
  t.notOk(qemuArgv({ kernel: 'k', initrd: 'i', root: 'r', accel: 'tcg' }).includes('-monitor'), 'none unless asked for');
});
