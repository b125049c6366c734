/**
 * Hostile archives the per-reader tests do not already cover (those cover `../x`, `/abs`, hardlinks
 * to `../`, ar size lies, gzip/xz/zstd bombs, garbage and truncation): symlinked directories,
 * device nodes, huge declared sizes, nested compression, very deep and very long paths, duplicate
 * members, non-UTF-8 names and non-UTF-8 script bodies. The readers never extract to disk; what is
 * checked is that they refuse, flag or ignore such entries with typed one-line errors.
 */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import t, { type Test } from 'tap';
import { FormatError } from '../../src/errors.js';
import { createArchReader } from '../../src/formats/arch/arch-reader.js';
import { decompress } from '../../src/formats/archive/decompress.js';
import { readTar } from '../../src/formats/archive/read-tar.js';
import { createDebReader, debReader } from '../../src/formats/deb/deb-reader.js';
import { analyse } from '../../src/shell/analyse.js';
import { makeAr, makeTar } from '../helpers/make-archives.js';

const context = { file: 'hostile.tar', offset: 0 };
const control = 'Package: hostile\nVersion: 1.0\nArchitecture: all\nMaintainer: x <x@example.org>\nDescription: x\n';

type Headers = Parameters<ReturnType<typeof pack>['entry']>[0];

/** A tar from raw tar-stream headers, for entry kinds make-archives does not write. */
async function rawTar(entries: Array<{ header: Headers; data?: Uint8Array }>): Promise<Uint8Array> {
  const packer = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of packer) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    if (e.data) packer.entry(e.header, Buffer.from(e.data));
    else packer.entry(e.header);
  }
  packer.finalize();
  await done;
  return Buffer.concat(chunks);
}

function debWith(controlTarGz: Uint8Array, extra: Array<{ name: string; data: Uint8Array | string }> = []): Uint8Array {
  return makeAr([
    { name: 'debian-binary', data: '2.0\n' },
    { name: 'control.tar.gz', data: controlTarGz },
    ...extra,
    { name: 'data.tar.xz', data: 'never read' },
  ]);
}

async function refusal(t: Test, work: Promise<unknown>, code: string, file: string): Promise<FormatError | undefined> {
  try {
    await work;
    t.fail(`expected ${code}`);
    return undefined;
  } catch (e) {
    t.type(e, FormatError);
    const err = e as FormatError;
    t.equal(err.code, code);
    t.ok(err.toOneLine().startsWith(file), `names the file: ${err.toOneLine()}`);
    t.notMatch(err.toOneLine(), /[\r\n]/, 'one line');
    return err;
  }
}

t.test('a file written through a symlinked directory is flagged, and never read as a script', async (t) => {
  const tar = await makeTar([
    { name: './control', data: control },
    { name: './etc', type: 'symlink', linkname: '/etc' },
    { name: './etc/cron.d/evil', data: '* * * * * root sh\n' },
    { name: './d', type: 'symlink', linkname: '.' },
    { name: './d/postinst', data: '#!/bin/sh\nrm -rf /\n' },
  ]);
  const entries = await readTar(tar, { context });
  const flagged = entries.filter((e) => e.throughSymlink).map((e) => e.path);
  t.same(flagged, ['etc/cron.d/evil', 'd/postinst'], 'entries below a symlink entry carry throughSymlink');
  t.equal(entries.find((e) => e.path === 'etc')?.linkname, '/etc', 'the symlink itself is listed as it is, not followed');
  const pkg = await debReader.read(debWith(gzipSync(tar)), 'hostile.deb');
  t.same(pkg.scriptlets, [], 'd/postinst is not the postinst');
});

