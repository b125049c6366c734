import { FormatError } from '../../errors.js';
import { RpmHeader, type HeaderEntry } from './rpm-header.js';
import { rpmTagLabel, RpmType, type RpmTypeCode } from './rpm-tags.js';

export const HEADER_MAGIC = Uint8Array.of(0x8e, 0xad, 0xe8, 0x01);
/** Magic (4), reserved (4), index count (4), data size (4). */
export const HEADER_PREAMBLE_SIZE = 16;
const INDEX_ENTRY_SIZE = 16;

export interface HeaderLimits {
  maxEntries: number;
  maxData: number;
}

/** rpm's lib/header.cc limits (HEADER_TAGS_MAX, HEADER_DATA_MAX) for the main header. */
export const MAIN_HEADER_LIMITS: HeaderLimits = { maxEntries: 0xffff, maxData: 0x0fffffff };
/** rpm's hdrblobVerifyLengths limits for the signature header. */
export const SIGNATURE_HEADER_LIMITS: HeaderLimits = { maxEntries: 32, maxData: 64 * 1024 * 1024 };
/** rpm's HEADER_ARRAY_MAX: element count cap for every type but BIN. */
const MAX_ARRAY_COUNT = 0x000fffff;

const fixedSize: Readonly<Record<number, number>> = {
  [RpmType.NULL]: 0,
  [RpmType.CHAR]: 1,
  [RpmType.INT8]: 1,
  [RpmType.INT16]: 2,
  [RpmType.INT32]: 4,
  [RpmType.INT64]: 8,
  [RpmType.BIN]: 1,
};

/**
 * Parses one header (with magic) starting at `start` in `bytes`. Every length, offset and count is
 * checked against the bytes actually present before it is used, so nothing is allocated or read
 * from an unchecked field. Errors carry the file and the absolute offset of the bad field.
 */
export function parseHeader(
  bytes: Uint8Array,
  start: number,
  file: string,
  limits: HeaderLimits = MAIN_HEADER_LIMITS,
  what = 'header',
): RpmHeader {
  const corrupt = (message: string, offset: number): FormatError =>
    new FormatError('E_FORMAT_CORRUPT', `${what}: ${message}`, { file, offset });

  if (start + HEADER_PREAMBLE_SIZE > bytes.length) {
    throw corrupt(`truncated: needs ${HEADER_PREAMBLE_SIZE} bytes, ${Math.max(0, bytes.length - start)} left`, start);
  }
  for (let i = 0; i < HEADER_MAGIC.length; i++) {
    if (bytes[start + i] !== HEADER_MAGIC[i]) throw corrupt('bad magic (expected 8e ad e8 01)', start);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const il = view.getUint32(start + 8);
  const dl = view.getUint32(start + 12);
  if (il > limits.maxEntries) {
    throw new FormatError('E_FORMAT_LIMIT', `${what}: ${il} index entries (limit ${limits.maxEntries})`, {
      file,
      offset: start + 8,
    });
  }
  if (dl > limits.maxData) {
    throw new FormatError('E_FORMAT_LIMIT', `${what}: data store of ${dl} bytes (limit ${limits.maxData})`, {
      file,
      offset: start + 12,
    });
  }
  const indexStart = start + HEADER_PREAMBLE_SIZE;
  const storeStart = indexStart + il * INDEX_ENTRY_SIZE;
  const end = storeStart + dl;
  if (storeStart > bytes.length) {
    throw corrupt(`truncated index: ${il} entries need ${il * INDEX_ENTRY_SIZE} bytes, ${bytes.length - indexStart} left`, indexStart);
  }
  if (end > bytes.length) {
    throw corrupt(`truncated data store: needs ${dl} bytes, ${bytes.length - storeStart} left`, storeStart);
  }
  const store = bytes.subarray(storeStart, end);

  const entries = new Map<number, HeaderEntry>();
  // Entries of a real header hold disjoint parts of the store. Hostile ones can all point at the
  // same megabyte of NULs with a huge count, and scanning each for its strings is then quadratic
  // (a 232 KB header took 48 s), so the bytes covered by all entries together are bounded.
  const coverBudget = 4 * dl + 65536;
  let covered = 0;
  for (let i = 0; i < il; i++) {
    const at = indexStart + i * INDEX_ENTRY_SIZE;
    const tag = view.getUint32(at);
    const type = view.getUint32(at + 4);
    const offset = view.getUint32(at + 8);
    const count = view.getUint32(at + 12);
    const label = rpmTagLabel(tag);
    if (type > RpmType.I18NSTRING) throw corrupt(`${label}: unknown type ${type}`, at + 4);
    if (offset > dl) throw corrupt(`${label}: data offset ${offset} outside the ${dl}-byte store`, at + 8);
    if (count < 1 || count > dl) throw corrupt(`${label}: count ${count} impossible in a ${dl}-byte store`, at + 12);
    if (type !== RpmType.BIN && count > MAX_ARRAY_COUNT) {
      throw new FormatError('E_FORMAT_LIMIT', `${what}: ${label}: ${count} elements (limit ${MAX_ARRAY_COUNT})`, {
        file,
        offset: at + 12,
      });
    }
    const length = dataLength(type as RpmTypeCode, store, offset, count);
    if (length === 'misaligned') throw corrupt(`${label}: offset ${offset} misaligned for type ${type}`, at + 8);
    if (length === 'string-count') throw corrupt(`${label}: STRING with count ${count}`, at + 12);
    if (length === 'overrun') {
      throw corrupt(`${label}: ${count} element(s) of type ${type} run past the end of the store`, storeStart + offset);
    }
    covered += length;
    if (covered > coverBudget) {
      throw new FormatError('E_FORMAT_LIMIT', `${what}: index entries cover more than ${coverBudget} bytes of a ${dl}-byte store (overlapping data)`, {
        file,
        offset: at,
      });
    }
    // A later entry for the same tag wins, as rpm lets entries appended after the immutable region
    // (installed headers) replace the region's copy.
    entries.set(tag, {
      tag,
      type: type as RpmTypeCode,
      count,
      offset: storeStart + offset,
      data: store.subarray(offset, offset + length),
    });
  }
  return new RpmHeader(file, start, end, entries);
}

/** Byte length of an entry's data, or why it cannot be inside the store. */
function dataLength(
  type: RpmTypeCode,
  store: Uint8Array,
  offset: number,
  count: number,
): number | 'misaligned' | 'string-count' | 'overrun' {
  if (type === RpmType.STRING || type === RpmType.STRING_ARRAY || type === RpmType.I18NSTRING) {
    if (type === RpmType.STRING && count !== 1) return 'string-count';
    let pos = offset;
    for (let i = 0; i < count; i++) {
      const nul = store.indexOf(0, pos);
      if (nul < 0) return 'overrun';
      pos = nul + 1;
    }
    return pos - offset;
  }
  const size = fixedSize[type] ?? 1;
  if (size > 1 && offset % size !== 0) return 'misaligned';
  const length = size * count;
  return length > store.length - offset ? 'overrun' : length;
}

