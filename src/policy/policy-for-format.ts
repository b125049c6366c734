import type { PackageFormat } from '../formats/types.js';

/** The shipped policy each package format is classified with when no `--policy` is given. */
export const policyForFormat: Readonly<Record<PackageFormat, string>> = {
  deb: 'debian',
  rpm: 'fedora',
  arch: 'arch',
};
