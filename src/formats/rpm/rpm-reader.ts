import { FormatError } from '../../errors.js';
import type { ByteSource, PackageReader } from '../types.js';
import { packageFromHeader } from './package-from-header.js';
import {
  HEADER_MAGIC,
  HEADER_PREAMBLE_SIZE,
  MAIN_HEADER_LIMITS,
  parseHeader,
  SIGNATURE_HEADER_LIMITS,
  type HeaderLimits,
} from './parse-header.js';

const LEAD_MAGIC = Uint8Array.of(0xed, 0xab, 0xee, 0xdb);
/** The legacy lead: magic, version, type, arch, name[66], os, signature type, reserved[16]. */
const LEAD_SIZE = 96;

function startsWith(bytes: Uint8Array, magic: Uint8Array): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

/** Index entries are 16 bytes: tag, type, offset, count. */
const INDEX_ENTRY_SIZE = 16;

/**
 * Where the header starting at `start` ends, from its preamble alone; undefined when the preamble
 * is missing, bad, or over the limits, so that parsing reports the problem as it would in the
 * whole file.
 */
function headerEnd(bytes: Uint8Array, start: number, limits: HeaderLimits): number | undefined {
  if (bytes.length < start + HEADER_PREAMBLE_SIZE) return undefined;
  if (!HEADER_MAGIC.every((b, i) => bytes[start + i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + start + 8, 8);
  const il = view.getUint32(0);
  const dl = view.getUint32(4);
  if (il > limits.maxEntries || dl > limits.maxData) return undefined;
  return start + HEADER_PREAMBLE_SIZE + il * INDEX_ENTRY_SIZE + dl;
}

/** The signature header is padded so the main header starts on an 8-byte boundary. */
function mainHeaderStart(signatureEnd: number): number {
  return signatureEnd + ((8 - ((signatureEnd - LEAD_SIZE) % 8)) % 8);
}

function parseRpm(bytes: Uint8Array, file: string) {
  if (bytes.length < LEAD_SIZE) {
    throw new FormatError('E_FORMAT_CORRUPT', `rpm lead truncated: ${bytes.length} of ${LEAD_SIZE} bytes`, {
      file,
      offset: 0,
    });
  }
  if (!startsWith(bytes, LEAD_MAGIC)) {
    throw new FormatError('E_FORMAT_UNKNOWN', 'not an rpm package (bad lead magic)', { file, offset: 0 });
  }
  const signature = parseHeader(bytes, LEAD_SIZE, file, SIGNATURE_HEADER_LIMITS, 'signature header');
  const header = parseHeader(bytes, mainHeaderStart(signature.end), file, MAIN_HEADER_LIMITS, 'header');
  return packageFromHeader(header, file);
}

/**
 * Lead, signature header and main header are contiguous from the start of the file: three reads
 * of a growing prefix (each preamble says how long its header is) fetch exactly them. Whatever
 * the preambles cannot tell is left to the parser, over the bytes read so far.
 */
async function readRpmFrom(source: ByteSource, file: string) {
  let bytes = await source.read(0, LEAD_SIZE + HEADER_PREAMBLE_SIZE);
  const signatureEnd = headerEnd(bytes, LEAD_SIZE, SIGNATURE_HEADER_LIMITS);
  if (signatureEnd !== undefined && startsWith(bytes, LEAD_MAGIC)) {
    const mainStart = mainHeaderStart(signatureEnd);
    bytes = await source.read(0, mainStart + HEADER_PREAMBLE_SIZE);
    const mainEnd = headerEnd(bytes, mainStart, MAIN_HEADER_LIMITS);
    if (mainEnd !== undefined) bytes = await source.read(0, mainEnd);
  }
  return parseRpm(bytes, file);
}

/**
 * Reads an .rpm file's lead, signature header and main header; the payload after them is never
 * touched, since every scriptlet lives in the main header. Like rpm >= 4.14, only the lead's magic
 * is checked: its other fields are legacy.
 */
export const rpmReader: PackageReader = {
  format: 'rpm',
  sniff(head: Uint8Array): boolean {
    return startsWith(head, LEAD_MAGIC);
  },
  async read(bytes: Uint8Array, file: string) {
    return parseRpm(bytes, file);
  },
  readFrom: readRpmFrom,
};
