import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { overlayTar, overlayTarPlan, writeOverlayTar, type OverlayEntry } from '../../src/appliance/overlay-tar.js';
import { sourceDateEpoch } from '../../src/appliance/source-date-epoch.js';
import { FormatError, UsageError } from '../../src/errors.js';

interface Listed {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  linkname: string | null;
  body: string;
}

async function list(bytes: Buffer): Promise<Listed[]> {
  const out: Listed[] = [];
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      const h = entry.header;
      out.push({
        name: h.name,
        type: h.type,
        mode: h.mode,
        uid: h.uid,
        gid: h.gid,
        uname: h.uname,
        gname: h.gname,
        mtime: h.mtime.getTime() / 1000,
        linkname: h.linkname,
        body: Buffer.concat(chunks).toString('utf8'),
      });
    }
  })();
  ex.end(bytes);
  await done;
  return out;
}

const ENTRIES: OverlayEntry[] = [
  { type: 'file', path: 'usr/lib/scriptlet/hello', mode: 0o755, content: '#!/bin/sh\necho hello\n' },
  { type: 'symlink', path: './usr/lib/scriptlet/hi', target: 'hello' },
  { type: 'dir', path: 'var/lib/scriptlet', mode: 0o700, uid: 101, gid: 102, uname: 'agent', gname: 'agent' },
  { type: 'file', path: 'etc/scriptlet/manifest.json', mode: 0o644, content: new Uint8Array([0x7b, 0x7d]) },
  { type: 'file', path: 'usr/bin/setuid-helper', mode: 0o4755, content: 'x' },
  { type: 'file', path: 'init', mode: 0o755, content: '#!/bin/sh\n' },
];

t.test('two runs give identical bytes, whatever the input order', async (t) => {
  const a = await overlayTar(ENTRIES, { mtime: 1700000000, allowTopLevel: ['init'] });
  const b = await overlayTar([...ENTRIES].reverse(), { mtime: 1700000000, allowTopLevel: ['init'] });
  t.ok(a.equals(b), 'byte-identical');
  const c = await overlayTar(ENTRIES, { mtime: 1700000001, allowTopLevel: ['init'] });
  t.notOk(a.equals(c), 'the mtime is in the bytes');
  const gz1 = await overlayTar(ENTRIES, { mtime: 5, gzip: true, allowTopLevel: ['init'] });
  const gz2 = await overlayTar([...ENTRIES].reverse(), { mtime: 5, gzip: true, allowTopLevel: ['init'] });
  t.ok(gz1.equals(gz2), 'gzip output is byte-identical too');
  t.same([...gz1.subarray(0, 8)], [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0], 'gzip magic, deflate, header mtime 0');
  t.ok(gunzipSync(gz1).equals(await overlayTar(ENTRIES, { mtime: 5, allowTopLevel: ['init'] })));
});

t.test('entries are sorted, parents are added, owners default to root', async (t) => {
  const bytes = await overlayTar(ENTRIES, { mtime: 1234, allowTopLevel: ['init'] });
  t.equal(bytes.subarray(257, 262).toString('latin1'), 'ustar', 'supermin recognises a tarball by ustar at offset 257');
  const entries = await list(bytes);
  t.same(
    entries.map((e) => e.name),
    [
      './etc',
      './etc/scriptlet',
      './etc/scriptlet/manifest.json',
      './init',
      './usr',
      './usr/bin',
      './usr/bin/setuid-helper',
      './usr/lib',
      './usr/lib/scriptlet',
      './usr/lib/scriptlet/hello',
      './usr/lib/scriptlet/hi',
      './var',
      './var/lib',
      './var/lib/scriptlet',
    ],
  );
  for (const e of entries) t.equal(e.mtime, 1234, `${e.name} mtime`);
  const by = new Map(entries.map((e) => [e.name, e]));
  t.match(by.get('./usr/lib'), { type: 'directory', mode: 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root' });
  t.match(by.get('./usr/lib/scriptlet/hello'), { type: 'file', mode: 0o755, uid: 0, body: '#!/bin/sh\necho hello\n' });
  t.match(by.get('./usr/lib/scriptlet/hi'), { type: 'symlink', linkname: 'hello', uid: 0 });
  t.match(by.get('./var/lib/scriptlet'), { type: 'directory', mode: 0o700, uid: 101, gid: 102, uname: 'agent' });
  t.match(by.get('./usr/bin/setuid-helper'), { mode: 0o4755 });
  t.match(by.get('./etc/scriptlet/manifest.json'), { body: '{}' });
});

t.test('ids without names leave the name fields empty, so tar never maps them through the host passwd', async (t) => {
  const entries = await list(
    Buffer.from(await overlayTar([{ type: 'dir', path: 'var/lib/demo', mode: 0o750, uid: 101, gid: 102 }], { mtime: 0 })),
  );
  const demo = entries.find((e) => e.name === './var/lib/demo');
  t.match(demo, { uid: 101, gid: 102, uname: '', gname: '' });
  t.match(entries.find((e) => e.name === './var/lib'), { uid: 0, uname: 'root' });
});

t.test('GNU tar reads it the same way', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'overlay.tar');
  await writeOverlayTar(file, ENTRIES, { mtime: 1700000000, allowTopLevel: ['init'] });
  const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', file], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  t.match(listing, /-rwxr-xr-x 0\/0 +\d+ 2023-11-14 22:13:20 \.\/usr\/lib\/scriptlet\/hello/);
  t.match(listing, /lrwxrwxrwx 0\/0 .* \.\/usr\/lib\/scriptlet\/hi -> hello/);
  t.match(listing, /-rwsr-xr-x 0\/0 .* \.\/usr\/bin\/setuid-helper/);
  t.match(listing, /drwx------ 101\/102 .* \.\/var\/lib\/scriptlet/);
  t.same(readFileSync(file), await overlayTar(ENTRIES, { mtime: 1700000000, allowTopLevel: ['init'] }));
});

