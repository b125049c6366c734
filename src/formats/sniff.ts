import { hasPkgInfo } from './arch/arch-reader.js';
import { packageReaders } from './registry.js';
import type { PackageFormat, PackageReader } from './types.js';

export interface SniffOptions {
  /** `bytes` is only the start of the file (see find-package-files). */
  partial?: boolean;
  readers?: ReadonlyMap<PackageFormat, PackageReader>;
}

/**
 * The format of a package file, by content, never by name: an `ar` archive whose first member is
 * `debian-binary` is a deb, the RPM lead magic `ed ab ee db` an rpm. A tar (plain, gzip, xz or
 * zstd) is an Arch package only when its leading entries include `.PKGINFO`, since most tarballs
 * are not packages; that check decompresses only up to the first entry headers.
 */
export async function sniffPackageFormat(bytes: Uint8Array, options: SniffOptions = {}): Promise<PackageFormat | undefined> {
  for (const [format, reader] of options.readers ?? packageReaders) {
    if (!reader.sniff(bytes)) continue;
    if (format === 'arch' && !(await hasPkgInfo(bytes, { partial: options.partial ?? false }))) continue;
    return format;
  }
  return undefined;
}
