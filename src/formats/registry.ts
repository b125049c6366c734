import { archReader } from './arch/arch-reader.js';
import { debReader } from './deb/deb-reader.js';
import { rpmReader } from './rpm/rpm-reader.js';
import type { PackageFormat, PackageReader } from './types.js';

/** Every package reader, by format; the order is the order sniffing tries them. */
export const packageReaders: ReadonlyMap<PackageFormat, PackageReader> = new Map<PackageFormat, PackageReader>([
  ['deb', debReader],
  ['rpm', rpmReader],
  ['arch', archReader],
]);
