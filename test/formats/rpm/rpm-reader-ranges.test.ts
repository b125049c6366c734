import { readFileSync } from 'node:fs';
import t from 'tap';
import { isScriptletError } from '../../../src/errors.js';
import { bytesSource } from '../../../src/formats/bytes-source.js';
import { readPackageFile } from '../../../src/formats/read-package-file.js';
import { MAIN_HEADER_LIMITS, parseHeader, SIGNATURE_HEADER_LIMITS } from '../../../src/formats/rpm/parse-header.js';
import { rpmReader } from '../../../src/formats/rpm/rpm-reader.js';
import type { ByteSource } from '../../../src/formats/types.js';
import { buildRpm } from '../../helpers/build-rpm.js';
import { alphaSpec } from '../../helpers/rpm-fixture-specs.js';

function recording(bytes: Uint8Array): { source: ByteSource; reads: [number, number][] } {
  const inner = bytesSource(bytes);
  const reads: [number, number][] = [];
  return { reads, source: { size: inner.size, read: (offset, length) => (reads.push([offset, length]), inner.read(offset, length)) } };
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await run() };
  } catch (e) {
    if (!isScriptletError(e)) throw e;
    return { name: e.name, code: e.code, message: e.message, context: e.context };
  }
}

t.test('an .rpm is read up to the end of its main header, never its payload', async (t) => {
  const dir = t.testdir();
  const file = await buildRpm(dir, 'alpha', alphaSpec);
  const bytes = readFileSync(file);
  const signature = parseHeader(bytes, 96, file, SIGNATURE_HEADER_LIMITS, 'signature header');
  const mainStart = signature.end + ((8 - ((signature.end - signature.start) % 8)) % 8);
  const main = parseHeader(bytes, mainStart, file, MAIN_HEADER_LIMITS, 'header');
  t.ok(main.end < bytes.length, 'a payload follows the main header');

  const { source, reads } = recording(bytes);
  const viaRanges = await rpmReader.readFrom!(source, file);
  t.ok(reads.every(([offset, length]) => offset + length <= main.end), `reads ${JSON.stringify(reads)} stop at ${main.end} of ${bytes.length}`);
  t.same(viaRanges, await rpmReader.read(bytes, file), 'same package as from the whole file');
  t.same(await readPackageFile(file), viaRanges, 'readPackageFile takes the ranged path');

  // Truncated anywhere, or with a hostile preamble, the ranged read fails as the whole-file read does.
  const hostile = Buffer.from(bytes);
  hostile.writeUInt32BE(0xffffffff, 96 + 8);
  const hostileMain = Buffer.from(bytes);
  hostileMain.writeUInt32BE(0x7fffffff, mainStart + 12);
  const badMagic = Buffer.from(bytes);
  badMagic[mainStart] = 0;
  const cases: [string, Uint8Array][] = [
    ['lead only', bytes.subarray(0, 90)],
    ['signature preamble cut', bytes.subarray(0, 100)],
    ['signature store cut', bytes.subarray(0, signature.end - 3)],
    ['main preamble cut', bytes.subarray(0, mainStart + 8)],
    ['main store cut', bytes.subarray(0, main.end - 1)],
    ['signature entry count over the limit', hostile],
    ['main store size over the limit', hostileMain],
    ['main header bad magic', badMagic],
  ];
  for (const [name, cut] of cases) {
    const whole = await outcome(() => rpmReader.read(cut, file));
    t.match(whole, { code: /^E_FORMAT_/ }, `${name}: an error`);
    t.same(await outcome(() => rpmReader.readFrom!(bytesSource(cut), file)), whole, `${name}: the same error`);
  }
});