t.test('long and non-ASCII paths survive (pax headers)', async (t) => {
  const long = `usr/share/${'d'.repeat(120)}/${'f'.repeat(120)}`;
  const entries: OverlayEntry[] = [
    { type: 'file', path: long, mode: 0o644, content: 'long' },
    { type: 'file', path: 'usr/share/é', mode: 0o644, content: 'utf8' },
    { type: 'symlink', path: 'usr/share/l', target: `/${'t'.repeat(150)}` },
  ];
  const a = await overlayTar(entries, { mtime: 1 });
  t.ok(a.equals(await overlayTar(entries, { mtime: 1 })));
  const names = (await list(a)).map((e) => e.name);
  t.ok(names.includes(`./${long}`));
  t.ok(names.includes('./usr/share/é'));
  const link = (await list(a)).find((e) => e.name === './usr/share/l');
  t.equal(link?.linkname, `/${'t'.repeat(150)}`);
});

t.test('refuses paths that could escape or collide with host symlinks', async (t) => {
  const cases: Array<[string, OverlayEntry[], RegExp]> = [
    ['absolute', [{ type: 'file', path: '/usr/x', mode: 0o644, content: '' }], /absolute/],
    ['dot-dot', [{ type: 'file', path: 'usr/../etc/passwd', mode: 0o644, content: '' }], /"\.\."/],
    ['leading dot-dot', [{ type: 'file', path: '../x', mode: 0o644, content: '' }], /"\.\."/],
    ['empty component', [{ type: 'file', path: 'usr//x', mode: 0o644, content: '' }], /empty/],
    ['trailing slash', [{ type: 'dir', path: 'usr/x/', mode: 0o755 }], /empty/],
    ['inner dot', [{ type: 'file', path: 'usr/./x', mode: 0o644, content: '' }], /"\."/],
    ['empty path', [{ type: 'file', path: '', mode: 0o644, content: '' }], /empty|outside/],
    ['NUL', [{ type: 'file', path: 'usr/a\0b', mode: 0o644, content: '' }], /NUL/],
    ['merged-usr trap ./bin', [{ type: 'file', path: './bin/x', mode: 0o755, content: '' }], /outside etc, usr, var/],
    ['lib', [{ type: 'file', path: 'lib/x', mode: 0o644, content: '' }], /merged-\/usr/],
    ['root init without allow', [{ type: 'file', path: 'init', mode: 0o755, content: '' }], /outside/],
    [
      'file under a symlink',
      [
        { type: 'symlink', path: 'usr/lib/evil', target: '/etc' },
        { type: 'file', path: 'usr/lib/evil/passwd', mode: 0o644, content: '' },
      ],
      /which is a symlink/,
    ],
    [
      'file under a file',
      [
        { type: 'file', path: 'usr/a', mode: 0o644, content: '' },
        { type: 'file', path: 'usr/a/b', mode: 0o644, content: '' },
      ],
      /which is a file/,
    ],
    [
      'conflicting duplicate',
      [
        { type: 'file', path: 'usr/a', mode: 0o644, content: '1' },
        { type: 'file', path: './usr/a', mode: 0o644, content: '2' },
      ],
      /twice/,
    ],
    ['bad mode', [{ type: 'file', path: 'usr/a', mode: 0o10000, content: '' }], /mode/],
    ['bad uid', [{ type: 'file', path: 'usr/a', mode: 0o644, content: '', uid: -1 }], /owner id/],
    ['uid too big for ustar', [{ type: 'file', path: 'usr/a', mode: 0o644, content: '', uid: 0o1000000 }], /owner id/],
    ['long owner name', [{ type: 'file', path: 'usr/a', mode: 0o644, content: '', uname: 'x'.repeat(40) }], /owner name/],
    ['empty symlink target', [{ type: 'symlink', path: 'usr/a', target: '' }], /target/],
  ];
  for (const [name, entries, message] of cases) {
    await t.rejects(overlayTar(entries, { mtime: 0 }), { constructor: FormatError, code: 'E_ARCHIVE_PATH', message }, name);
  }
});

t.test('identical directories may be listed twice; allowTopLevel widens the set', async (t) => {
  const plan = overlayTarPlan(
    [
      { type: 'dir', path: 'usr/lib', mode: 0o755 },
      { type: 'dir', path: './usr/lib', mode: 0o755 },
      { type: 'file', path: 'init', mode: 0o755, content: '' },
    ],
    { allowTopLevel: ['init'] },
  );
  t.same(
    plan.map((e) => e.path),
    ['init', 'usr', 'usr/lib'],
  );
});

t.test('SOURCE_DATE_EPOCH', async (t) => {
  t.equal(sourceDateEpoch({}), 0);
  t.equal(sourceDateEpoch({}, 99), 99);
  t.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' }), 1700000000);
  t.throws(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: '-1' }), UsageError);
  t.throws(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: '1.5' }), UsageError);
  await t.rejects(overlayTar([], { mtime: -1 }), FormatError);
});
