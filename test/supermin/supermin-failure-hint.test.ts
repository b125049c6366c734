import t from 'tap';
import { SUPERMIN_GENERIC_HINT, superminFailureHint } from '../../src/supermin/supermin-failure-hint.js';
import { superminEnv } from '../../src/supermin/run-supermin.js';
import { parseSuperminVersion } from '../../src/supermin/probe-supermin.js';

t.test('hints for what supermin says', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['supermin: failed to find a suitable kernel (host_cpu=x86_64).', /install a kernel package/],
    ['supermin: open: /boot/vmlinuz-6.8.0-31-generic: Permission denied', /readable only by root/],
    ['supermin: prepare: none of the packages listed on the command line seem to be installed', /must be installed/],
    ['supermin: error: block size: No space left on device: out.jpudl897/root', /larger appliance size/],
    ["supermin: cannot parse size field '100k'", /KiB, MiB or GiB/],
    ['E: Failed to fetch http://deb.debian.org/debian/pool/main/b/bash/bash_5.2.deb  Temporary failure resolving', /--use-installed/],
    ['supermin: error: environment variable $TMPDIR must be an absolute path', /TMPDIR/],
    ['supermin: x.bin: unknown file type in supermin directory', /neither a tarball/],
    ['supermin: ext2fs_mkdir: /bin: File exists', /merged-\/usr/],
    ['something else entirely', new RegExp(SUPERMIN_GENERIC_HINT)],
  ];
  for (const [stderr, hint] of cases) t.match(superminFailureHint(stderr), hint, stderr);
});

t.test('environment for supermin', async (t) => {
  const kernel = { kernel: '/k/vmlinuz', modules: '/k/lib/modules/6.1', version: '6.1' };
  t.match(superminEnv({ PATH: '/bin', TMPDIR: '/tmp' }, kernel), {
    PATH: '/bin',
    TMPDIR: '/tmp',
    SUPERMIN_KERNEL: '/k/vmlinuz',
    SUPERMIN_MODULES: '/k/lib/modules/6.1',
    SUPERMIN_KERNEL_VERSION: '6.1',
  });
  const plain = superminEnv({ SUPERMIN_KERNEL: '/stray', SUPERMIN_MODULES: '/stray', TMPDIR: 'rel' });
  t.equal(plain.SUPERMIN_KERNEL, undefined, 'a stray kernel override is dropped');
  t.equal(plain.SUPERMIN_MODULES, undefined);
  t.match(plain.TMPDIR, /^\/.*\/rel$/, 'relative TMPDIR made absolute');
});

t.test('version parsing', async (t) => {
  t.same(parseSuperminVersion('supermin 5.2.2\n'), { major: 5, minor: 2, patch: 2 });
  t.same(parseSuperminVersion('supermin 5.3.4 (fedora)\n'), { major: 5, minor: 3, patch: 4 });
  t.equal(parseSuperminVersion('febootstrap 3.21\n'), undefined);
  t.equal(parseSuperminVersion(''), undefined);
});
