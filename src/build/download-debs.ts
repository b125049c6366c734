/**
 * The .deb files of exactly the package versions supermin puts into the appliance (the host's
 * installed versions), fetched with `apt-get download NAME:ARCH=VERSION` into a cache directory
 * that is shared between builds and guarded by a lock. Files are named as apt names them, so a
 * cached file is found again without asking APT.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../errors.js';
import { lastLines, runTool } from '../process/run-tool.js';
import { acquireExclusiveLock } from '../supermin/exclusive-lock.js';
import { removeTree } from '../supermin/remove-tree.js';

export interface DebWanted {
  name: string;
  version: string;
  arch: string;
}

/** apt's file name: epoch colons become `%3a`. */
/** APT's package lists: `apt-get update` rewrites them, which ends every remembered "unavailable". */
const APT_LISTS = '/var/lib/apt/lists';

export function debFileName(p: DebWanted): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.arch}.deb`;
}

export interface Downloaded {
  /** Package name -> .deb file in the cache. */
  files: Map<string, string>;
  /** Packages whose installed version no APT source offers (superseded by an update, or local). */
  unavailable: string[];
}

async function aptDownload(specs: string[], cwd: string, signal?: AbortSignal): Promise<{ ok: boolean; stderr: string }> {
  const result = await runTool(['apt-get', 'download', '--quiet', '--quiet', ...specs], {
    cwd,
    signal,
    timeoutMs: 1_800_000,
    env: { ...process.env, LC_ALL: 'C' },
    missingHint: 'downloading packages needs APT (apt-get); or build with --use-installed',
  });
  if (result.aborted) throw new ToolError('E_TOOL_FAILED', 'apt-get download was interrupted');
  return { ok: result.code === 0, stderr: result.stderr };
}

export async function downloadDebs(
  wanted: readonly DebWanted[],
  cacheDir: string,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; aptLists?: string } = {},
): Promise<Downloaded> {
  mkdirSync(cacheDir, { recursive: true });
  const cached = (p: DebWanted): boolean => existsSync(join(cacheDir, debFileName(p)));
  const spec = (p: DebWanted): string => `${p.name}:${p.arch}=${p.version}`;
  // A version no APT source offers is remembered until the package lists change: asking again
  // costs one apt-get start per package (several seconds each on a loaded machine), every build.
  const marker = (p: DebWanted): string => join(cacheDir, `${debFileName(p)}.unavailable`);
  const listsChanged = statSync(options.aptLists ?? APT_LISTS, { throwIfNoEntry: false })?.mtimeMs ?? Number.POSITIVE_INFINITY;
  const knownUnavailable = (p: DebWanted): boolean => (statSync(marker(p), { throwIfNoEntry: false })?.mtimeMs ?? Number.NEGATIVE_INFINITY) > listsChanged;
  const unavailable: string[] = wanted.filter((p) => !cached(p) && knownUnavailable(p)).map((p) => p.name);
  if (wanted.some((p) => !cached(p) && !knownUnavailable(p))) {
    const lock = await acquireExclusiveLock(join(cacheDir, '.lock'), { signal: options.signal });
    const work = mkdtempSync(join(cacheDir, '.download-'));
    try {
      const still = wanted.filter((p) => !cached(p) && !knownUnavailable(p));
      // One apt-get per batch: each start reads the package lists, which takes a second or more.
      // When a batch fails, its packages are fetched one by one to tell which are unavailable.
      const BATCH = 50;
      for (let at = 0; at < still.length; at += BATCH) {
        const batch = still.slice(at, at + BATCH);
        if (!(await aptDownload(batch.map(spec), work, options.signal)).ok) {
          for (const p of batch) {
            const one = await aptDownload([spec(p)], work, options.signal);
            if (!one.ok) {
              if (!/Can't find a source to download version|Unable to locate package/.test(one.stderr)) {
                throw new ToolError('E_TOOL_FAILED', `apt-get download ${spec(p)} failed: ${lastLines(one.stderr, 4)}`, {
                  hint: 'check the network and the APT sources (apt-get update); or use --use-installed',
                });
              }
              unavailable.push(p.name);
              writeFileSync(marker(p), '');
            }
          }
        }
        for (const name of readdirSync(work)) renameSync(join(work, name), join(cacheDir, name));
        options.onProgress?.(Math.min(at + BATCH, still.length), still.length);
      }
    } finally {
      removeTree(work);
      lock.release();
    }
  }
  const files = new Map<string, string>();
  for (const p of wanted) {
    if (unavailable.includes(p.name)) continue;
    const file = join(cacheDir, debFileName(p));
    if (!existsSync(file)) {
      throw new ToolError('E_TOOL_FAILED', `apt-get download did not produce ${debFileName(p)}`, {
        file: cacheDir,
        hint: 'or use --use-installed to read the scripts from the host dpkg database',
      });
    }
    files.set(p.name, file);
  }
  return { files, unavailable: unavailable.sort() };
}
