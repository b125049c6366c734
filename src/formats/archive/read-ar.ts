import { FormatError } from '../../errors.js';

/** One member of a Unix `ar` archive; `data` is a view into the input, not a copy. */
export interface ArMember {
  name: string;
  /** Offset of the member's 60-byte header in the archive. */
  headerOffset: number;
  /** Offset of the member's data in the archive. */
  dataOffset: number;
  size: number;
  data: Uint8Array;
}

export interface ReadArOptions {
  /** Stop after this many members (the ones a caller needs come first in a .deb). */
  maxMembers?: number;
}

export const GLOBAL_MAGIC = '!<arch>\n';
export const AR_HEADER_SIZE = 60;
const HEADER_SIZE = AR_HEADER_SIZE;
const DEFAULT_MAX_MEMBERS = 4096;
const latin1 = new TextDecoder('latin1');

/** True when `bytes` starts with the `ar` global header. */
export function isAr(bytes: Uint8Array): boolean {
  return bytes.length >= GLOBAL_MAGIC.length && latin1.decode(bytes.subarray(0, GLOBAL_MAGIC.length)) === GLOBAL_MAGIC;
}

function field(bytes: Uint8Array, start: number, length: number): string {
  return latin1.decode(bytes.subarray(start, start + length));
}

/** A member header's fields, checked against the archive's size. */
export interface ArHeader {
  /** The 16-byte name field without trailing spaces (`debian-binary/`, `#1/20`, `/12`, `//`). */
  rawName: string;
  /** Bytes after the header, including a BSD long name. */
  size: number;
}

/**
 * Checks the 60-byte header at `headerOffset`: `header` holds the archive's bytes from there (at
 * most 60 are looked at), `archiveSize` is the whole archive's length, so a size field is checked
 * against the bytes really there before anything is read or sliced.
 */
export function parseArHeader(header: Uint8Array, headerOffset: number, archiveSize: number, file: string): ArHeader {
  const left = archiveSize - headerOffset;
  if (left < HEADER_SIZE || header.length < HEADER_SIZE) {
    throw new FormatError('E_FORMAT_CORRUPT', `truncated ar member header (${left} of ${HEADER_SIZE} bytes)`, {
      file,
      offset: headerOffset,
    });
  }
  if (header[58] !== 0x60 || header[59] !== 0x0a) {
    throw new FormatError('E_FORMAT_CORRUPT', 'bad ar member header terminator', { file, offset: headerOffset + 58 });
  }
  const rawName = field(header, 0, 16).trimEnd();
  const sizeText = field(header, 48, 10).trimEnd();
  if (!/^[0-9]+$/.test(sizeText)) {
    throw new FormatError('E_FORMAT_CORRUPT', `bad ar member size field ${JSON.stringify(sizeText)}`, {
      file,
      offset: headerOffset + 48,
    });
  }
  const size = Number(sizeText);
  const remaining = archiveSize - headerOffset - HEADER_SIZE;
  if (size > remaining) {
    throw new FormatError('E_FORMAT_CORRUPT', `ar member ${JSON.stringify(rawName)} claims ${size} bytes but only ${remaining} remain`, {
      file,
      offset: headerOffset + 48,
    });
  }
  return { rawName, size };
}

/** The length of a BSD long name (`#1/N`, the name being the first N data bytes), else undefined. */
export function bsdNameLength(header: ArHeader, headerOffset: number, file: string): number | undefined {
  if (!header.rawName.startsWith('#1/')) return undefined;
  const nameLength = Number(header.rawName.slice(3));
  if (!Number.isSafeInteger(nameLength) || nameLength < 0 || nameLength > header.size) {
    throw new FormatError('E_FORMAT_CORRUPT', `bad BSD long name length in ${JSON.stringify(header.rawName)}`, { file, offset: headerOffset });
  }
  return nameLength;
}

/** Decodes a BSD long name from its data bytes. */
export function bsdName(nameBytes: Uint8Array): string {
  return latin1.decode(nameBytes).replace(/\0+$/, '');
}

/**
 * A member's name for every header kind but BSD: GNU `/N` names are looked up in the `//` table
 * (`gnuNames`), the symbol tables and `//` keep their raw names, and a GNU trailing `/` goes.
 */
export function plainArName(rawName: string, gnuNames: string | undefined, headerOffset: number, file: string): string {
  if (rawName === '//' || rawName === '/' || rawName === '/SYM64/') return rawName;
  if (/^\/[0-9]+$/.test(rawName)) {
    const at = Number(rawName.slice(1));
    if (gnuNames === undefined || at >= gnuNames.length) {
      throw new FormatError('E_FORMAT_CORRUPT', `GNU long name ${rawName} has no entry in the name table`, { file, offset: headerOffset });
    }
    const end = gnuNames.indexOf('/\n', at);
    return gnuNames.slice(at, end === -1 ? undefined : end);
  }
  return rawName.endsWith('/') ? rawName.slice(0, -1) : rawName;
}

/**
 * Where the next header starts after a member of `size` bytes whose data ends at `end`. Members are padded to an
 * even offset with '\n'; `padByte` is the byte at `end` (undefined at the end of the archive). Some
 * writers drop the pad after the last member; dpkg tolerates that, so a missing pad at the very end
 * is not an error.
 */
export function nextHeaderOffset(end: number, size: number, padByte: number | undefined, file: string): number {
  if (size % 2 === 0) return end;
  if (padByte !== undefined && padByte !== 0x0a) {
    throw new FormatError('E_FORMAT_CORRUPT', 'bad ar padding byte', { file, offset: end });
  }
  return end + 1;
}

/**
 * Parses a Unix `ar` archive (the container of a .deb). Every size is checked against the bytes
 * that are really there before anything is sliced, so a lying header cannot make us read past the
 * end or allocate. GNU (`name/`, `//` table, `/N`) and BSD (`#1/N`) long names are resolved; the
 * GNU symbol table (`/`, `/SYM64/`) is skipped.
 */
export function readAr(bytes: Uint8Array, file: string, options: ReadArOptions = {}): ArMember[] {
  if (!isAr(bytes)) {
    throw new FormatError('E_FORMAT_CORRUPT', 'not an ar archive (bad global header)', { file, offset: 0 });
  }
  const maxMembers = options.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const members: ArMember[] = [];
  let gnuNames: string | undefined;
  let pos = GLOBAL_MAGIC.length;

  while (pos < bytes.length && members.length < maxMembers) {
    const headerOffset = pos;
    const header = parseArHeader(bytes.subarray(pos, pos + HEADER_SIZE), headerOffset, bytes.length, file);
    let dataOffset = pos + HEADER_SIZE;
    let data = bytes.subarray(dataOffset, dataOffset + header.size);
    let name: string;
    const nameLength = bsdNameLength(header, headerOffset, file);
    if (nameLength !== undefined) {
      name = bsdName(data.subarray(0, nameLength));
      data = data.subarray(nameLength);
      dataOffset += nameLength;
    } else {
      name = plainArName(header.rawName, gnuNames, headerOffset, file);
      if (header.rawName === '//') gnuNames = latin1.decode(data);
    }
    members.push({ name, headerOffset, dataOffset, size: data.length, data });
    const end = headerOffset + HEADER_SIZE + header.size;
    pos = nextHeaderOffset(end, header.size, bytes[end], file);
  }
  return members;
}