t.test('scripts that are symlinks, hardlinks or device nodes are not scripts', async (t) => {
  const tar = await rawTar([
    { header: { name: './control', type: 'file', size: Buffer.byteLength(control), mode: 0o644 }, data: Buffer.from(control) },
    { header: { name: './preinst', type: 'symlink', linkname: '/etc/shadow', mode: 0o777 } },
    { header: { name: './postinst', type: 'link', linkname: 'control', mode: 0o755 } },
    { header: { name: './prerm', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 } },
    { header: { name: './postrm', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660 } },
    { header: { name: './config', type: 'fifo', mode: 0o644 } },
  ]);
  const entries = await readTar(tar, { context });
  t.same(
    entries.map((e) => [e.path, e.type]),
    [
      ['control', 'file'],
      ['preinst', 'symlink'],
      ['postinst', 'hardlink'],
      ['prerm', 'char-device'],
      ['postrm', 'block-device'],
      ['config', 'fifo'],
    ],
  );
  t.same(entries.filter((e) => e.data && e.path !== 'control').map((e) => e.path), [], 'no contents read for non-files');
  const pkg = await debReader.read(debWith(gzipSync(tar)), 'hostile.deb');
  t.same(pkg.scriptlets, [], 'none of them becomes a scriptlet');
});

t.test('an 8 GiB declared size with a few bytes of data', async (t) => {
  const tar = await makeTar([{ name: './postinst', data: '#!/bin/sh\n' }]);
  const header = Buffer.from(tar.subarray(0, 512));
  // The 12-byte size field at 124, as octal: 8 GiB needs the full 11 digits and more.
  header.write('77777777777\0', 124, 'latin1');
  let sum = 0;
  header.fill(0x20, 148, 156);
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const lying = Buffer.concat([header, tar.subarray(512)]);
  const err = await refusal(t, readTar(lying, { context }), 'E_FORMAT_LIMIT', 'hostile.tar');
  t.match(err?.message, /exceed the limit/, 'refused from the header, before waiting for 8 GiB');
  await refusal(t, readTar(lying, { context, wantData: () => false }), 'E_FORMAT_CORRUPT', 'hostile.tar');
});

t.test('nested compression is unwrapped once: the inner stream is tar garbage, not a second bomb', async (t) => {
  const inner = gzipSync(Buffer.alloc(64 * 1024 * 1024));
  const outer = gzipSync(inner);
  t.ok(outer.length < 200 * 1024, 'a small file');
  const bytes = await decompress(outer, { context });
  t.equal(bytes.length, inner.length, 'one layer decompressed');
  await refusal(t, debReader.read(debWith(outer), 'hostile.deb'), 'E_FORMAT_CORRUPT', 'hostile.deb');
});

t.test('very deep and very long paths', async (t) => {
  const deep = Array.from({ length: 4096 }, () => 'a').join('/');
  const long = `${'n'.repeat(65536)}`;
  const tar = await makeTar([
    { name: './control', data: control },
    { name: deep, data: 'deep' },
    { name: long, data: 'long' },
    { name: `${deep}/../../x`, data: 'escape attempt at depth' },
  ]);
  const started = Date.now();
  const err = await refusal(t, readTar(tar, { context }), 'E_ARCHIVE_PATH', 'hostile.tar');
  t.ok((err?.toOneLine().length ?? 0) < 400, 'the message quotes a bounded part of the path');
  const ok = await readTar(await makeTar([{ name: './control', data: control }, { name: deep, data: 'deep' }, { name: long, data: 'long' }]), { context });
  t.same(
    ok.map((e) => e.path.length),
    [7, deep.length, long.length],
    'deep and long names are kept whole',
  );
  t.ok(Date.now() - started < 10_000, 'in reasonable time');
  const pkg = await debReader.read(debWith(gzipSync(await makeTar([{ name: './control', data: control }, { name: deep, data: 'x' }, { name: long, data: 'y' }]))), 'deep.deb');
  t.equal(pkg.name, 'hostile');
});

