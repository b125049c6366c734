import { FormatError, type ErrorContext } from '../../errors.js';

/**
 * Largest window we let a frame declare: 128 MiB is what `zstd --ultra -22` uses; a frame that
 * asks for more would make the decoder allocate that much before producing a byte.
 */
export const MAX_ZSTD_WINDOW = 128 * 1024 * 1024;

const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_COMPRESSED = 2;
const BLOCK_RESERVED = 3;
const LITERALS_COMPRESSED = 2;
/** fzstd reads Huffman weight tables with an accuracy log of at most 6 and refuses larger ones. */
const MAX_WEIGHTS_ACCURACY_LOG = 6;

function u32le(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

function uintLe(bytes: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + (bytes[at + i] ?? 0);
  return value;
}

/**
 * Walks every zstd frame and block header (RFC 8878) without decoding, so that truncation, garbage
 * and oversized windows or declared sizes are reported before the decoder allocates anything.
 * Offsets in errors are relative to the start of the compressed data plus `context.offset`.
 * With `partial`, the input is a prefix and running out of bytes just ends the walk.
 */
export function checkZstdFrames(bytes: Uint8Array, limit: number, context: ErrorContext, partial = false): void {
  const base = context.offset ?? 0;
  class Truncated extends Error {}
  const corrupt = (message: string, at: number): Error =>
    partial && message.startsWith('truncated')
      ? new Truncated()
      : new FormatError('E_FORMAT_CORRUPT', `bad zstd data: ${message}`, { ...context, offset: base + at });
  try {
    walk();
  } catch (e) {
    if (!(e instanceof Truncated)) throw e;
  }

  function walk(): void {
    let pos = 0;
    let declaredTotal = 0;
    while (pos < bytes.length) {
      if (bytes.length - pos < 8) throw corrupt('truncated frame header', pos);
      const magic = u32le(bytes, pos);
      if ((magic & 0xfffffff0) === 0x184d2a50) {
        const size = u32le(bytes, pos + 4);
        if (size > bytes.length - pos - 8) throw corrupt('truncated skippable frame', pos);
        pos += 8 + size;
        continue;
      }
      if (magic !== ZSTD_MAGIC) throw corrupt('bad frame magic', pos);
      const frameStart = pos;
      const descriptor = bytes[pos + 4] ?? 0;
      pos += 5;
      const fcsFlag = descriptor >> 6;
      const singleSegment = (descriptor >> 5) & 1;
      const hasChecksum = (descriptor >> 2) & 1;
      const dictFlag = descriptor & 3;
      if (descriptor & 0x08) throw corrupt('reserved bit set in frame header', frameStart + 4);
      let window = 0;
      if (!singleSegment) {
        const wd = bytes[pos] ?? 0;
        const windowBase = 2 ** (10 + (wd >> 3));
        window = windowBase + (windowBase / 8) * (wd & 7);
        pos += 1;
      }
      pos += [0, 1, 2, 4][dictFlag] ?? 0;
      const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
      if (pos + fcsSize > bytes.length) throw corrupt('truncated frame header', frameStart);
      let contentSize: number | undefined;
      if (fcsSize > 0) contentSize = uintLe(bytes, pos, fcsSize) + (fcsSize === 2 ? 256 : 0);
      pos += fcsSize;
      if (singleSegment) window = contentSize ?? 0;
      if (window > MAX_ZSTD_WINDOW) {
        throw new FormatError('E_FORMAT_LIMIT', `zstd frame declares a ${window}-byte window (limit ${MAX_ZSTD_WINDOW})`, {
          ...context,
          offset: base + frameStart,
        });
      }
      if (contentSize !== undefined) {
        declaredTotal += contentSize;
        if (declaredTotal > limit) {
          throw new FormatError('E_FORMAT_LIMIT', `decompressed data exceeds the limit of ${limit} bytes (declared by the zstd frame)`, {
            ...context,
            offset: base + frameStart,
            hint: 'the file may be a decompression bomb; raise the limit only for a trusted file',
          });
        }
      }
      for (;;) {
        if (bytes.length - pos < 3) throw corrupt('truncated block header', pos);
        const header = uintLe(bytes, pos, 3);
        const last = header & 1;
        const type = (header >> 1) & 3;
        const size = header >>> 3;
        if (type === BLOCK_RESERVED) throw corrupt('reserved block type', pos);
        const payload = type === 1 ? 1 : size;
        if (payload > bytes.length - pos - 3) throw corrupt('truncated block', pos);
        if (type === BLOCK_COMPRESSED) checkHuffmanWeights(bytes, pos + 3, pos + 3 + payload, corrupt);
        pos += 3 + payload;
        if (last) break;
      }
      if (hasChecksum) {
        if (bytes.length - pos < 4) throw corrupt('truncated frame checksum', pos);
        pos += 4;
      }
    }
  }
}

/** `count` bits (at most 17) at bit position `bit`, least significant first, as RFC 8878 reads them. */
function bitsAt(bytes: Uint8Array, bit: number, count: number): number {
  const at = bit >> 3;
  const word = (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24);
  return (word >>> (bit & 7)) & ((1 << count) - 1);
}

/**
 * The FSE-coded Huffman weights of a compressed literals section (RFC 8878 4.2.1.2) must not give
 * one symbol the whole table: every state then reads 0 bits, and fzstd's weight-decoding loop,
 * which ends only when the bit position moves, never ends (found by fuzzing, see
 * docs/fuzzing.md). zstd's encoder never writes such a table (it stores the weights directly), so
 * refusing it loses no real package. Only the table description is read, following the
 * normalized-count decoding of RFC 8878 4.1.1; every loop is bounded by the 256 symbols.
 */
function checkHuffmanWeights(bytes: Uint8Array, start: number, end: number, corrupt: (message: string, at: number) => Error): void {
  const b0 = bytes[start] ?? 0;
  if ((b0 & 3) !== LITERALS_COMPRESSED) return;
  const headerSize = [3, 3, 4, 5][(b0 >> 2) & 3] as number;
  const tree = start + headerSize;
  if (tree >= end) return;
  const treeHeader = bytes[tree] ?? 0;
  // 128 and above: the weights are stored directly, 4 bits each.
  if (treeHeader >= 128 || treeHeader === 0) return;
  const table = tree + 1;
  const tableEnd = Math.min(end, table + treeHeader);
  const accuracyLog = ((bytes[table] ?? 0) & 15) + 5;
  if (accuracyLog > MAX_WEIGHTS_ACCURACY_LOG) return;
  const size = 1 << accuracyLog;
  let remaining = size + 1;
  let threshold = size;
  let nbBits = accuracyLog + 1;
  let bit = table * 8 + 4;
  let symbol = 0;
  while (remaining > 1 && symbol <= 255 && bit < tableEnd * 8) {
    const max = 2 * threshold - 1 - remaining;
    let value: number;
    const low = bitsAt(bytes, bit, nbBits - 1);
    if (low < max) {
      value = low;
      bit += nbBits - 1;
    } else {
      value = bitsAt(bytes, bit, nbBits);
      if (value >= threshold) value -= max;
      bit += nbBits;
    }
    const count = value - 1;
    if (count === size) throw corrupt('a Huffman weight table gives one symbol every state', table);
    remaining -= count < 0 ? -count : count;
    symbol++;
    if (count === 0) {
      // Zero-probability symbols: 2-bit repeat counts, 3 meaning "and more".
      for (let repeat = 3; repeat === 3 && symbol <= 255; ) {
        repeat = bitsAt(bytes, bit, 2);
        bit += 2;
        symbol += repeat;
      }
    }
    while (remaining < threshold && nbBits > 1) {
      nbBits--;
      threshold >>= 1;
    }
  }
}
