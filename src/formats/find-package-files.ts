import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError } from '../errors.js';
import { packageReaders } from './registry.js';
import { sniffPackageFormat } from './sniff.js';

/** Bytes read from each file found in a directory: enough for every magic-number check. */
const SNIFF_BYTES = 4096;
/** Bytes read from an Arch candidate (a compressed stream or a tar) to look for `.PKGINFO`. */
const PROBE_BYTES = 1024 * 1024;

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(bytes);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Most files are told by their first bytes; only an Arch candidate needs a longer, decompressed look. */
async function isPackageFile(path: string): Promise<boolean> {
  const head = await readHead(path, SNIFF_BYTES);
  if ((await sniffPackageFormat(head, { partial: true })) !== undefined) return true;
  if (head.length < SNIFF_BYTES || ![...packageReaders.values()].some((r) => r.sniff(head))) return false;
  return (await sniffPackageFormat(await readHead(path, PROBE_BYTES), { partial: true })) !== undefined;
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile() && (await isPackageFile(path))) out.push(path);
  }
}

/**
 * Expands command-line paths into package files: a file is taken as given (reading it reports
 * what is wrong with it); a directory is searched recursively, in byte order of names, keeping
 * only files whose content is a package. Symbolic links inside directories are not followed. A
 * path met twice is listed once, where it was first met.
 */
export async function findPackageFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new IoError(code === 'ENOENT' ? 'no such file or directory' : `cannot access: ${String(cause)}`, { file: path }, { cause });
    }
    try {
      if (info.isDirectory()) await walk(path, out);
      else out.push(path);
    } catch (cause) {
      if (cause instanceof IoError) throw cause;
      throw new IoError(`cannot read directory: ${(cause as Error).message}`, { file: path }, { cause });
    }
  }
  return [...new Set(out)];
}
