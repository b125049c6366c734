import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { FormatError, IoError } from '../../src/errors.js';
import { findPackageFiles } from '../../src/formats/find-package-files.js';
import { readPackageFile } from '../../src/formats/read-package-file.js';
import { packageReaders } from '../../src/formats/registry.js';
import { sniffPackageFormat } from '../../src/formats/sniff.js';
import { buildArchPackage } from '../helpers/build-arch-pkg.js';
import { buildDeb } from '../helpers/build-deb.js';
import { buildRpm } from '../helpers/build-rpm.js';
import { compressWith, makeAr, makeTar } from '../helpers/make-archives.js';

const rpmSpec = `Name: sniffed
Version: 1.0
Release: 1
Summary: s
License: MIT
BuildArch: noarch
%description
d
%post
echo post
%files
`;

t.test('registry lists every format in sniffing order', async (t) => {
  t.same([...packageReaders.keys()], ['deb', 'rpm', 'arch']);
  for (const [format, reader] of packageReaders) t.equal(reader.format, format);
});

t.test('formats are recognised by content, not by name', async (t) => {
  const dir = t.testdir();
  const deb = buildDeb(dir, 'd', { control: 'Package: d\nVersion: 1\nArchitecture: all\nMaintainer: a <a@b>\nDescription: x\n', files: { postinst: '#!/bin/sh\n' } });
  const rpm = await buildRpm(dir, 'sniffed', rpmSpec);
  const arch = buildArchPackage(dir, 'a', { pkginfo: 'pkgname = a\npkgver = 1-1\narch = any\n', install: 'post_install() {\n:\n}\n' });
  // Misleading names: content decides.
  const renamed = { deb: join(dir, 'really-a-deb.rpm'), rpm: join(dir, 'really-an-rpm.pkg.tar.zst'), arch: join(dir, 'really-arch.deb') };
  writeFileSync(renamed.deb, readFileSync(deb));
  writeFileSync(renamed.rpm, readFileSync(rpm));
  writeFileSync(renamed.arch, readFileSync(arch));
  for (const [format, path] of Object.entries(renamed)) {
    t.equal(await sniffPackageFormat(readFileSync(path)), format, path);
    const pkg = await readPackageFile(path);
    t.equal(pkg.format, format);
    t.equal(pkg.source, path);
    t.ok(pkg.scriptlets.length > 0, `${format} scriptlets`);
  }
  // An ar archive that is not a deb, a tarball, text: none is a package.
  t.equal(await sniffPackageFormat(makeAr([{ name: 'lib.o', data: 'x' }])), undefined);
  t.equal(await sniffPackageFormat(compressWith('gzip', await makeTar([{ name: 'src/a.c', data: 'int x;' }]))), undefined);
  t.equal(await sniffPackageFormat(Buffer.from('#!/bin/sh\n')), undefined);
  t.equal(await sniffPackageFormat(new Uint8Array()), undefined);
});

t.test('readPackageFile errors', async (t) => {
  const dir = t.testdir({ 'notes.txt': 'hello', 'empty.deb': '', sub: {} });
  for (const [name, code, message] of [
    ['notes.txt', 'E_FORMAT_UNKNOWN', /not a package/],
    ['empty.deb', 'E_FORMAT_UNKNOWN', /not a package/],
  ] as const) {
    const path = join(dir, name);
    try {
      await readPackageFile(path);
      t.fail(name);
    } catch (e) {
      t.type(e, FormatError);
      t.equal((e as FormatError).code, code);
      t.match((e as FormatError).message, message);
      t.match((e as FormatError).toOneLine(), `${path} (offset 0): `);
    }
  }
  await t.rejects(readPackageFile(join(dir, 'missing.deb')), { code: 'E_IO', message: /no such file/ });
  await t.rejects(readPackageFile(join(dir, 'sub')), IoError);
  await t.rejects(readPackageFile(join(dir, 'notes.txt'), { maxBytes: 3 }), { code: 'E_FORMAT_LIMIT', message: /5 bytes, over the limit of 3/ });
});

t.test('findPackageFiles expands directories by content, sorted', async (t) => {
  const dir = t.testdir();
  const control = (n: string) => `Package: ${n}\nVersion: 1\nArchitecture: all\nMaintainer: a <a@b>\nDescription: x\n`;
  mkdirSync(join(dir, 'tree', 'b-sub'), { recursive: true });
  mkdirSync(join(dir, 'build'));
  const d1 = buildDeb(join(dir, 'build'), 'one', { control: control('one') });
  const d2 = buildDeb(join(dir, 'build'), 'two', { control: control('two') });
  writeFileSync(join(dir, 'tree', 'z.deb'), readFileSync(d1));
  writeFileSync(join(dir, 'tree', 'b-sub', 'pkg.bin'), readFileSync(d2));
  buildArchPackage(join(dir, 'tree'), 'arch', { pkginfo: 'pkgname = a\npkgver = 1-1\narch = any\n', payload: { 'usr/x': 'x'.repeat(3 * 1024 * 1024) } });
  writeFileSync(join(dir, 'tree', 'README'), 'not a package');
  writeFileSync(join(dir, 'tree', 'source.tar.gz'), compressWith('gzip', await makeTar([{ name: 'a', data: 'b' }])));
  // A link to a package file counts as the file (a pool of links is a common layout); the file is
  // listed once, by the path met first. Links to directories are not followed, dangling ones skipped.
  symlinkSync(join(dir, 'tree', 'z.deb'), join(dir, 'tree', 'link.deb'));
  symlinkSync(d2, join(dir, 'tree', 'outside.deb'));
  symlinkSync(join(dir, 'build'), join(dir, 'tree', 'c-dirlink'));
  symlinkSync(join(dir, 'tree', 'gone.deb'), join(dir, 'tree', 'dangling.deb'));
  const { files: found, emptyDirectories } = await findPackageFiles([join(dir, 'tree'), join(dir, 'tree', 'README'), join(dir, 'tree', 'z.deb')]);
  t.same(found, [
    join(dir, 'tree', 'arch-1.0-1-x86_64.pkg.tar.zst'),
    join(dir, 'tree', 'b-sub', 'pkg.bin'),
    join(dir, 'tree', 'link.deb'),
    join(dir, 'tree', 'outside.deb'),
    join(dir, 'tree', 'README'),
  ]);
  t.same(emptyDirectories, []);
  const linked = await findPackageFiles([join(dir, 'build'), join(dir, 'tree', 'outside.deb')]);
  t.same(linked.files, [d1, d2], 'a link given after its target is the same file');
  mkdirSync(join(dir, 'nothing', 'below'), { recursive: true });
  writeFileSync(join(dir, 'nothing', 'below', 'notes.txt'), 'text');
  const some = await findPackageFiles([join(dir, 'nothing'), join(dir, 'build'), d1]);
  t.same(some, { files: [d1, d2], emptyDirectories: [join(dir, 'nothing')] }, 'a directory is empty by what its walk found, not by what the dedup left');
  await t.rejects(findPackageFiles([join(dir, 'nope')]), { code: 'E_IO', message: /no such file or directory/ });
});
