import { createHash } from 'node:crypto';
import t, { type Test } from 'tap';
import { FormatError } from '../../../src/errors.js';
import { decompress, decompressChunks, sniffCompression } from '../../../src/formats/archive/decompress.js';
import { MAX_ZSTD_WINDOW } from '../../../src/formats/archive/zstd-frames.js';
import { compressWith } from '../../helpers/make-archives.js';

const context = { file: 'pkg.deb', member: 'control.tar.x', offset: 120 };
const sample = Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i} ${(i * 7919) % 1000}\n`).join(''));

async function expectFormatError(t: Test, promise: Promise<unknown>, code: string): Promise<FormatError | undefined> {
  try {
    await promise;
    t.fail(`expected ${code}`);
    return undefined;
  } catch (e) {
    t.type(e, FormatError, 'a FormatError, not another exception');
    const err = e as FormatError;
    t.equal(err.code, code);
    t.match(err.toOneLine(), /^pkg\.deb:control\.tar\.x \(offset \d+\): /);
    return err;
  }
}

t.test('round trip through the real tools, by magic', async (t) => {
  for (const tool of ['gzip', 'xz', 'zstd'] as const) {
    const packed = compressWith(tool, sample);
    t.equal(sniffCompression(packed), tool);
    t.same(Buffer.from(await decompress(packed, { context })), sample, tool);
  }
  t.equal(sniffCompression(sample), 'none');
  t.same(Buffer.from(await decompress(sample, { context })), sample);
});

t.test('concatenated gzip members and zstd frames', async (t) => {
  const a = Buffer.from('first part\n');
  const b = Buffer.from('second part\n');
  for (const tool of ['gzip', 'zstd'] as const) {
    const joined = Buffer.concat([compressWith(tool, a), compressWith(tool, b)]);
    t.equal(Buffer.from(await decompress(joined, { context })).toString(), 'first part\nsecond part\n', tool);
  }
});

t.test('bombs over the limit give E_FORMAT_LIMIT', async (t) => {
  const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
  for (const tool of ['gzip', 'xz', 'zstd'] as const) {
    const bomb = compressWith(tool, big);
    t.ok(bomb.length < 64 * 1024, `${tool} bomb is small (${bomb.length} bytes)`);
    const err = await expectFormatError(t, decompress(bomb, { context, limit: 1024 * 1024 }), 'E_FORMAT_LIMIT');
    t.match(err?.message, /exceeds the limit of 1048576 bytes/);
  }
  // Streamed zstd (no content size in the header) is caught while decoding, not from the header.
  const streamed = compressWith('zstd', big, ['--no-content-size']);
  await expectFormatError(t, decompress(streamed, { context, limit: 1024 * 1024 }), 'E_FORMAT_LIMIT');
  await expectFormatError(t, decompress(big, { context, limit: 1024 }), 'E_FORMAT_LIMIT');
});

t.test('a zstd frame declaring a huge window is refused before decoding', async (t) => {
  // Magic, descriptor 0 (no single segment, no size), window descriptor exponent 21 -> 2 GiB.
  const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3, 0x01, 0x00, 0x00]);
  const err = await expectFormatError(t, decompress(frame, { context }), 'E_FORMAT_LIMIT');
  t.match(err?.message, new RegExp(`limit ${MAX_ZSTD_WINDOW}`));
});

t.test('garbage and truncation give E_FORMAT_CORRUPT', async (t) => {
  const cases: Array<[string, Uint8Array]> = [
    ['gzip header then garbage', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(40, 0xee)])],
    ['xz magic then garbage', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(40, 0xee)])],
    ['zstd magic then garbage', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(40, 0xee)])],
    ['zstd with trailing junk', Buffer.concat([compressWith('zstd', sample), Buffer.from('junk-junk-junk')])],
  ];
  for (const tool of ['gzip', 'xz', 'zstd'] as const) {
    const packed = compressWith(tool, sample);
    for (const cut of [10, Math.floor(packed.length / 2), packed.length - 3]) cases.push([`${tool} cut at ${cut}`, packed.subarray(0, cut)]);
  }
  for (const [name, bytes] of cases) {
    t.test(name, async (t) => {
      await expectFormatError(t, decompress(bytes, { context }), 'E_FORMAT_CORRUPT');
    });
  }
});

t.test('partial input ends the output instead of failing', async (t) => {
  for (const tool of ['gzip', 'xz', 'zstd'] as const) {
    // Several zstd blocks (each at most 128 KiB of output) of similar compressed size: the
    // decoder emits whole blocks only.
    const input = Buffer.from(Array.from({ length: 20_000 }, (_, i) => createHash('sha256').update(String(i)).digest('hex')).join('\n'));
    const packed = compressWith(tool, input);
    let got = 0;
    for await (const chunk of decompressChunks(packed.subarray(0, Math.floor(packed.length / 2)), { context, partial: true })) got += chunk.length;
    t.ok(got > 0 && got < input.length, `${tool}: ${got} of ${input.length} bytes from half the input`);
  }
});

t.test('a consumer can stop early', async (t) => {
  const packed = compressWith('xz', Buffer.alloc(4 * 1024 * 1024, 0x62));
  let chunks = 0;
  for await (const _ of decompressChunks(packed, { context })) {
    chunks += 1;
    break;
  }
  t.equal(chunks, 1);
});
