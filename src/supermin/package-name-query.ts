/**
 * How to ask a host package manager which of some package names are installed, as pure data:
 * the commands to run and how to read their output. supermin itself silently drops names it cannot
 * resolve (`--prepare`) or ignores them (`--build`), so an appliance would quietly miss packages;
 * these queries let the build fail first, naming them.
 *
 * Each definition answers the question supermin's package handler asks: dpkg — installed, for the
 * primary architecture or `all`; rpm — installed under that name; pacman — in the local database.
 * Only the dpkg definition is exercised against a real package database by the tests (the project
 * is developed on Debian); the rpm and pacman ones are tested up to their argv and the documented
 * shape of their output.
 */
export type PackageManager = 'dpkg' | 'rpm' | 'pacman';

export interface QueryCommand {
  argv: string[];
  /** Exit statuses that still mean "answered" (they report missing names through their status). */
  okExit: (code: number) => boolean;
}

export interface PackageNameQuery {
  manager: PackageManager;
  commands(names: readonly string[]): QueryCommand[];
  /** Given each command's stdout and stderr (in order), the names that are not installed, sorted. */
  unknown(names: readonly string[], outputs: ReadonlyArray<{ stdout: string; stderr: string }>): string[];
}

function sortedUnique(names: Iterable<string>): string[] {
  return [...new Set(names)].sort();
}

const DPKG_FORMAT = '${Package}\t${Architecture}\t${db:Status-Status}\n';

export const dpkgNameQuery: PackageNameQuery = {
  manager: 'dpkg',
  commands: (names) => [
    { argv: ['dpkg', '--print-architecture'], okExit: (c) => c === 0 },
    // Exit 1 means "some name matched nothing"; that is an answer, not a failure.
    { argv: ['dpkg-query', '-W', `-f=${DPKG_FORMAT}`, '--', ...sortedUnique(names)], okExit: (c) => c === 0 || c === 1 },
  ],
  unknown: (names, outputs) => {
    const primary = outputs[0]?.stdout.trim() ?? '';
    const installed = new Set<string>();
    for (const line of (outputs[1]?.stdout ?? '').split('\n')) {
      const [name, arch, status] = line.split('\t');
      if (name && status === 'installed' && (arch === primary || arch === 'all')) installed.add(name);
    }
    return sortedUnique(names.filter((n) => !installed.has(n)));
  },
};

export const rpmNameQuery: PackageNameQuery = {
  manager: 'rpm',
  commands: (names) => [
    // rpm's exit status is the number of names that are not installed.
    { argv: ['rpm', '-q', '--qf', '%{NAME}\\n', '--', ...sortedUnique(names)], okExit: (c) => c >= 0 },
  ],
  unknown: (names, outputs) => {
    // Read the refusals rather than the NAME lines: a name given as name-version is installed
    // although rpm prints only its bare name.
    const missing = new Set<string>();
    for (const line of (outputs[0]?.stdout ?? '').split('\n')) {
      const m = /^package (\S+) is not installed$/.exec(line.trim());
      if (m?.[1]) missing.add(m[1]);
    }
    return sortedUnique(names.filter((n) => missing.has(n)));
  },
};

export const pacmanNameQuery: PackageNameQuery = {
  manager: 'pacman',
  commands: (names) => [{ argv: ['pacman', '-Q', '--', ...sortedUnique(names)], okExit: (c) => c === 0 || c === 1 }],
  unknown: (names, outputs) => {
    const found = new Set<string>();
    for (const line of (outputs[0]?.stdout ?? '').split('\n')) {
      const name = line.split(' ')[0];
      if (name) found.add(name);
    }
    return sortedUnique(names.filter((n) => !found.has(n)));
  },
};

export const PACKAGE_NAME_QUERIES: ReadonlyMap<PackageManager, PackageNameQuery> = new Map([
  ['dpkg', dpkgNameQuery],
  ['rpm', rpmNameQuery],
  ['pacman', pacmanNameQuery],
]);
