/**
 * Paths `verify` does not compare byte for byte, each with the reason it is inherently different
 * between a package manager's install and scriptlet's image (or compared another way). This is
 * the one list; the report names the rule that excluded each path.
 */
import { Minimatch } from 'minimatch';

export interface Exclusion {
  /** minimatch patterns over absolute image paths (`**` crosses directories). */
  patterns: string[];
  reason: string;
}

export const exclusions: readonly Exclusion[] = [
  {
    patterns: ['/proc/**', '/sys/**', '/dev/**', '/run/**', '/tmp/**'],
    reason: 'mount points and run-time directories: their contents exist only while a system runs (mmdebstrap empties /run and /tmp; device nodes need root)',
  },
  {
    patterns: ['/lib32', '/libx32', '/usr/lib32', '/usr/libx32', '/usr/share/doc/usr-is-merged', '/usr/share/doc/usr-is-merged/**'],
    reason: "made only in the unpacked tree by mmdebstrap's merged-usr hook (links for every multilib directory and its usr-is-merged stand-in); the reference merges /usr with usrmerge",
  },
  {
    patterns: ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow'],
    reason: 'the account database is compared per user and group (the accounts section), not line by line: the day of last change is the build date',
  },
  {
    patterns: ['/etc/passwd-', '/etc/group-', '/etc/shadow-', '/etc/gshadow-', '/etc/subuid-', '/etc/subgid-', '/etc/.pwd.lock'],
    reason: 'backup copies and the lock file the shadow tools leave next to the account files they edit',
  },
  {
    patterns: [
      '/var/lib/dpkg/status',
      '/var/lib/dpkg/status-old',
      '/var/lib/dpkg/available',
      '/var/lib/dpkg/info',
      '/var/lib/dpkg/info/**',
      '/var/lib/dpkg/triggers',
      '/var/lib/dpkg/triggers/**',
      '/var/lib/dpkg/updates',
      '/var/lib/dpkg/updates/**',
      '/var/lib/dpkg/lock',
      '/var/lib/dpkg/lock-frontend',
      '/var/lib/dpkg/cmethopt',
      '/var/lib/dpkg/arch',
      '/var/lib/dpkg/*-old',
    ],
    reason: "dpkg's own database (package states, file lists, script copies, trigger queues, locks, backups): the image is not installed by dpkg",
  },
  {
    patterns: ['/var/lib/apt', '/var/lib/apt/**', '/var/cache/apt', '/var/cache/apt/**'],
    reason: "apt's package lists, archive cache and auto-installed marks belong to the tool that made the reference, not to a package script",
  },
  {
    patterns: ['/var/log/dpkg.log', '/var/log/apt', '/var/log/apt/**', '/var/log/alternatives.log', '/var/log/bootstrap.log'],
    reason: 'logs of the package tools themselves',
  },
  {
    patterns: ['/etc/machine-id', '/var/lib/dbus/machine-id'],
    reason: 'machine identity: must be made on the machine that boots the image (mmdebstrap empties it too)',
  },
  {
    patterns: ['/etc/ld.so.cache', '/var/cache/ldconfig', '/var/cache/ldconfig/**'],
    reason: "the dynamic linker's cache: rebuilt by ldconfig from the libraries, once per image",
  },
  {
    patterns: ['/var/cache/debconf', '/var/cache/debconf/**'],
    reason: "debconf's database of templates and answers: seeded by dpkg-preconfigure, refilled by the scripts that read it when they run",
  },
  {
    patterns: ['/var/lib/systemd/catalog/database'],
    reason: "journald's message catalog index, rebuilt from the catalog files by journalctl --update-catalog",
  },
  {
    patterns: ['/var/lib/ucf/*.[0-9]', '/var/lib/ucf/*.[0-9][0-9]'],
    reason: "ucf's rotated backups of its own registry and hash file",
  },
];

const compiled = exclusions.map((e) => ({ e, matchers: e.patterns.map((p) => new Minimatch(p, { dot: true })) }));

/** The exclusion covering `path`, if any. */
export function exclusionFor(path: string): Exclusion | undefined {
  return compiled.find((c) => c.matchers.some((m) => m.match(path)))?.e;
}
