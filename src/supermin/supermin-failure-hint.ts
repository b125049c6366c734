/**
 * Turns what supermin printed before failing into advice. supermin's own messages name the
 * symptom (a missing kernel, a full filesystem) but not what to change in a scriptlet build.
 */
const RULES: ReadonlyArray<[pattern: RegExp, hint: string]> = [
  [
    /failed to find a suitable kernel/,
    'no kernel for the ext2 appliance: install a kernel package (Debian: linux-image-amd64) or let scriptlet fetch one into its cache and pass it through SUPERMIN_KERNEL/SUPERMIN_MODULES',
  ],
  [
    /(vmlinu[xz][^\n]*Permission denied|Permission denied[^\n]*vmlinu[xz])/,
    'the host kernel is readable only by root (Ubuntu installs /boot/vmlinuz-* mode 0600): use a fetched kernel through SUPERMIN_KERNEL, or build as root',
  ],
  [
    /none of the packages listed on the command line seem to be installed/,
    'supermin copies packages from the host: every package named must be installed on the build machine',
  ],
  [/No space left on device/, 'the ext2 image is too small for the packages and kernel modules: give a larger appliance size'],
  [/cannot parse size field/, 'the appliance size must be a whole number of KiB, MiB or GiB'],
  [
    /(Temporary failure resolving|Could not resolve|Failed to fetch|Unable to fetch)/,
    'supermin --prepare downloads packages that carry configuration files; without network, prepare with --use-installed',
  ],
  [/TMPDIR must be an absolute path/, 'set TMPDIR to an absolute path (or unset it)'],
  [/unknown file type in supermin directory/, 'a file in the supermin directory is neither a tarball nor a packages, hostfiles or excludefiles list'],
  [
    /ext2fs_[a-z_]+:[^\n]*(File exists|Not a directory)/,
    'an overlay tarball conflicts with the host layout (for example a real ./bin directory where the host has the merged-/usr symlink /bin -> usr/bin): put overlay files under ./usr',
  ],
];

export const SUPERMIN_GENERIC_HINT = 'run the build again with verbose output to see supermin’s full log';

export function superminFailureHint(stderr: string): string {
  for (const [pattern, hint] of RULES) if (pattern.test(stderr)) return hint;
  return SUPERMIN_GENERIC_HINT;
}
