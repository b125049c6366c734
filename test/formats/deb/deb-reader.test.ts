import { readFileSync } from 'node:fs';
import t from 'tap';
import { FormatError } from '../../../src/errors.js';
import { createDebReader, debReader } from '../../../src/formats/deb/deb-reader.js';
import { buildDeb, type DebCompression } from '../../helpers/build-deb.js';
import { compressWith, makeAr, makeTar } from '../../helpers/make-archives.js';

const control = `Package: fixture-all
Version: 2:1.4.0-3+b1
Architecture: amd64
Maintainer: Test <test@example.org>
Pre-Depends: init-system-helpers (>= 1.54~)
Depends: debconf (>= 0.5) | debconf-2.0, libc6 (>= 2.36), perl:any,
 adduser
Provides: fixture-virtual (= 1.4.0)
Description: fixture with every kind of control file
 Long description.
`;

const files: Record<string, string> = {
  preinst: '#!/bin/sh\nset -e\nif [ "$1" = install ]; then :; fi\n',
  postinst: '#!/usr/bin/perl -w\nuse strict;\nprint "configured\\n";\n',
  prerm: '#!/bin/bash\nset -e\n[[ -n "$1" ]]\n',
  postrm: 'set -e\n# no shebang: dpkg falls back to /bin/sh\n',
  config: '#!/bin/sh\n. /usr/share/debconf/confmodule\ndb_input low fixture/q || true\n',
  triggers: 'interest-noawait /usr/share/fixture\nactivate-noawait ldconfig\n',
  templates: 'Template: fixture/q\nType: boolean\nDefault: true\nDescription: A question?\n',
  conffiles: '/etc/fixture.conf\n',
};

t.test('real .debs built by dpkg-deb, every control compression', async (t) => {
  const dir = t.testdir();
  for (const compression of ['gzip', 'xz', 'zstd', 'none'] as DebCompression[]) {
    const path = buildDeb(dir, `fixture-${compression}`, { control, files, payload: { 'etc/fixture.conf': 'x=1\n' }, compression });
    const pkg = await debReader.read(readFileSync(path), path);
    const member = { gzip: 'control.tar.gz', xz: 'control.tar.xz', zstd: 'control.tar.zst', none: 'control.tar' }[compression];
    t.equal(pkg.format, 'deb');
    t.equal(pkg.name, 'fixture-all');
    t.equal(pkg.version, '2:1.4.0-3+b1');
    t.equal(pkg.epoch, 2);
    t.equal(pkg.release, '3+b1');
    t.equal(pkg.arch, 'amd64');
    t.equal(pkg.source, path);
    t.same(pkg.preDepends, [[{ name: 'init-system-helpers', op: '>=', version: '1.54~' }]]);
    t.same(pkg.depends, [
      [{ name: 'debconf', op: '>=', version: '0.5' }, { name: 'debconf-2.0' }],
      [{ name: 'libc6', op: '>=', version: '2.36' }],
      [{ name: 'perl', arch: 'any' }],
      [{ name: 'adduser' }],
    ]);
    t.same(pkg.provides, [{ name: 'fixture-virtual', op: '=', version: '1.4.0' }]);
    t.same(pkg.conffiles, ['/etc/fixture.conf']);
    t.equal(pkg.templates, files.templates);
    t.same(
      pkg.scriptlets.map((s) => [s.phase, s.interpreter.kind, s.interpreter.argv, s.origin, s.package, s.format]),
      [
        ['preinst', 'sh', ['/bin/sh'], `${member}:preinst`, 'fixture-all', 'deb'],
        ['config', 'sh', ['/bin/sh'], `${member}:config`, 'fixture-all', 'deb'],
        ['postinst', 'perl', ['/usr/bin/perl', '-w'], `${member}:postinst`, 'fixture-all', 'deb'],
        ['triggers', 'deb-triggers', [], `${member}:triggers`, 'fixture-all', 'deb'],
        ['prerm', 'bash', ['/bin/bash'], `${member}:prerm`, 'fixture-all', 'deb'],
        ['postrm', 'sh', ['/bin/sh'], `${member}:postrm`, 'fixture-all', 'deb'],
      ],
      compression,
    );
    for (const s of pkg.scriptlets) t.equal(s.body, files[s.phase], `${compression} ${s.phase} body`);
  }
});

