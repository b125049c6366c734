import t from 'tap';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { overlayTar } from '../../src/appliance/overlay-tar.js';
import { FormatError, ToolError } from '../../src/errors.js';
import { debugfsErrors, ext2OwnershipCommands, fixExt2Ownership } from '../../src/supermin/ext2-ownership.js';
import { parseDebugfsStats } from '../../src/supermin/repair-ext2-ownership.js';
import { isSuperminTarball, tarOwnership } from '../../src/supermin/tar-ownership.js';

t.test('debugfs commands', async (t) => {
  t.equal(
    ext2OwnershipCommands([
      { path: './usr/lib/x', type: 'file', mode: 0o4755 },
      { path: 'var/lib/s', type: 'dir', mode: 0o700, uid: 101, gid: 102 },
      { path: 'usr/lib/l', type: 'symlink', mode: 0o777, uid: 0, gid: 0 },
      { path: 'etc/with space', type: 'dir', uid: 0, gid: 0 },
    ]),
    [
      'sif "/usr/lib/x" uid 0',
      'sif "/usr/lib/x" gid 0',
      'sif "/usr/lib/x" mode 0104755',
      'sif "/var/lib/s" uid 101',
      'sif "/var/lib/s" gid 102',
      'sif "/var/lib/s" mode 040700',
      'sif "/usr/lib/l" uid 0',
      'sif "/usr/lib/l" gid 0',
      'sif "/etc/with space" uid 0',
      'sif "/etc/with space" gid 0',
      '',
    ].join('\n'),
  );
  t.equal(ext2OwnershipCommands([]), '');
  for (const path of ['usr/a"b', 'usr/a\nb', '/usr/x', 'usr/../x', '']) {
    t.throws(() => ext2OwnershipCommands([{ path, type: 'file' }]), FormatError, JSON.stringify(path));
  }
});

t.test('reading debugfs output', async (t) => {
  t.same(debugfsErrors('debugfs 1.47.0 (5-Feb-2023)\n/nonexistent: File not found by ext2_lookup \n'), [
    '/nonexistent: File not found by ext2_lookup',
  ]);
  t.same(debugfsErrors('debugfs 1.47.0 (5-Feb-2023)\n'), []);
  const stats = parseDebugfsStats(
    [
      'debugfs: stat "/usr/lib"',
      'Inode: 39   Type: directory    Mode:  0755   Flags: 0x0',
      'User: 65534   Group: 65534   Project:     0   Size: 4096',
      'debugfs: stat "/nonexistent"',
      'debugfs: stat "/init"',
      'Inode: 42   Type: regular    Mode:  0755   Flags: 0x0',
      'User:     0   Group:     0   Project:     0   Size: 98',
    ].join('\n'),
  );
  t.same([...stats], [
    ['usr/lib', 65534],
    ['init', 0],
  ]);
});

t.test('tar ownership listing and tarball detection', async (t) => {
  const entries = [
    { type: 'file' as const, path: 'usr/a', mode: 0o640, content: 'a', uid: 7, gid: 8 },
    { type: 'symlink' as const, path: 'usr/l', target: 'a' },
  ];
  const plain = await overlayTar(entries, { mtime: 0 });
  const gz = await overlayTar(entries, { mtime: 0, gzip: true });
  t.ok(isSuperminTarball(plain));
  t.ok(isSuperminTarball(gz));
  t.notOk(isSuperminTarball(Buffer.from('bash\ncoreutils\n')));
  t.notOk(isSuperminTarball(Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3])));
  const expected = [
    { path: 'usr', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
    { path: 'usr/a', type: 'file', mode: 0o640, uid: 7, gid: 8 },
    { path: 'usr/l', type: 'symlink', mode: 0o777, uid: 0, gid: 0 },
  ];
  t.same(await tarOwnership(plain, 'p.tar'), expected);
  t.same(await tarOwnership(gz, 'p.tar.gz'), expected);
  await t.rejects(tarOwnership(Buffer.from([0x1f, 0x8b, 0x08, 0, 0]), 'bad.gz'), { code: 'E_FORMAT_CORRUPT' });

  // A tarball made by GNU tar the way supermin --prepare makes base.tar.gz (./-relative, no dirs).
  const dir = t.testdir({ src: { etc: { 'x.conf': 'x' } } });
  execFileSync('tar', ['-C', join(dir, 'src'), '--owner=0', '--group=0', '-zcf', join(dir, 'base.tar.gz'), './etc/x.conf']);
  const fromGnu = await tarOwnership(execFileSync('cat', [join(dir, 'base.tar.gz')]), 'base.tar.gz');
  t.same(fromGnu.map((e) => [e.path, e.type, e.uid]), [['etc/x.conf', 'file', 0]]);
});

t.test('fixExt2Ownership against a real image', async (t) => {
  const dir = t.testdir({ tree: { usr: { lib: { x: 'hello' } } } });
  const image = join(dir, 'fs.img');
  execFileSync('mke2fs', ['-q', '-t', 'ext2', '-d', join(dir, 'tree'), '-E', 'root_owner=1000:1000', image, '4M']);
  await fixExt2Ownership(image, [{ path: 'usr/lib/x', type: 'file', mode: 0o4750, uid: 0, gid: 42 }], { workDir: dir });
  const stat = execFileSync('debugfs', ['-R', 'stat /usr/lib/x', image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  t.match(stat, /Mode:\s+04750/);
  t.match(stat, /User:\s+0\s+Group:\s+42\s/);
  await t.rejects(
    fixExt2Ownership(image, [{ path: 'usr/nope', type: 'file', uid: 0 }], { workDir: dir }),
    { constructor: ToolError, message: /File not found/ },
  );
  writeFileSync(join(dir, 'not-ext2'), 'x'.repeat(4096));
  await t.rejects(fixExt2Ownership(join(dir, 'not-ext2'), [{ path: 'usr/x', type: 'file' }], { workDir: dir }), ToolError);
});
