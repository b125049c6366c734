/**
 * The input edge of `audit` (and later `plan`/`build`): package files and directories from the
 * command line, plus the host's installed databases when asked.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptletError } from '../errors.js';
import { isScriptletError } from '../errors.js';
import { findPackageFiles } from '../formats/find-package-files.js';
import { DEFAULT_DPKG_ADMINDIR, isPresent, readDpkgDatabase } from '../formats/installed/dpkg-database.js';
import { dbpathCandidates, readRpmDatabase } from '../formats/installed/rpm-database.js';
import { readPackageFile } from '../formats/read-package-file.js';
import type { Package } from '../formats/types.js';

export interface GatherOptions {
  paths: readonly string[];
  /** Also read the installed package databases under `root`. */
  installed: boolean;
  root: string;
  /** Collect per-file errors and go on, instead of stopping at the first. */
  keepGoing: boolean;
  onFile?: (done: number, total: number, file: string) => void;
}

export interface Gathered {
  packages: Package[];
  errors: ScriptletError[];
}

export async function gatherPackages(opts: GatherOptions): Promise<Gathered> {
  const packages: Package[] = [];
  const errors: ScriptletError[] = [];
  const { files } = await findPackageFiles(opts.paths);
  let done = 0;
  for (const file of files) {
    try {
      packages.push(await readPackageFile(file));
    } catch (e) {
      if (!opts.keepGoing || !isScriptletError(e)) throw e;
      errors.push(e);
    }
    opts.onFile?.(++done, files.length, file);
  }
  if (opts.installed) packages.push(...(await readInstalledPackages(opts.root)));
  return { packages, errors };
}

/** The packages installed under `root`: dpkg's database, and rpm's when there is a real one. */
export async function readInstalledPackages(root: string): Promise<Package[]> {
  const packages: Package[] = [];
  const admindir = join(root, DEFAULT_DPKG_ADMINDIR);
  if (existsSync(join(admindir, 'status'))) {
    // Packages removed but for their conffiles have scripts on disk that no install would run.
    for (const p of await readDpkgDatabase(admindir)) if (isPresent(p.status.state)) packages.push(p.package);
  }
  // Debian's rpm package creates an empty database directory; only a real database counts.
  const rpmDbFiles = ['rpmdb.sqlite', 'Packages.db', 'Packages'];
  if (dbpathCandidates.some((d) => rpmDbFiles.some((f) => existsSync(join(root, d, f))))) {
    packages.push(...(await readRpmDatabase({ root })));
  }
  return packages;
}
