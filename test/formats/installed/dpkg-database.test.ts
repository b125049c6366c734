import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { FormatError, IoError } from '../../../src/errors.js';
import { isPresent, parseDpkgDatabase, readDpkgDatabase } from '../../../src/formats/installed/dpkg-database.js';

const status = `Package: zlib-same
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Version: 1:1.2.13.dfsg-1
Depends: libc6 (>= 2.14)

Package: alpha
Status: install ok half-configured
Architecture: all
Version: 2.0-1
Pre-Depends: dpkg (>= 1.19)
Depends: debconf (>= 0.5) | debconf-2.0
Provides: alpha-virtual
Conffiles:
 /etc/alpha.conf 0123456789abcdef0123456789abcdef
 /etc/alpha-old.conf 0123456789abcdef0123456789abcdef obsolete
Description: first
 more

Package: gone
Status: purge ok not-installed
Architecture: amd64

Package: leftover
Status: deinstall ok config-files
Architecture: amd64
Version: 3
`;

const info = new Map<string, string>([
  ['alpha.preinst', '#!/bin/sh\necho pre\n'],
  ['alpha.postinst', '#!/usr/bin/perl\nprint 1;\n'],
  ['alpha.templates', 'Template: alpha/q\nType: note\n'],
  ['alpha.triggers', 'interest /usr/share/alpha\n'],
  ['zlib-same:amd64.postinst', '#!/bin/sh\nldconfig\n'],
  ['zlib-same.postinst', 'not this one: the package is Multi-Arch: same\n'],
  ['leftover.postrm', '#!/bin/sh\nrm -f /etc/leftover\n'],
]);

t.test('status and info files become packages (pure)', async (t) => {
  const pkgs = parseDpkgDatabase(status, info, '/srv/root/var/lib/dpkg');
  t.same(pkgs.map((p) => [p.package.name, p.status.state, p.multiArch]), [
    ['alpha', 'half-configured', undefined],
    ['leftover', 'config-files', undefined],
    ['zlib-same', 'installed', 'same'],
  ]);
  const [alpha, leftover, zlib] = pkgs;
  t.same(alpha?.status, { want: 'install', flag: 'ok', state: 'half-configured' });
  t.equal(alpha?.package.source, 'dpkg:/srv/root/var/lib/dpkg');
  t.same(alpha?.package.scriptlets.map((s) => [s.phase, s.interpreter.kind, s.origin]), [
    ['preinst', 'sh', 'info/alpha.preinst'],
    ['postinst', 'perl', 'info/alpha.postinst'],
    ['triggers', 'deb-triggers', 'info/alpha.triggers'],
  ]);
  t.equal(alpha?.package.templates, 'Template: alpha/q\nType: note\n');
  t.same(alpha?.package.conffiles, ['/etc/alpha.conf'], 'obsolete conffiles are left out');
  t.same(alpha?.package.depends, [[{ name: 'debconf', op: '>=', version: '0.5' }, { name: 'debconf-2.0' }]]);
  t.same(alpha?.package.preDepends, [[{ name: 'dpkg', op: '>=', version: '1.19' }]]);
  t.same(alpha?.package.provides, [{ name: 'alpha-virtual' }]);
  t.same(zlib?.package.scriptlets.map((s) => [s.origin, s.body]), [['info/zlib-same:amd64.postinst', '#!/bin/sh\nldconfig\n']]);
  t.equal(zlib?.package.epoch, 1);
  t.same(leftover?.package.scriptlets.map((s) => s.phase), ['postrm']);
  t.same(pkgs.filter((p) => isPresent(p.status.state)).map((p) => p.package.name), ['alpha', 'zlib-same']);
});

t.test('a broken status file is a FormatError with its line', async (t) => {
  const cases: Array<[string, number, RegExp]> = [
    ['Package: a\nStatus: install ok\nVersion: 1\nArchitecture: all\n', 1, /bad dpkg status stanza/],
    ['Package: a\nStatus: install ok installed\nArchitecture: all\n', 1, /no Version field/],
    ['Package: a\nStatus: install ok sideways\n', 1, /bad dpkg status stanza/],
    ['Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\nDepends: (bad\n', 5, /bad relation/],
    ['Package: a\nno colon here\n', 2, /expected "Field: value"/],
  ];
  for (const [text, line, message] of cases) {
    try {
      parseDpkgDatabase(text, new Map(), '/x');
      t.fail('expected an error');
    } catch (e) {
      t.type(e, FormatError);
      t.equal((e as FormatError).context.line, line);
      t.match((e as FormatError).message, message);
      t.match((e as FormatError).toOneLine(), /^\/x\/status:\d+/);
    }
  }
});

t.test('reads an admin directory from disk', async (t) => {
  const dir = t.testdir({ info: {} });
  writeFileSync(join(dir, 'status'), status);
  for (const [name, text] of info) writeFileSync(join(dir, 'info', name), text);
  writeFileSync(join(dir, 'info', 'alpha.list'), '/etc/alpha.conf\n');
  writeFileSync(join(dir, 'info', 'alpha.md5sums'), 'x\n');
  const pkgs = await readDpkgDatabase(dir);
  t.same(pkgs, parseDpkgDatabase(status, info, dir));
  await t.rejects(readDpkgDatabase(join(dir, 'missing')), IoError);
  const noInfo = t.testdir({ status });
  mkdirSync(join(noInfo, 'unrelated'));
  await t.rejects(readDpkgDatabase(noInfo), { code: 'E_IO' });
});

t.test("this machine's /var/lib/dpkg", { skip: existsSync('/var/lib/dpkg/status') ? false : 'no dpkg database here' }, async (t) => {
  const pkgs = await readDpkgDatabase();
  const statusText = readFileSync('/var/lib/dpkg/status', 'utf8');
  t.equal(pkgs.length, (statusText.match(/^Package: /gm) ?? []).length - (statusText.match(/^Status: \S+ \S+ not-installed$/gm) ?? []).length);
  const keys = pkgs.map((p) => [p.package.name, p.package.arch] as const);
  const sorted = [...keys].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  t.same(keys, sorted, 'sorted by name, then architecture');
  for (const name of ['dpkg', 'base-passwd']) {
    const entry = pkgs.find((p) => p.package.name === name);
    t.ok(entry, `${name} is installed`);
    const postinst = entry?.package.scriptlets.find((s) => s.phase === 'postinst');
    t.ok(postinst, `${name} has a postinst`);
    t.equal(postinst?.body, readFileSync(`/var/lib/dpkg/info/${name}.postinst`, 'utf8'));
    t.equal(postinst?.origin, `info/${name}.postinst`);
    t.equal(entry?.package.source, 'dpkg:/var/lib/dpkg');
  }
  const basePasswd = pkgs.find((p) => p.package.name === 'base-passwd');
  t.equal(basePasswd?.package.templates, readFileSync('/var/lib/dpkg/info/base-passwd.templates', 'utf8'), 'templates live in info/');
  const sameWithScripts = pkgs.find((p) => p.multiArch === 'same' && p.package.scriptlets.length > 0);
  if (sameWithScripts) t.match(sameWithScripts.package.scriptlets[0]?.origin, /^info\/[^/]+:[a-z0-9]+\./, 'arch-qualified info file');
  const scripts = pkgs.reduce((n, p) => n + p.package.scriptlets.length, 0);
  t.ok(scripts > 100, `${scripts} scriptlets`);
});
