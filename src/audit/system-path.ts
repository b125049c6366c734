/**
 * Deciding, without the package's file list, whether a path a script writes belongs to someone
 * else. The rule (documented in docs/audit-json.md, "writes-outside-package"):
 *
 * A write target is outside the package when, after removing a leading `$DPKG_ROOT`, it is
 *  1. one of the well-known files of the base system or the administrator (`systemFiles`), or
 *  2. under a directory that no package ships files into, that holds other managers' state, or
 *     that is the running kernel or devices (`systemDirs`), or
 *  3. in a home directory (`~`, `$HOME`).
 * Everything else (/usr, /etc/<name>, /var/lib/<name>, /opt, /run, …) is presumed to be the
 * package's own: a package normally writes its own configuration and state there.
 * Specific files with their own risk kind (user database, sudoers, cron, ld.so.preload) are
 * classified by `specialPathKind` and reported under that kind instead.
 */
import type { Severity } from './risk.js';

export interface PathWord {
  /** The path with quotes and a leading `$DPKG_ROOT` removed; expansions kept as written. */
  path: string;
  /** True when `path` has no expansion left: it names exactly one file. */
  exact: boolean;
}

export interface OutsideWrite {
  severity: Severity;
  /** Why this location is not the package's, for the risk message. */
  why: string;
}

export type SpecialPathKind = 'passwd-parsing' | 'sudoers-edit' | 'crontab-edit' | 'ld-preload';

const userDatabase = new Set([
  '/etc/passwd',
  '/etc/shadow',
  '/etc/group',
  '/etc/gshadow',
  '/etc/passwd-',
  '/etc/shadow-',
  '/etc/group-',
  '/etc/gshadow-',
  '/etc/subuid',
  '/etc/subgid',
]);

const systemFiles: ReadonlyMap<string, Severity> = new Map<string, Severity>([
  ['/etc/fstab', 'high'],
  ['/etc/crypttab', 'high'],
  ['/etc/pam.conf', 'high'],
  ['/etc/securetty', 'high'],
  ['/etc/login.defs', 'high'],
  ['/etc/nsswitch.conf', 'high'],
  ['/etc/shells', 'medium'],
  ['/etc/hosts', 'medium'],
  ['/etc/hostname', 'medium'],
  ['/etc/resolv.conf', 'medium'],
  ['/etc/environment', 'medium'],
  ['/etc/profile', 'medium'],
  ['/etc/bash.bashrc', 'medium'],
  ['/etc/inittab', 'medium'],
  ['/etc/modules', 'medium'],
  ['/etc/rc.local', 'medium'],
  ['/etc/ld.so.conf', 'medium'],
  ['/etc/sysctl.conf', 'medium'],
  ['/etc/services', 'medium'],
  ['/etc/protocols', 'medium'],
  ['/etc/inetd.conf', 'medium'],
  ['/etc/exports', 'medium'],
  ['/etc/mtab', 'medium'],
  ['/etc/machine-id', 'medium'],
  ['/etc/localtime', 'medium'],
  ['/etc/timezone', 'medium'],
  ['/etc/locale.gen', 'medium'],
  ['/etc/default/locale', 'medium'],
  ['/etc/default/grub', 'medium'],
  ['/etc/network/interfaces', 'medium'],
  ['/etc/apt/sources.list', 'medium'],
  ['/etc/motd', 'low'],
  ['/etc/issue', 'low'],
  ['/etc/issue.net', 'low'],
]);

/** Directory prefixes (with trailing slash) and why they are not a package's. Longest match wins. */
const systemDirs: ReadonlyArray<readonly [string, Severity, string]> = [
  ['/boot/', 'high', 'the kernel and boot loader'],
  ['/root/', 'high', "root's home directory"],
  ['/home/', 'high', 'users\u2019 home directories'],
  ['/proc/', 'high', 'the running kernel'],
  ['/sys/', 'high', 'the running kernel'],
  ['/dev/', 'high', 'device nodes'],
  ['/var/lib/dpkg/', 'high', "dpkg's database"],
  ['/var/lib/rpm/', 'high', "rpm's database"],
  ['/var/lib/pacman/', 'high', "pacman's database"],
  ['/etc/pam.d/', 'high', 'PAM configuration shared by all services'],
  ['/etc/security/', 'high', 'PAM security configuration'],
  ['/etc/apt/sources.list.d/', 'medium', 'package repositories'],
  ['/etc/yum.repos.d/', 'medium', 'package repositories'],
  ['/etc/systemd/system/', 'low', "the administrator's unit directory"],
  ['/usr/local/', 'medium', 'the administrator (FHS reserves /usr/local)'],
  ['/tmp/', 'medium', 'shared temporary space (predictable names invite symlink attacks)'],
  ['/var/tmp/', 'medium', 'shared temporary space (predictable names invite symlink attacks)'],
  ['/srv/', 'medium', 'site data'],
  ['/mnt/', 'medium', 'mount points'],
  ['/media/', 'medium', 'mount points'],
];

/** Device paths that are not a device write in any meaningful sense. */
const harmlessDevices = new Set(['/dev/null', '/dev/zero', '/dev/stdout', '/dev/stderr', '/dev/stdin', '/dev/tty', '/dev/console']);

const dpkgRoot = /^(?:\$DPKG_ROOT|\$\{DPKG_ROOT(?::?[-=][^}]*)?\})/;

/** Removes shell quoting that does not change meaning and a leading `$DPKG_ROOT`. */
export function pathWord(text: string): PathWord {
  let path = '';
  let quote: '"' | "'" | null = null;
  for (const ch of text) {
    if (quote === null && (ch === '"' || ch === "'")) quote = ch;
    else if (quote !== null && ch === quote) quote = null;
    else path += ch;
  }
  path = path.replace(dpkgRoot, '');
  if (path.startsWith('~')) path = path.replace(/^~[^/]*/, '$HOME');
  const exact = !/[$`*?[]/.test(path);
  return { path, exact };
}

/** The risk kind of a path that has a dedicated kind, or null. */
export function specialPathKind(path: string): SpecialPathKind | null {
  if (userDatabase.has(path)) return 'passwd-parsing';
  if (path === '/etc/sudoers' || path.startsWith('/etc/sudoers.d/')) return 'sudoers-edit';
  if (path === '/etc/ld.so.preload') return 'ld-preload';
  if (
    path === '/etc/crontab' ||
    /^\/etc\/cron\.(?:d|hourly|daily|weekly|monthly)\//.test(path) ||
    path.startsWith('/var/spool/cron/')
  ) {
    return 'crontab-edit';
  }
  return null;
}

/** Why a write to `path` leaves the package, or null when it is presumed the package's own. */
export function outsideWrite(path: string): OutsideWrite | null {
  if (/^\$(?:HOME\b|\{HOME\})/.test(path)) return { severity: 'high', why: 'a home directory' };
  const file = systemFiles.get(path);
  if (file) return { severity: file, why: 'a file of the base system or the administrator' };
  if (harmlessDevices.has(path) || path.startsWith('/dev/fd/')) return null;
  let best: (typeof systemDirs)[number] | undefined;
  for (const entry of systemDirs) {
    const dir = entry[0];
    if ((path.startsWith(dir) || path === dir.slice(0, -1)) && (!best || dir.length > best[0].length)) best = entry;
  }
  return best ? { severity: best[1], why: best[2] } : null;
}
