/**
 * What the appliers need to know about the target beyond its files. Defaults follow the family:
 * the tools a Debian maintainer script calls (adduser, deb-systemd-helper) differ from Fedora's and
 * Arch's (useradd, systemctl), and so do the unit search paths.
 */
export type Family = 'debian' | 'fedora' | 'arch';

/** Which program's id allocation and defaults a user or group action follows. */
export type IdentityTool = 'adduser' | 'useradd';

/** Which program a systemd-enable action stands for. */
export type EnableTool = 'deb-systemd-helper' | 'systemctl';

export interface ApplyOptions {
  family: Family;
  /** Seconds since the epoch (SOURCE_DATE_EPOCH): the "last changed" day of new shadow entries. */
  epoch: number;
  identityTool?: IdentityTool;
  enableTool?: EnableTool;
  /** The image boots with sysvinit: rc links matter (they are made either way, as update-rc.d does). */
  sysvinit?: boolean;
  /**
   * System unit directories in systemd's search order, without /run. Debian 12's systemd is built
   * with rootprefix=/ and looks in /lib/systemd/system before /usr/lib/systemd/system.
   */
  unitPath?: readonly string[];
  presetPath?: readonly string[];
}

export interface ResolvedOptions {
  family: Family;
  epoch: number;
  identityTool: IdentityTool;
  enableTool: EnableTool;
  sysvinit: boolean;
  unitPath: readonly string[];
  userUnitPath: readonly string[];
  presetPath: readonly string[];
}

export function resolveOptions(o: ApplyOptions): ResolvedOptions {
  const debian = o.family === 'debian';
  return {
    family: o.family,
    epoch: o.epoch,
    identityTool: o.identityTool ?? (debian ? 'adduser' : 'useradd'),
    enableTool: o.enableTool ?? (debian ? 'deb-systemd-helper' : 'systemctl'),
    sysvinit: o.sysvinit ?? false,
    unitPath:
      o.unitPath ??
      (debian
        ? ['/etc/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system']
        : ['/etc/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system']),
    userUnitPath: debian
      ? ['/etc/systemd/user', '/usr/local/lib/systemd/user', '/usr/local/share/systemd/user', '/usr/lib/systemd/user', '/usr/share/systemd/user']
      : ['/etc/systemd/user', '/usr/local/lib/systemd/user', '/usr/local/share/systemd/user', '/usr/lib/systemd/user', '/usr/share/systemd/user'],
    presetPath:
      o.presetPath ??
      (debian
        ? ['/etc/systemd/system-preset', '/usr/local/lib/systemd/system-preset', '/lib/systemd/system-preset', '/usr/lib/systemd/system-preset']
        : ['/etc/systemd/system-preset', '/usr/local/lib/systemd/system-preset', '/usr/lib/systemd/system-preset']),
  };
}
