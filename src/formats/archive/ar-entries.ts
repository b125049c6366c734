import { FormatError } from '../../errors.js';
import type { ByteSource } from '../types.js';
import { AR_HEADER_SIZE, bsdName, bsdNameLength, GLOBAL_MAGIC, isAr, nextHeaderOffset, parseArHeader, plainArName } from './read-ar.js';

/** One member of an `ar` archive read through a ByteSource: where its data is, not the data. */
export interface ArEntry {
  name: string;
  headerOffset: number;
  dataOffset: number;
  size: number;
}

const latin1 = new TextDecoder('latin1');

/**
 * The members of an `ar` archive in order, reading only headers (and the long-name table, and BSD
 * long names): the caller reads the data of the members it wants, and stops iterating when it has
 * them, so the rest of the archive is never touched. The checks are readAr's, with the same errors
 * and offsets, applied to each member as it is reached.
 */
export async function* arEntries(source: ByteSource, file: string): AsyncGenerator<ArEntry> {
  if (!isAr(await source.read(0, GLOBAL_MAGIC.length))) {
    throw new FormatError('E_FORMAT_CORRUPT', 'not an ar archive (bad global header)', { file, offset: 0 });
  }
  let gnuNames: string | undefined;
  let pos = GLOBAL_MAGIC.length;
  while (pos < source.size) {
    const headerOffset = pos;
    const header = parseArHeader(await source.read(pos, AR_HEADER_SIZE), headerOffset, source.size, file);
    let dataOffset = pos + AR_HEADER_SIZE;
    let size = header.size;
    let name: string;
    const nameLength = bsdNameLength(header, headerOffset, file);
    if (nameLength !== undefined) {
      name = bsdName(await source.read(dataOffset, nameLength));
      dataOffset += nameLength;
      size -= nameLength;
    } else {
      name = plainArName(header.rawName, gnuNames, headerOffset, file);
      if (header.rawName === '//') gnuNames = latin1.decode(await source.read(dataOffset, size));
    }
    yield { name, headerOffset, dataOffset, size };
    const end = headerOffset + AR_HEADER_SIZE + header.size;
    const pad = header.size % 2 === 1 && end < source.size ? (await source.read(end, 1))[0] : undefined;
    pos = nextHeaderOffset(end, header.size, pad, file);
  }
}
