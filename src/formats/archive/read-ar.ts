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

const GLOBAL_MAGIC = '!<arch>\n';
const HEADER_SIZE = 60;
const DEFAULT_MAX_MEMBERS = 4096;
const latin1 = new TextDecoder('latin1');

/** True when `bytes` starts with the `ar` global header. */
export function isAr(bytes: Uint8Array): boolean {
  return bytes.length >= GLOBAL_MAGIC.length && latin1.decode(bytes.subarray(0, GLOBAL_MAGIC.length)) === GLOBAL_MAGIC;
}

function field(bytes: Uint8Array, start: number, length: number): string {
  return latin1.decode(bytes.subarray(start, start + length));
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
    if (bytes.length - pos < HEADER_SIZE) {
      throw new FormatError('E_FORMAT_CORRUPT', `truncated ar member header (${bytes.length - pos} of ${HEADER_SIZE} bytes)`, {
        file,
        offset: headerOffset,
      });
    }
    if (bytes[pos + 58] !== 0x60 || bytes[pos + 59] !== 0x0a) {
      throw new FormatError('E_FORMAT_CORRUPT', 'bad ar member header terminator', { file, offset: headerOffset + 58 });
    }
    const rawName = field(bytes, pos, 16).trimEnd();
    const sizeText = field(bytes, pos + 48, 10).trimEnd();
    if (!/^[0-9]+$/.test(sizeText)) {
      throw new FormatError('E_FORMAT_CORRUPT', `bad ar member size field ${JSON.stringify(sizeText)}`, {
        file,
        offset: headerOffset + 48,
      });
    }
    const size = Number(sizeText);
    let dataOffset = pos + HEADER_SIZE;
    const remaining = bytes.length - dataOffset;
    if (size > remaining) {
      throw new FormatError('E_FORMAT_CORRUPT', `ar member ${JSON.stringify(rawName)} claims ${size} bytes but only ${remaining} remain`, {
        file,
        offset: headerOffset + 48,
      });
    }
    let data = bytes.subarray(dataOffset, dataOffset + size);
    let name: string;

    if (rawName.startsWith('#1/')) {
      const nameLength = Number(rawName.slice(3));
      if (!Number.isSafeInteger(nameLength) || nameLength < 0 || nameLength > size) {
        throw new FormatError('E_FORMAT_CORRUPT', `bad BSD long name length in ${JSON.stringify(rawName)}`, { file, offset: headerOffset });
      }
      name = latin1.decode(data.subarray(0, nameLength)).replace(/\0+$/, '');
      data = data.subarray(nameLength);
      dataOffset += nameLength;
    } else if (rawName === '//') {
      gnuNames = latin1.decode(data);
      name = rawName;
    } else if (rawName === '/' || rawName === '/SYM64/') {
      name = rawName;
    } else if (/^\/[0-9]+$/.test(rawName)) {
      const at = Number(rawName.slice(1));
      if (gnuNames === undefined || at >= gnuNames.length) {
        throw new FormatError('E_FORMAT_CORRUPT', `GNU long name ${rawName} has no entry in the name table`, { file, offset: headerOffset });
      }
      const end = gnuNames.indexOf('/\n', at);
      name = gnuNames.slice(at, end === -1 ? undefined : end);
    } else {
      name = rawName.endsWith('/') ? rawName.slice(0, -1) : rawName;
    }

    members.push({ name, headerOffset, dataOffset, size: data.length, data });
    pos = headerOffset + HEADER_SIZE + size;
    if (size % 2 === 1) {
      // Members are padded to an even offset with '\n'. Some writers drop the pad after the last
      // member; dpkg tolerates that, so a missing pad at the very end is not an error.
      if (pos < bytes.length && bytes[pos] !== 0x0a) {
        throw new FormatError('E_FORMAT_CORRUPT', 'bad ar padding byte', { file, offset: pos });
      }
      pos += 1;
    }
  }
  return members;
}
