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