t.test('duplicate members: the last one wins, as when the archive is unpacked', async (t) => {
  const tar = await makeTar([
    { name: './control', data: control },
    { name: './postinst', data: '#!/bin/sh\necho first\n' },
    { name: './postinst', data: '#!/bin/sh\necho second\n' },
  ]);
  const pkg = await debReader.read(debWith(gzipSync(tar)), 'dup.deb');
  t.equal(pkg.scriptlets.length, 1, 'one postinst');
  t.match(pkg.scriptlets[0]?.body, /second/);

  const arch = createArchReader();
  const archPkg = await arch.read(
    await makeTar([
      { name: '.PKGINFO', data: 'pkgname = dup\npkgver = 1-1\narch = any\n' },
      { name: '.INSTALL', data: 'post_install() {\n  echo first\n}\n' },
      { name: '.INSTALL', data: 'post_install() {\n  echo second\n}\n' },
    ]),
    'dup.pkg.tar',
  );
  t.match(archPkg.scriptlets[0]?.body, /second/, 'Arch .INSTALL too');

  const twoControls = debWith(gzipSync(tar), [{ name: 'control.tar.xz', data: 'a second control member' }]);
  const err = await refusal(t, debReader.read(twoControls, 'dup.deb'), 'E_FORMAT_CORRUPT', 'dup.deb');
  t.match(err?.message, /expected a data\.tar member/, 'a second control member is not silently chosen');
});

t.test('non-UTF-8 names cannot alias a wanted member', async (t) => {
  const tar = await rawTar([
    { header: { name: './control', type: 'file', size: Buffer.byteLength(control), mode: 0o644 }, data: Buffer.from(control) },
    // tar-stream decodes names as UTF-8: an invalid byte becomes U+FFFD, not nothing.
    { header: { name: Buffer.from('./postinst\xff', 'latin1').toString('latin1'), type: 'file', size: 3, mode: 0o755 }, data: Buffer.from('x\n\n') },
  ]);
  const entries = await readTar(tar, { context });
  t.equal(entries.length, 2);
  t.not(entries[1]?.path, 'postinst');
  const pkg = await debReader.read(debWith(gzipSync(tar)), 'names.deb');
  t.same(pkg.scriptlets, []);
});

t.test('a Latin-1 maintainer script keeps every byte and is still analysed', async (t) => {
  const body = Buffer.concat([
    Buffer.from('#!/bin/sh\nset -e\necho "Caf', 'latin1'),
    Buffer.from([0xe9, 0x80, 0x9f]),
    Buffer.from('"\nuseradd --system caf', 'latin1'),
    Buffer.from([0xe9]),
    Buffer.from('\nexit 0\n', 'latin1'),
  ]);
  const tar = await makeTar([
    { name: './control', data: control },
    { name: './postinst', data: body },
    { name: './prerm', data: '#!/bin/sh\necho "Café in UTF-8"\n' },
  ]);
  const pkg = await createDebReader().read(debWith(gzipSync(tar)), 'latin1.deb');
  const postinst = pkg.scriptlets.find((s) => s.phase === 'postinst');
  t.equal(postinst?.bodyEncoding, 'latin1', 'marked as not UTF-8');
  t.same(Buffer.from(postinst?.body ?? '', 'latin1'), body, 'byte for byte the script the package ships');
  t.notMatch(postinst?.body, /\uFFFD/, 'no replacement characters');
  const prerm = pkg.scriptlets.find((s) => s.phase === 'prerm');
  t.equal(prerm?.bodyEncoding, undefined, 'UTF-8 scripts are unmarked');
  t.match(prerm?.body, /Café/);

  const analysis = await analyse(postinst!);
  t.equal(analysis.parseError, undefined, 'parses');
  const useradd = analysis.commands.find((c) => c.name === 'useradd');
  t.same(
    useradd?.args.map((a) => a.text),
    ['--system', 'caf\u00e9'],
    'the analysis sees the Latin-1 byte as one character, not U+FFFD',
  );

  const arch = await createArchReader().read(
    await makeTar([
      { name: '.PKGINFO', data: 'pkgname = l1\npkgver = 1-1\narch = any\n' },
      { name: '.INSTALL', data: Buffer.concat([Buffer.from('post_install() {\n  echo caf'), Buffer.from([0xe9]), Buffer.from('\n}\n')]) },
    ]),
    'l1.pkg.tar',
  );
  t.equal(arch.scriptlets[0]?.bodyEncoding, 'latin1');
  t.match(arch.scriptlets[0]?.body, /caf\u00e9/);
});
