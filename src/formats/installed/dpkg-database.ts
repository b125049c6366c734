import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, IoError } from '../../errors.js';
import { decodeScriptText } from '../decode-script-text.js';
import { debPackageFromControl, DEB_SCRIPT_PHASES } from '../deb/deb-package.js';
import { controlField, parseControlParagraphs } from '../deb/parse-control-fields.js';
import type { Package } from '../types.js';

/** dpkg's package states (dpkg(1) "Package states"), in installation order. */
export type DpkgState =
  | 'not-installed'
  | 'config-files'
  | 'half-installed'
  | 'unpacked'
  | 'half-configured'
  | 'triggers-awaited'
  | 'triggers-pending'
  | 'installed';

export interface DpkgStatus {
  want: string;
  flag: string;
  state: DpkgState;
}

export interface InstalledDebPackage {
  package: Package;
  status: DpkgStatus;
  /** `Multi-Arch` field, when set (`same` packages have arch-qualified info files). */
  multiArch?: string;
}

export const DEFAULT_DPKG_ADMINDIR = '/var/lib/dpkg';

const READ_BATCH = 32;

const STATES: ReadonlySet<string> = new Set<DpkgState>([
  'not-installed',
  'config-files',
  'half-installed',
  'unpacked',
  'half-configured',
  'triggers-awaited',
  'triggers-pending',
  'installed',
]);

/**
 * Per-package files read from `info/`. dpkg keeps a package's maintainer scripts, its `triggers`
 * and its debconf `templates` there (checked on Debian 12: e.g. `info/base-passwd.templates`
 * beside `info/base-passwd.postinst`); debconf also loads templates into its own database.
 */
export const INFO_SUFFIXES: readonly string[] = [...DEB_SCRIPT_PHASES, 'templates'];

/** States in which the package's files and scripts are on disk (everything but the two "gone" ones). */
export function isPresent(state: DpkgState): boolean {
  return state !== 'not-installed' && state !== 'config-files';
}

function parseStatus(value: string | undefined): DpkgStatus | undefined {
  const [want, flag, state, ...rest] = (value ?? '').trim().split(/\s+/);
  if (!want || !flag || !state || rest.length > 0 || !STATES.has(state)) return undefined;
  return { want, flag, state: state as DpkgState };
}

/** Live conffile paths from a status `Conffiles` field (` /path md5 [obsolete] [remove-on-upgrade]`). */
function parseStatusConffiles(value: string | undefined): string[] {
  const paths: string[] = [];
  for (const line of (value ?? '').split('\n')) {
    const words = line.trim().split(/\s+/);
    const [path] = words;
    if (!path || !path.startsWith('/') || words.includes('obsolete')) continue;
    paths.push(path);
  }
  return paths;
}

/**
 * Builds the installed packages from dpkg's `status` text and the `info/` files (name -> text).
 * Stanzas in state not-installed are left out; every other state is returned with its status, so
 * a caller can tell a half-configured package (whose postinst must still run) from an installed one.
 * Multi-Arch: same packages name their info files `<pkg>:<arch>.<script>`, the others `<pkg>.<script>`.
 * `latin1Names` lists the info files that were not valid UTF-8 and hold one character per byte.
 */
export function parseDpkgDatabase(
  statusText: string,
  infoFiles: ReadonlyMap<string, string>,
  admindir: string,
  latin1Names: ReadonlySet<string> = new Set(),
): InstalledDebPackage[] {
  const statusFile = join(admindir, 'status');
  const result: InstalledDebPackage[] = [];
  for (const paragraph of parseControlParagraphs(statusText, { file: statusFile })) {
    const name = controlField(paragraph, 'Package');
    const status = parseStatus(controlField(paragraph, 'Status'));
    if (!name || !status) {
      throw new FormatError('E_FORMAT_CORRUPT', `bad dpkg status stanza (Package ${JSON.stringify(name ?? '')}, Status ${JSON.stringify(controlField(paragraph, 'Status') ?? '')})`, {
        file: statusFile,
        line: paragraph.line,
      });
    }
    if (status.state === 'not-installed') continue;
    const arch = controlField(paragraph, 'Architecture') ?? '';
    const multiArch = controlField(paragraph, 'Multi-Arch');
    const prefix = multiArch === 'same' ? `${name}:${arch}` : name;
    const files = new Map<string, string>();
    const fileNames = new Map<string, string>();
    const latin1Files = new Set<string>();
    for (const suffix of INFO_SUFFIXES) {
      const fileName = `${prefix}.${suffix}`;
      const text = infoFiles.get(fileName);
      if (text === undefined) continue;
      files.set(suffix, text);
      fileNames.set(suffix, fileName);
      if (latin1Names.has(fileName)) latin1Files.add(suffix);
    }
    const pkg = debPackageFromControl({
      paragraph,
      files,
      conffiles: parseStatusConffiles(controlField(paragraph, 'Conffiles')),
      latin1Files,
      source: `dpkg:${admindir}`,
      origin: (script) => `info/${fileNames.get(script) ?? `${prefix}.${script}`}`,
      context: { file: statusFile, package: name },
    });
    result.push({ package: pkg, status, ...(multiArch !== undefined ? { multiArch } : {}) });
  }
  return result.sort((a, b) =>
    a.package.name < b.package.name ? -1 : a.package.name > b.package.name ? 1 : a.package.arch < b.package.arch ? -1 : a.package.arch > b.package.arch ? 1 : 0,
  );
}

/** Reads `<admindir>/status` and the script files in `<admindir>/info`, then parses them. */
export async function readDpkgDatabase(admindir: string = DEFAULT_DPKG_ADMINDIR): Promise<InstalledDebPackage[]> {
  const statusPath = join(admindir, 'status');
  const infoDir = join(admindir, 'info');
  let statusText: string;
  let names: string[];
  try {
    statusText = await readFile(statusPath, 'utf8');
    names = await readdir(infoDir);
  } catch (cause) {
    const file = (cause as NodeJS.ErrnoException).path ?? statusPath;
    throw new IoError(`cannot read the dpkg database: ${(cause as Error).message}`, { file, hint: 'pass the dpkg admin directory (e.g. <root>/var/lib/dpkg)' }, { cause });
  }
  const wanted = names.filter((n) => INFO_SUFFIXES.some((s) => n.endsWith(`.${s}`))).sort();
  const infoFiles = new Map<string, string>();
  const latin1Names = new Set<string>();
  // Several reads in flight: a thousand small sequential reads are dominated by latency.
  for (let at = 0; at < wanted.length; at += READ_BATCH) {
    const batch = wanted.slice(at, at + READ_BATCH);
    const texts = await Promise.all(
      batch.map((name) =>
        readFile(join(infoDir, name)).catch((cause: unknown) => {
          throw new IoError(`cannot read ${name}: ${(cause as Error).message}`, { file: join(infoDir, name) }, { cause });
        }),
      ),
    );
    // Scripts are kept byte for byte (a deferred copy must match the package); see decodeScriptText.
    batch.forEach((name, i) => {
      const decoded = decodeScriptText(texts[i] ?? new Uint8Array());
      infoFiles.set(name, decoded.text);
      if (decoded.encoding === 'latin1') latin1Names.add(name);
    });
  }
  return parseDpkgDatabase(statusText, infoFiles, admindir, latin1Names);
}
