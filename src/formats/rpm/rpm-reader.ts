import { FormatError } from '../../errors.js';
import type { PackageReader } from '../types.js';
import { packageFromHeader } from './package-from-header.js';
import { MAIN_HEADER_LIMITS, parseHeader, SIGNATURE_HEADER_LIMITS } from './parse-header.js';

const LEAD_MAGIC = Uint8Array.of(0xed, 0xab, 0xee, 0xdb);
/** The legacy lead: magic, version, type, arch, name[66], os, signature type, reserved[16]. */
const LEAD_SIZE = 96;

function startsWith(bytes: Uint8Array, magic: Uint8Array): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
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
    // The signature header is padded so the main header starts on an 8-byte boundary.
    const mainStart = signature.end + ((8 - ((signature.end - signature.start) % 8)) % 8);
    const header = parseHeader(bytes, mainStart, file, MAIN_HEADER_LIMITS, 'header');
    return packageFromHeader(header, file);
  },
};
