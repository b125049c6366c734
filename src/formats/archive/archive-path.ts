import { FormatError, type ErrorContext } from '../../errors.js';

/**
 * Normalises a path stored in an archive (`./postinst` -> `postinst`, `./` -> `.`) and rejects the
 * ones that could point outside wherever the archive would be unpacked: absolute paths, `..`
 * segments and NUL bytes. Nothing is unpacked here, but a hostile path is evidence of a hostile
 * file, and later stages (the appliance writer) must never see one.
 */
export function normaliseArchivePath(raw: string, context: ErrorContext): string {
  // A hostile name can be megabytes long: the message quotes its start only.
  const shown = raw.length > 160 ? `${raw.slice(0, 160)}…` : raw;
  const fail = (why: string): FormatError =>
    new FormatError('E_ARCHIVE_PATH', `unsafe path ${JSON.stringify(shown)} in archive: ${why}`, context);
  if (raw.includes('\0')) throw fail('contains a NUL byte');
  if (raw.startsWith('/')) throw fail('absolute path');
  const parts: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') throw fail('contains a ".." segment');
    parts.push(segment);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}