t.test('a package without scripts', async (t) => {
  const path = buildDeb(t.testdir(), 'plain', { control: 'Package: plain\nVersion: 1.0\nArchitecture: all\nMaintainer: a <a@b>\nDescription: d\n' });
  const pkg = await debReader.read(readFileSync(path), path);
  t.same(pkg.scriptlets, []);
  t.equal(pkg.templates, undefined);
  t.equal(pkg.conffiles, undefined);
  t.equal(pkg.epoch, undefined);
  t.equal(pkg.release, undefined);
});

const minimalControl = 'Package: hand\nVersion: 1-1\nArchitecture: all\n';

async function handDeb(options: {
  controlEntries?: Array<{ name: string; data?: string }>;
  controlName?: string;
  compress?: (tar: Uint8Array) => Uint8Array;
  members?: (control: Uint8Array) => Array<{ name: string; data: Uint8Array | string }>;
}): Promise<Uint8Array> {
  const tar = await makeTar(options.controlEntries ?? [{ name: './control', data: minimalControl }, { name: './postinst', data: '#!/bin/sh\n' }]);
  const controlTar = (options.compress ?? ((b) => compressWith('gzip', b)))(tar);
  const members = options.members?.(controlTar) ?? [
    { name: 'debian-binary', data: '2.0\n' },
    { name: options.controlName ?? 'control.tar.gz', data: controlTar },
    { name: 'data.tar.xz', data: 'not even xz: the payload is never decompressed' },
  ];
  return makeAr(members);
}

t.test('hand-made archives: data.tar is never decompressed, _ members are skipped', async (t) => {
  const bytes = await handDeb({
    members: (c) => [
      { name: 'debian-binary', data: '2.0\n' },
      { name: '_gpgbuilder', data: 'signature' },
      { name: 'control.tar.gz', data: c },
      { name: 'data.tar.bz2', data: 'garbage' },
    ],
  });
  const pkg = await debReader.read(bytes, 'hand.deb');
  t.equal(pkg.name, 'hand');
  t.same(pkg.scriptlets.map((s) => s.origin), ['control.tar.gz:postinst']);
});

interface CorruptCase {
  name: string;
  bytes: () => Promise<Uint8Array>;
  code: FormatError['code'];
  message: RegExp;
  /** The one-line message must name the file and either a byte offset or a line. */
  where: RegExp;
  limit?: number;
}

