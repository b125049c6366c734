import { UsageError } from '../errors.js';
import { isPackageName } from './package-name.js';

export type SuperminFormat = 'chroot' | 'ext2';

/** Options shared by both modes. */
interface CommonOptions {
  /** The program to run (from probeSupermin). */
  binary?: string;
  /** Where supermin writes; it builds `<outputDir>.XXXXXXXX` first and renames it into place. */
  outputDir: string;
  /** Debug level: 0 quiet, 1 `-v`, 2 `-v -v` (per-file listings). */
  verbose?: 0 | 1 | 2;
  /** supermin's own lock (lockf), held for its whole run. */
  lockFile?: string;
  /** Package manager configuration (e.g. an alternative yum/dnf config). */
  packagerConfig?: string;
}

export interface SuperminPrepareOptions extends CommonOptions {
  /** Host package names; dependencies are resolved by supermin. Order does not matter. */
  packages: readonly string[];
  /**
   * Take configuration files from the installed system instead of downloading the packages
   * (no network; but local edits to /etc then end up in the appliance).
   */
  useInstalled?: boolean;
}

export interface SuperminBuildOptions extends CommonOptions {
  /** Supermin appliance directories or files (packages lists, tarballs). */
  inputs: readonly string[];
  format: SuperminFormat;
  /** ext2 only: size of the (sparse) filesystem image in bytes; supermin's default is 4 GiB. */
  sizeBytes?: number;
  /** Skip the build when the output is newer than the inputs and the package database. */
  ifNewer?: boolean;
  /** Override the architecture used to pick a kernel. */
  hostCpu?: string;
  /** ext2 only: copy the kernel into the output instead of symlinking it. */
  copyKernel?: boolean;
  /** Write `/packagelist` into the appliance. */
  includePackagelist?: boolean;
}

const UNITS: ReadonlyArray<[suffix: string, bytes: number]> = [
  ['G', 1024 ** 3],
  ['M', 1024 ** 2],
  ['K', 1024],
];

/**
 * supermin's --size accepts only an integer with an upper-case K, M or G suffix (measured with
 * 5.2.2: a plain byte count, `100k` or `2T` are rejected), so sizes are rendered in the largest
 * unit that divides them exactly.
 */
export function superminSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new UsageError(`appliance size must be a positive whole number of bytes, got ${bytes}`);
  }
  for (const [suffix, unit] of UNITS) {
    if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  throw new UsageError(`appliance size ${bytes} is not a multiple of 1024 bytes`, {
    hint: 'give the size in KiB, MiB or GiB',
  });
}

function common(o: CommonOptions): string[] {
  if (o.outputDir === '') throw new UsageError('supermin needs an output directory');
  const argv: string[] = [];
  for (let i = 0; i < (o.verbose ?? 0); i++) argv.push('-v');
  if (o.lockFile !== undefined) argv.push('--lock', o.lockFile);
  if (o.packagerConfig !== undefined) argv.push('--packager-config', o.packagerConfig);
  argv.push('-o', o.outputDir);
  return argv;
}

/**
 * OCaml's Arg parser has no `--`: an input that starts with `-` would be read as an option, so such
 * paths are made explicit with `./`.
 */
function safeInput(path: string): string {
  if (path === '') throw new UsageError('empty supermin input path');
  return path.startsWith('-') ? `./${path}` : path;
}

export function superminPrepareArgv(o: SuperminPrepareOptions): string[] {
  if (o.packages.length === 0) throw new UsageError('supermin --prepare needs at least one package');
  const bad = o.packages.filter((p) => !isPackageName(p));
  if (bad.length > 0) {
    throw new UsageError(`not a package name: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  }
  const argv = [o.binary ?? 'supermin', '--prepare', ...common(o)];
  if (o.useInstalled) argv.push('--use-installed');
  // Sorted and de-duplicated so the command line (and logs) do not depend on the caller's order.
  argv.push(...[...new Set(o.packages)].sort());
  return argv;
}

export function superminBuildArgv(o: SuperminBuildOptions): string[] {
  if (o.inputs.length === 0) throw new UsageError('supermin --build needs at least one input');
  if (o.format === 'chroot' && o.sizeBytes !== undefined) {
    throw new UsageError('an appliance size only applies to the ext2 format');
  }
  if (o.format === 'chroot' && o.copyKernel) {
    throw new UsageError('copying the kernel only applies to the ext2 format (a chroot has no kernel)');
  }
  const argv = [o.binary ?? 'supermin', '--build', '-f', o.format, ...common(o)];
  if (o.sizeBytes !== undefined) argv.push('--size', superminSize(o.sizeBytes));
  if (o.ifNewer) argv.push('--if-newer');
  if (o.hostCpu !== undefined) argv.push('--host-cpu', o.hostCpu);
  if (o.copyKernel) argv.push('--copy-kernel');
  if (o.includePackagelist) argv.push('--include-packagelist');
  argv.push(...o.inputs.map(safeInput));
  return argv;
}
