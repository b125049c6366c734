/** RPM inputs the fuzzer (bench/fuzz, docs/fuzzing.md) found to be accepted when they must not be. */
import t from 'tap';
import { FormatError } from '../../../src/errors.js';
import { rpmReader } from '../../../src/formats/rpm/rpm-reader.js';
import { RpmTag, RpmType } from '../../../src/formats/rpm/rpm-tags.js';
import { writeRpmFile, writeRpmHeader, type HeaderTag } from '../../helpers/write-rpm-header.js';

const signature = writeRpmHeader([{ tag: 1000, type: RpmType.INT32, value: [0] }]);

function rpmWith(name: string, version: string): Uint8Array {
  const tags: HeaderTag[] = [
    { tag: RpmTag.NAME, type: RpmType.STRING, value: name },
    { tag: RpmTag.VERSION, type: RpmType.STRING, value: version },
    { tag: RpmTag.RELEASE, type: RpmType.STRING, value: '1' },
    { tag: RpmTag.ARCH, type: RpmType.STRING, value: 'noarch' },
    { tag: RpmTag.POSTIN, type: RpmType.STRING, value: 'echo hi\n' },
  ];
  return writeRpmFile(signature, writeRpmHeader(tags));
}

t.test('an empty NAME or VERSION is refused, like a missing one', async (t) => {
  // Found by the rpm target: a NUL where the name starts gave a package named ''.
  for (const [name, version] of [
    ['', '1.0'],
    ['pkg', ''],
  ] as const) {
    await t.rejects(rpmReader.read(rpmWith(name, version), 'empty.rpm'), { constructor: FormatError, code: 'E_FORMAT_CORRUPT', message: /lacks NAME, VERSION or RELEASE/ });
  }
  const ok = await rpmReader.read(rpmWith('pkg', '1.0'), 'ok.rpm');
  t.equal(ok.name, 'pkg');
  t.equal(ok.version, '1.0-1');
});

t.test('index entries that all cover the same store are refused in linear time', async (t) => {
  // Each entry a STRING_ARRAY of `dl` empty strings at offset 0: scanning them all was quadratic.
  const il = 2000;
  const dl = 200_000;
  const header = new Uint8Array(16 + il * 16 + dl);
  const view = new DataView(header.buffer);
  header.set([0x8e, 0xad, 0xe8, 0x01]);
  view.setUint32(8, il);
  view.setUint32(12, dl);
  for (let i = 0; i < il; i++) {
    const at = 16 + i * 16;
    view.setUint32(at, 5000 + i);
    view.setUint32(at + 4, RpmType.STRING_ARRAY);
    view.setUint32(at + 8, 0);
    view.setUint32(at + 12, dl);
  }
  const started = Date.now();
  await t.rejects(rpmReader.read(writeRpmFile(signature, header), 'overlap.rpm'), {
    constructor: FormatError,
    code: 'E_FORMAT_LIMIT',
    message: /overlapping data/,
  });
  t.ok(Date.now() - started < 5000, `refused in ${Date.now() - started} ms`);
});
