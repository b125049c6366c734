import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError } from '../errors.js';
import { sniffPackageFormat } from './sniff.js';

/** Bytes read from each file found in a directory to decide whether it is a package. */
const PROBE_BYTES = 1024 * 1024;

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(PROBE_BYTES);
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

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile() && (await sniffPackageFormat(await readHead(path), { partial: true })) !== undefined) out.push(path);
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
