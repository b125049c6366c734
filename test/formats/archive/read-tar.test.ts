import t, { type Test } from 'tap';
import { FormatError } from '../../../src/errors.js';
import { decompressChunks } from '../../../src/formats/archive/decompress.js';
import { normaliseArchivePath } from '../../../src/formats/archive/archive-path.js';
import { readTar } from '../../../src/formats/archive/read-tar.js';
import { compressWith, makeTar } from '../../helpers/make-archives.js';

const context = { file: 'pkg.deb', member: 'control.tar.gz', offset: 132 };

async function expectError(t: Test, promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  try {
    await promise;
    t.fail(`expected ${code}`);
  } catch (e) {
    t.type(e, FormatError, 'a FormatError, not another exception');
    t.equal((e as FormatError).code, code);
    t.match((e as FormatError).message, message);
    t.match((e as FormatError).toOneLine(), /^pkg\.deb:control\.tar\.gz(:\S+)? \(offset 132\): /);
  }
}

t.test('path normalisation', async (t) => {
  const ok: Array<[string, string]> = [
    ['./postinst', 'postinst'],
    ['./', '.'],
    ['.', '.'],
    ['a//b/./c', 'a/b/c'],
    ['.PKGINFO', '.PKGINFO'],
    ['usr/share/', 'usr/share'],
    ['..foo/bar..', '..foo/bar..'],
  ];
  for (const [raw, want] of ok) t.equal(normaliseArchivePath(raw, context), want, raw);
  for (const raw of ['../evil', './../evil', 'a/../../b', '/etc/passwd', 'a/..', 'nul\0byte']) {
    t.throws(() => normaliseArchivePath(raw, context), { code: 'E_ARCHIVE_PATH' }, raw);
  }
});

t.test('lists entries with types, modes, link names, and wanted contents', async (t) => {
  const tar = await makeTar([
    { name: './', type: 'directory' },
    { name: './control', data: 'Package: x\n' },
    { name: './postinst', data: '#!/bin/sh\n', mode: 0o755 },
    { name: './md5sums', data: 'abc  usr/x\n' },
    { name: './link', type: 'symlink', linkname: '/usr/bin/target' },
    { name: './hard', type: 'link', linkname: './control' },
  ]);
  const entries = await readTar(tar, { context, wantData: (p) => p !== 'md5sums' });
  t.same(
    entries.map((e) => [e.path, e.type, e.mode, e.size, e.linkname, e.data && Buffer.from(e.data).toString()]),
    [
      ['.', 'directory', 0o755, 0, undefined, undefined],
      ['control', 'file', 0o644, 11, undefined, 'Package: x\n'],
      ['postinst', 'file', 0o755, 10, undefined, '#!/bin/sh\n'],
      ['md5sums', 'file', 0o644, 11, undefined, undefined],
      ['link', 'symlink', 0o755, 0, '/usr/bin/target', undefined],
      ['hard', 'hardlink', 0o755, 0, 'control', undefined],
    ],
  );
});

t.test('reads from decompressed chunks and stops early on request', async (t) => {
  const tar = await makeTar([{ name: 'a', data: 'A' }, { name: 'b', data: 'B'.repeat(300_000) }, { name: 'c', data: 'C' }]);
  const packed = compressWith('zstd', tar);
  const entries = await readTar(decompressChunks(packed, { context }), { context, stopBefore: (p) => p === 'c' });
  t.same(entries.map((e) => e.path), ['a', 'b']);
  t.equal(entries[1]?.data?.length, 300_000);
});

t.test('hostile and broken archives', async (t) => {
  await expectError(t, readTar(await makeTar([{ name: 'ok', data: 'x' }, { name: '../evil', data: 'x' }]), { context }), 'E_ARCHIVE_PATH', /\.\.\/evil/);
  await expectError(t, readTar(await makeTar([{ name: '/etc/shadow', data: 'x' }]), { context }), 'E_ARCHIVE_PATH', /absolute/);
  await expectError(
    t,
    readTar(await makeTar([{ name: 'h', type: 'link', linkname: '../../etc/shadow' }]), { context }),
    'E_ARCHIVE_PATH',
    /etc\/shadow/,
  );
  const many = await makeTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
  await expectError(t, readTar(many, { context, maxEntries: 10 }), 'E_FORMAT_LIMIT', /more than 10 entries/);
  const fat = await makeTar([{ name: 'big', data: 'x'.repeat(5000) }]);
  await expectError(t, readTar(fat, { context, maxDataBytes: 4096 }), 'E_FORMAT_LIMIT', /exceed the limit of 4096/);
  await expectError(t, readTar(Buffer.alloc(1024, 0x41), { context }), 'E_FORMAT_CORRUPT', /bad tar data at the first entry/);
  const good = await makeTar([{ name: 'a', data: 'A'.repeat(600) }, { name: 'b', data: 'B'.repeat(600) }]);
  await expectError(t, readTar(good.subarray(0, 1800), { context }), 'E_FORMAT_CORRUPT', /bad tar data after entry "a"/);
  // A decompression failure underneath arrives as the decompressor's own error.
  const bomb = compressWith('gzip', await makeTar([{ name: 'z', data: 'z'.repeat(3_000_000) }]));
  await expectError(t, readTar(decompressChunks(bomb, { context, limit: 1_000_000 }), { context }), 'E_FORMAT_LIMIT', /decompressed data exceeds/);
});

t.test('a tar truncated anywhere fails cleanly or yields a prefix', async (t) => {
  const good = await makeTar([{ name: 'a', data: 'A'.repeat(700) }, { name: 'b', data: 'B'.repeat(100) }]);
  for (let cut = 0; cut < good.length; cut += 97) {
    try {
      const entries = await readTar(good.subarray(0, cut), { context });
      t.ok(entries.length <= 2);
    } catch (e) {
      t.type(e, FormatError, `cut ${cut}`);
    }
  }
});
