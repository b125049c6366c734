import { UsageError } from '../errors.js';

/**
 * Debian kernel flavour for a dpkg architecture: the suffix of the `linux-image-<flavour>`
 * meta-package that always depends on the current kernel of the release.
 */
const FLAVOURS: ReadonlyMap<string, string> = new Map([
  ['amd64', 'amd64'],
  ['arm64', 'arm64'],
  ['i386', '686'],
  ['ppc64el', 'powerpc64le'],
  ['s390x', 's390x'],
  ['armhf', 'armmp'],
  ['riscv64', 'riscv64'],
]);

export function kernelFlavour(dpkgArch: string): string {
  const f = FLAVOURS.get(dpkgArch.trim());
  if (!f) {
    throw new UsageError(`no known Debian kernel flavour for architecture ${JSON.stringify(dpkgArch.trim())}`, {
      hint: 'name the kernel flavour explicitly (the suffix of linux-image-<flavour>)',
    });
  }
  return f;
}

/** The concrete kernel package from `apt-cache depends --important linux-image-<flavour>`. */
export function kernelPackageFromDepends(text: string, flavour: string): string | undefined {
  const pattern = new RegExp(`^\\s*(?:\\|)?Depends:\\s*(linux-image-[0-9][A-Za-z0-9.+~-]*-${flavour.replace(/[.+]/g, '\\$&')})\\s*$`);
  for (const line of text.split('\n')) {
    const m = pattern.exec(line);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** The candidate version from `apt-cache policy <package>`, or undefined when there is none. */
export function candidateVersion(policy: string): string | undefined {
  const m = /^\s*Candidate:\s*(\S+)\s*$/m.exec(policy);
  if (!m?.[1] || m[1] === '(none)') return undefined;
  return m[1];
}
