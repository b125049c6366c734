import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from '../errors.js';
import { packageReaders } from './registry.js';
import { sniffPackageFormat } from './sniff.js';

/** Bytes read from each file found in a directory: enough for every magic-number check. */
const SNIFF_BYTES = 4096;
/** Bytes read from an Arch candidate (a compressed stream or a tar) to look for `.PKGINFO`. */
const PROBE_BYTES = 1024 * 1024;

/**
 * Synchronous on purpose: a directory of a thousand packages took about a second with an awaited
 * open, read and close per file (three thread-pool round trips each), and 40 ms this way. Nothing
 * else runs while the command line's paths are expanded.
 */
function readHead(path: string, bytes: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(bytes);
    let filled = 0;
    while (filled < buffer.length) {
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** Most files are told by their first bytes; only an Arch candidate needs a longer, decompressed look. */
async function isPackageFile(path: string): Promise<boolean> {
  const head = readHead(path, SNIFF_BYTES);
  if ((await sniffPackageFormat(head, { partial: true })) !== undefined) return true;
  if (head.length < SNIFF_BYTES || ![...packageReaders.values()].some((r) => r.sniff(head))) return false;
  return (await sniffPackageFormat(readHead(path, PROBE_BYTES), { partial: true })) !== undefined;
}

/** A link to a regular file counts as the file; a link to a directory is not followed (no cycles). */
function isRegularFile(path: string, entry: { isFile(): boolean; isSymbolicLink(): boolean }): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path).isFile();
  } catch {
    // A dangling link names no package.
    return false;
  }
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (isRegularFile(path, entry) && (await isPackageFile(path))) out.push(path);
  }
}

export interface FoundPackageFiles {
  files: string[];
  /** Directories among the paths with no package file anywhere below them, in the order given. */
  emptyDirectories: string[];
}

/**
 * Expands command-line paths into package files: a file is taken as given (reading it reports
 * what is wrong with it); a directory is searched recursively, in byte order of names, keeping
 * only files whose content is a package. Inside directories, a symbolic link to a file counts as
 * that file and a link to a directory is not followed. A file met twice (by the same path, or
 * through a link) is listed once, under the path it was first met by.
 */
export async function findPackageFiles(paths: readonly string[]): Promise<FoundPackageFiles> {
  const out: string[] = [];
  const emptyDirectories: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = statSync(path);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new IoError(code === 'ENOENT' ? 'no such file or directory' : `cannot access: ${String(cause)}`, { file: path }, { cause });
    }
    try {
      if (info.isDirectory()) {
        const before = out.length;
        await walk(path, out);
        if (out.length === before) emptyDirectories.push(path);
      } else out.push(path);
    } catch (cause) {
      if (cause instanceof IoError) throw cause;
      throw new IoError(`cannot read directory: ${(cause as Error).message}`, { file: path }, { cause });
    }
  }
  const seen = new Set<string>();
  const files = out.filter((path) => {
    const key = realPath(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { files, emptyDirectories };
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // Reading it will report what is wrong with it.
    return path;
  }
}
