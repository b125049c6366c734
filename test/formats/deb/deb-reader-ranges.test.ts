import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { readAr } from '../../../src/formats/archive/read-ar.js';
import { bytesSource } from '../../../src/formats/bytes-source.js';
import { debReader } from '../../../src/formats/deb/deb-reader.js';
import { readPackageFile } from '../../../src/formats/read-package-file.js';
import { buildDeb } from '../../helpers/build-deb.js';

t.test('a .deb is read without touching its data member', async (t) => {
  const dir = t.testdir();
  // Random bytes do not compress: the data member stays about as large as the payload.
  const path = buildDeb(dir, 'big', {
    control: 'Package: big\nVersion: 1.0-1\nArchitecture: all\nMaintainer: a <a@b>\nDescription: x\n',
    files: { postinst: '#!/bin/sh\nset -e\nldconfig\n' },
    payload: { 'usr/share/big/blob': randomBytes(2 * 1024 * 1024).toString('base64') },
  });
  const bytes = readFileSync(path);
  const data = readAr(bytes, path).find((m) => m.name.startsWith('data.tar'));
  t.ok(data && data.size > 1024 * 1024, 'the data member is large');

  const reads: [number, number][] = [];
  const inner = bytesSource(bytes);
  const recording = { size: inner.size, read: (offset: number, length: number) => (reads.push([offset, length]), inner.read(offset, length)) };
  const viaRanges = await debReader.readFrom!(recording, path);
  const overlapsData = reads.filter(([offset, length]) => offset < data!.dataOffset + data!.size && offset + length > data!.dataOffset);
  t.same(overlapsData, [], 'no read overlaps the data member');
  const fetched = reads.reduce((n, [, length]) => n + length, 0);
  t.ok(fetched < 64 * 1024, `fetched ${fetched} of ${bytes.length} bytes`);

  t.same(viaRanges, await debReader.read(bytes, path), 'same package as from the bytes in memory');
  t.same(await readPackageFile(path), viaRanges, 'readPackageFile reads the file the same way');
  t.same(viaRanges.scriptlets.map((s) => s.phase), ['postinst']);
});
