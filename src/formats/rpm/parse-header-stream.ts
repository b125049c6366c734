import type { Package } from '../types.js';
import { packageFromHeader } from './package-from-header.js';
import { MAIN_HEADER_LIMITS, parseHeader } from './parse-header.js';

/**
 * Packages from back-to-back headers with magic and no padding, as `rpmdb --exportdb` writes them
 * (tools/rpmdb.cc: headerWrite per installed package). Sorted by name, version and arch so the result
 * does not depend on the database's internal order.
 */
export function packagesFromHeaderStream(bytes: Uint8Array, file: string, source: string): Package[] {
  const packages: Package[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const header = parseHeader(bytes, offset, file, MAIN_HEADER_LIMITS, 'installed header');
    packages.push(packageFromHeader(header, source));
    offset = header.end;
  }
  return packages.sort(
    (a, b) => compare(a.name, b.name) || compare(a.version, b.version) || compare(a.arch, b.arch),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
