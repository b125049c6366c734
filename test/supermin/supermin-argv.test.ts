import t from 'tap';
import { UsageError } from '../../src/errors.js';
import {
  superminBuildArgv,
  superminPrepareArgv,
  superminSize,
  type SuperminBuildOptions,
  type SuperminPrepareOptions,
} from '../../src/supermin/supermin-argv.js';

t.test('prepare argv', async (t) => {
  const cases: Array<[string, SuperminPrepareOptions, string[]]> = [
    ['minimal', { packages: ['bash'], outputDir: '/o' }, ['supermin', '--prepare', '-o', '/o', 'bash']],
    [
      'sorted, de-duplicated packages',
      { packages: ['mount', 'bash', 'dash', 'bash'], outputDir: 'd' },
      ['supermin', '--prepare', '-o', 'd', 'bash', 'dash', 'mount'],
    ],
    [
      'every option',
      {
        binary: '/usr/local/bin/supermin',
        packages: ['libstdc++6', 'g++', 'python3.11'],
        outputDir: '/o',
        verbose: 2,
        lockFile: '/o.lock',
        packagerConfig: '/etc/yum.conf',
        useInstalled: true,
      },
      [
        '/usr/local/bin/supermin',
        '--prepare',
        '-v',
        '-v',
        '--lock',
        '/o.lock',
        '--packager-config',
        '/etc/yum.conf',
        '-o',
        '/o',
        '--use-installed',
        'g++',
        'libstdc++6',
        'python3.11',
      ],
    ],
    ['arch names with @', { packages: ['lib32-foo@bar'], outputDir: 'o' }, ['supermin', '--prepare', '-o', 'o', 'lib32-foo@bar']],
  ];
  for (const [name, options, argv] of cases) t.same(superminPrepareArgv(options), argv, name);
});

t.test('prepare refuses what supermin would misread', async (t) => {
  const cases: Array<[string, SuperminPrepareOptions, RegExp]> = [
    ['no packages', { packages: [], outputDir: 'o' }, /at least one package/],
    ['option-like name', { packages: ['--build'], outputDir: 'o' }, /not a package name: "--build"/],
    ['glob', { packages: ['bash*'], outputDir: 'o' }, /not a package name/],
    ['space', { packages: ['a b'], outputDir: 'o' }, /not a package name/],
    ['empty name', { packages: [''], outputDir: 'o' }, /not a package name/],
    ['no output', { packages: ['bash'], outputDir: '' }, /output directory/],
  ];
  for (const [name, options, message] of cases) t.throws(() => superminPrepareArgv(options), { constructor: UsageError, message }, name);
});

t.test('build argv', async (t) => {
  const cases: Array<[string, SuperminBuildOptions, string[]]> = [
    ['chroot', { inputs: ['d'], outputDir: 'out', format: 'chroot' }, ['supermin', '--build', '-f', 'chroot', '-o', 'out', 'd']],
    [
      'ext2 with everything',
      {
        inputs: ['supermin.d', 'extra.tar'],
        outputDir: '/out',
        format: 'ext2',
        sizeBytes: 2 * 1024 ** 3,
        ifNewer: true,
        hostCpu: 'x86_64',
        copyKernel: true,
        includePackagelist: true,
        verbose: 1,
        lockFile: '/l',
      },
      [
        'supermin',
        '--build',
        '-f',
        'ext2',
        '-v',
        '--lock',
        '/l',
        '-o',
        '/out',
        '--size',
        '2G',
        '--if-newer',
        '--host-cpu',
        'x86_64',
        '--copy-kernel',
        '--include-packagelist',
        'supermin.d',
        'extra.tar',
      ],
    ],
    [
      'input that looks like an option',
      { inputs: ['-weird'], outputDir: 'o', format: 'chroot' },
      ['supermin', '--build', '-f', 'chroot', '-o', 'o', './-weird'],
    ],
  ];
  for (const [name, options, argv] of cases) t.same(superminBuildArgv(options), argv, name);

  const bad: Array<[string, SuperminBuildOptions, RegExp]> = [
    ['no inputs', { inputs: [], outputDir: 'o', format: 'ext2' }, /at least one input/],
    ['size on chroot', { inputs: ['d'], outputDir: 'o', format: 'chroot', sizeBytes: 1024 }, /ext2/],
    ['copy kernel on chroot', { inputs: ['d'], outputDir: 'o', format: 'chroot', copyKernel: true }, /ext2/],
    ['empty input', { inputs: [''], outputDir: 'o', format: 'chroot' }, /empty/],
  ];
  for (const [name, options, message] of bad) t.throws(() => superminBuildArgv(options), { constructor: UsageError, message }, name);
});

t.test('sizes in the units supermin parses', async (t) => {
  const cases: Array<[number, string]> = [
    [1024, '1K'],
    [1536 * 1024, '1536K'],
    [300 * 1024 ** 2, '300M'],
    [1024 ** 3, '1G'],
    [4 * 1024 ** 3, '4G'],
    [1025 * 1024 ** 2, '1025M'],
  ];
  for (const [bytes, text] of cases) t.equal(superminSize(bytes), text, String(bytes));
  for (const bad of [0, -1024, 1.5, 1000, Number.NaN]) t.throws(() => superminSize(bad), UsageError, String(bad));
});
