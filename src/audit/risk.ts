/**
 * A risk is something in a scriptlet that makes it unsafe or impossible to run while building an
 * image without root (or unattended at first boot): reaching the network, touching running
 * services, writing other packages' or the administrator's files, prompting a user.
 * The vocabulary is fixed: reports, SARIF rules and the JSON schema are derived from it.
 */
import { Type, type Static, type TUnsafe } from '@sinclair/typebox';

/** A closed set of strings as a JSON-schema `enum` whose static type is the literal union. */
export function stringEnum<const T extends readonly string[]>(values: T, description?: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}

export const riskKinds = [
  'network',
  'download-exec',
  'package-manager',
  'service-control',
  'kill',
  'mount',
  'writes-outside-package',
  'rm-rf-variable',
  'recursive-chmod-chown',
  'setuid-chmod',
  'passwd-parsing',
  'sudoers-edit',
  'crontab-edit',
  'ld-preload',
  'dynamic-code',
  'debconf-prompt',
] as const;

export type RiskKind = (typeof riskKinds)[number];

export const severities = ['low', 'medium', 'high'] as const;
export type Severity = (typeof severities)[number];

export interface RiskKindInfo {
  /** One line, for tables and SARIF `shortDescription`. */
  title: string;
  /** Why it matters when scripts run at image build time or unattended at first boot. */
  description: string;
  /** The severity most findings of this kind get; single findings may be raised or lowered. */
  severity: Severity;
}

export const riskKindInfo: Readonly<Record<RiskKind, RiskKindInfo>> = {
  network: {
    title: 'Reaches the network',
    description:
      'Downloads, clones, network package installs or raw sockets (/dev/tcp). An image build has no network and must be reproducible; at first boot the network may not be up.',
    severity: 'medium',
  },
  'download-exec': {
    title: 'Executes downloaded code',
    description:
      'Output of curl/wget is piped into a shell, or a downloaded file is made executable or run. The code that runs is not part of the package and cannot be audited.',
    severity: 'high',
  },
  'package-manager': {
    title: 'Runs a package manager',
    description:
      'dpkg, apt, rpm, dnf, pacman and friends called from inside a scriptlet: the outer package manager holds the lock, and the image contents stop being a function of the package list.',
    severity: 'high',
  },
  'service-control': {
    title: 'Starts, stops or reloads services',
    description:
      'systemctl start/stop/restart/reload, invoke-rc.d, service, start-stop-daemon and init scripts act on the running system, which during an image build is the build host.',
    severity: 'medium',
  },
  kill: {
    title: 'Sends signals to processes',
    description: 'kill, killall and pkill act on whatever runs on the machine executing the script.',
    severity: 'medium',
  },
  mount: {
    title: 'Mounts or changes block devices',
    description: 'mount, umount, swapon, losetup and mkfs change the machine executing the script, not the image.',
    severity: 'high',
  },
  'writes-outside-package': {
    title: 'Writes outside the package',
    description:
      "Writes, copies, moves, in-place edits or removals targeting files no package ships and that belong to the base system or the administrator (see docs/audit-json.md for the exact rule).",
    severity: 'medium',
  },
  'rm-rf-variable': {
    title: 'Recursive removal of a computed path',
    description:
      'rm -r with a path built from variables, command output or globs: an empty or unexpected value removes far more than intended (the classic `rm -rf "$DIR/"`).',
    severity: 'high',
  },
  'recursive-chmod-chown': {
    title: 'Recursive ownership or mode change',
    description:
      'chmod/chown/chgrp -R cannot be expressed as per-path attributes and, on a computed or system path, changes files of other packages.',
    severity: 'medium',
  },
  'setuid-chmod': {
    title: 'Makes a file setuid or setgid',
    description: 'chmod u+s/g+s or a 4xxx/2xxx mode (also through install -m or dpkg-statoverride) grants privileges.',
    severity: 'medium',
  },
  'passwd-parsing': {
    title: 'Reads or edits the user database directly',
    description:
      'Parsing or editing /etc/passwd, /etc/shadow, /etc/group or /etc/gshadow with text tools instead of getent/useradd: at build time it reads the host, and direct edits bypass locking and NSS.',
    severity: 'medium',
  },
  'sudoers-edit': {
    title: 'Changes sudo configuration',
    description: 'Writes to /etc/sudoers or /etc/sudoers.d, or runs visudo.',
    severity: 'high',
  },
  'crontab-edit': {
    title: 'Edits crontabs',
    description: 'Runs crontab or writes to /etc/crontab, /etc/cron.* or /var/spool/cron.',
    severity: 'medium',
  },
  'ld-preload': {
    title: 'Changes library preloading',
    description: 'Writes to /etc/ld.so.preload, which injects a library into every process.',
    severity: 'high',
  },
  'dynamic-code': {
    title: 'Runs code built at run time',
    description:
      'eval, sh -c or source of a non-literal string or path, or a here-document fed to an interpreter: the code that runs cannot be analysed statically.',
    severity: 'medium',
  },
  'debconf-prompt': {
    title: 'Asks the user a question',
    description:
      'db_input/db_go, whiptail, dialog or `read` from the terminal: nobody answers during an image build or at first boot.',
    severity: 'low',
  },
};

export const RiskKindSchema = stringEnum(riskKinds, 'What kind of risk (see docs/audit-json.md).');
export const SeveritySchema = stringEnum(severities, 'How bad: low, medium or high.');

export const RiskSchema = Type.Object(
  {
    kind: RiskKindSchema,
    severity: SeveritySchema,
    message: Type.String({ description: 'What was found, for a person.' }),
    line: Type.Integer({ minimum: 1, description: '1-based line of the script body.' }),
    command: Type.String({ description: 'The command as written: name, arguments, redirections.' }),
  },
  { additionalProperties: false },
);

export type Risk = Static<typeof RiskSchema>;

const severityRank: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2 };

/** Orders severities from least to most severe. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank[a] - severityRank[b];
}

/** Risks in report order: by line, then by the kind's position in `riskKinds`, then by text. */
export function compareRisks(a: Risk, b: Risk): number {
  return (
    a.line - b.line ||
    riskKinds.indexOf(a.kind) - riskKinds.indexOf(b.kind) ||
    compareStrings(a.command, b.command) ||
    compareStrings(a.message, b.message)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
