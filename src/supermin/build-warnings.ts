import type { SuperminFormat } from './supermin-argv.js';

/**
 * What a build without root cannot get right, for the user to hear before trusting the result.
 * Measured with supermin 5.2.2 as uid 65534: a chroot copies every file as the builder (owners
 * lost, setuid/setgid bits dropped, e.g. /usr/bin/mount); an ext2 image keeps host files' owners
 * and modes (libext2fs writes them) but unpacks overlay tarballs with an unprivileged `tar -x`.
 */
export function superminBuildWarnings(format: SuperminFormat, euid: number, overlayOwnershipRepaired: boolean): string[] {
  if (euid === 0) return [];
  if (format === 'chroot') {
    return [
      'building a chroot appliance without root: every file will be owned by the building user and setuid/setgid bits are lost; use the ext2 format or build as root when ownership matters',
    ];
  }
  if (!overlayOwnershipRepaired) {
    return [
      'building an ext2 appliance without root: files from overlay tarballs are owned by the building user in the image unless their ownership is repaired afterwards',
    ];
  }
  return [];
}