t.test('corrupt and hostile packages give one FormatError each', async (t) => {
  const dir = t.testdir();
  const real = readFileSync(buildDeb(dir, 'victim', { control, files, payload: { 'etc/fixture.conf': 'x=1\n', 'usr/share/doc/x': 'y'.repeat(5000) }, compression: 'xz' }));
  const offset = /^bad\.deb(:[^ ]+)? \(offset \d+\): /;
  const controlAt = real.indexOf('control.tar.xz');
  const dataAt = real.indexOf('data.tar.xz');
  const cases: CorruptCase[] = [
    ...[0, 5, 8, 40, 68, 71, 72 + 30, controlAt + 70, controlAt + 200, dataAt - 1, dataAt + 30, dataAt + 200, real.length - 1].map(
      (cut): CorruptCase => ({
        name: `truncated at ${cut}`,
        bytes: async () => real.subarray(0, cut),
        code: 'E_FORMAT_CORRUPT',
        message: /./,
        where: offset,
      }),
    ),
    { name: 'bad magic', bytes: async () => Buffer.concat([Buffer.from('!<arhc>\n'), real.subarray(8)]), code: 'E_FORMAT_CORRUPT', message: /bad global header/, where: offset },
    {
      name: 'member size larger than the file',
      bytes: async () => makeAr([{ name: 'debian-binary', data: '2.0\n' }, { name: 'control.tar.gz', data: 'abc' }], { sizeOverride: { 'control.tar.gz': 10_000_000 } }),
      code: 'E_FORMAT_CORRUPT',
      message: /claims 10000000 bytes/,
      where: offset,
    },
    {
      name: 'first member is not debian-binary',
      bytes: () => handDeb({ members: (c) => [{ name: 'control.tar.gz', data: c }, { name: 'debian-binary', data: '2.0\n' }] }),
      code: 'E_FORMAT_CORRUPT',
      message: /first ar member is not debian-binary/,
      where: offset,
    },
    {
      name: 'unsupported format version',
      bytes: () => handDeb({ members: (c) => [{ name: 'debian-binary', data: '3.0\n' }, { name: 'control.tar.gz', data: c }] }),
      code: 'E_FORMAT_CORRUPT',
      message: /format version "3.0"/,
      where: offset,
    },
    {
      name: 'data before control',
      bytes: () => handDeb({ members: (c) => [{ name: 'debian-binary', data: '2.0\n' }, { name: 'data.tar.gz', data: 'x' }, { name: 'control.tar.gz', data: c }] }),
      code: 'E_FORMAT_CORRUPT',
      message: /expected a control.tar member, found "data.tar.gz"/,
      where: offset,
    },
    {
      name: 'no data member',
      bytes: () => handDeb({ members: (c) => [{ name: 'debian-binary', data: '2.0\n' }, { name: 'control.tar.gz', data: c }] }),
      code: 'E_FORMAT_CORRUPT',
      message: /expected a data.tar member after control.tar.gz, found end of archive/,
      where: offset,
    },
    {
      name: 'gzip garbage as control.tar.gz',
      bytes: () => handDeb({ compress: () => Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(64, 0x5a)]) }),
      code: 'E_FORMAT_CORRUPT',
      message: /bad gzip data/,
      where: /^bad\.deb:control\.tar\.gz \(offset 132\): /,
    },
    {
      name: 'xz bomb over the limit',
      bytes: () => handDeb({ controlName: 'control.tar.xz', controlEntries: [{ name: 'control', data: '\n'.repeat(4 * 1024 * 1024) }], compress: (b) => compressWith('xz', b) }),
      code: 'E_FORMAT_LIMIT',
      message: /exceeds the limit of 1048576 bytes/,
      where: /^bad\.deb:control\.tar\.xz \(offset 132\): /,
      limit: 1024 * 1024,
    },
    {
      name: 'zstd bomb over the limit',
      bytes: () => handDeb({ controlName: 'control.tar.zst', controlEntries: [{ name: 'control', data: '\n'.repeat(4 * 1024 * 1024) }], compress: (b) => compressWith('zstd', b) }),
      code: 'E_FORMAT_LIMIT',
      message: /exceeds the limit of 1048576 bytes/,
      where: /^bad\.deb:control\.tar\.zst \(offset 132\): /,
      limit: 1024 * 1024,
    },
    {
      name: 'tar with ../evil',
      bytes: () => handDeb({ controlEntries: [{ name: './control', data: minimalControl }, { name: '../evil', data: 'x' }] }),
      code: 'E_ARCHIVE_PATH',
      message: /\.\.\/evil/,
      where: /^bad\.deb:control\.tar\.gz \(offset 132\): /,
    },
    {
      name: 'tar with an absolute path',
      bytes: () => handDeb({ controlEntries: [{ name: '/etc/cron.d/evil', data: 'x' }] }),
      code: 'E_ARCHIVE_PATH',
      message: /absolute/,
      where: offset,
    },
    {
      name: 'control.tar that is not a tar',
      bytes: () => handDeb({ compress: () => compressWith('gzip', Buffer.alloc(2048, 0x41)) }),
      code: 'E_FORMAT_CORRUPT',
      message: /bad tar data/,
      where: offset,
    },
    {
      name: 'no control file',
      bytes: () => handDeb({ controlEntries: [{ name: './postinst', data: '#!/bin/sh\n' }] }),
      code: 'E_FORMAT_CORRUPT',
      message: /no control file/,
      where: offset,
    },
    {
      name: 'control without Version',
      bytes: () => handDeb({ controlEntries: [{ name: './control', data: 'Package: x\nArchitecture: all\n' }] }),
      code: 'E_FORMAT_CORRUPT',
      message: /no Version field/,
      where: /^bad\.deb:control\.tar\.gz:control:1: /,
    },
    {
      name: 'control with a broken Depends',
      bytes: () => handDeb({ controlEntries: [{ name: './control', data: `${minimalControl}Depends: a (>= 1\n` }] }),
      code: 'E_FORMAT_CORRUPT',
      message: /bad relation/,
      where: /^bad\.deb:control\.tar\.gz:control:4: /,
    },
    {
      name: 'control with two paragraphs',
      bytes: () => handDeb({ controlEntries: [{ name: './control', data: `${minimalControl}\nPackage: y\n` }] }),
      code: 'E_FORMAT_CORRUPT',
      message: /exactly one paragraph/,
      where: /^bad\.deb:control\.tar\.gz:control: /,
    },
  ];
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const bytes = await c.bytes();
      const reader = c.limit ? createDebReader({ controlLimit: c.limit }) : debReader;
      try {
        await reader.read(bytes, 'bad.deb');
        t.fail('expected a FormatError');
      } catch (e) {
        t.type(e, FormatError, 'a FormatError, never another exception');
        const err = e as FormatError;
        t.equal(err.code, c.code);
        t.match(err.message, c.message);
        t.match(err.toOneLine(), c.where);
        t.notMatch(err.toOneLine(), /\n/);
      }
    });
  }
});
