/**
 * Host-side reads and writes inside a traced tree that never follow a symlink: a script may have
 * turned /etc or /etc/passwd into a link to the host's /etc/shadow, and the host must then read
 * nothing rather than its own files.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** True when every component of `imagePath` below `tree` is a real directory. */
export function isRealDir(tree: string, imagePath: string): boolean {
  let at = tree;
  for (const part of imagePath.split('/').filter((p) => p !== '')) {
    at = join(at, part);
    try {
      if (!lstatSync(at).isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function parentOf(imagePath: string): string {
  return imagePath.slice(0, imagePath.lastIndexOf('/')) || '/';
}

/** The file's text, or undefined when it is missing, not a regular file, or reached through a link. */
export function readTreeFile(tree: string, imagePath: string, maxBytes: number): Buffer | undefined {
  if (!isRealDir(tree, parentOf(imagePath))) return undefined;
  let fd: number;
  try {
    fd = openSync(join(tree, imagePath), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const size = Math.min(st.size, maxBytes);
    const buf = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, buf, filled, size - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return buf.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file whose parent is a real directory of the tree (replacing a regular file only). */
export function writeTreeFile(tree: string, imagePath: string, data: string | Uint8Array, mode: number): boolean {
  if (!isRealDir(tree, parentOf(imagePath))) return false;
  const path = join(tree, imagePath);
  try {
    if (!lstatSync(path).isFile()) return false;
  } catch {
    // Missing: created below.
  }
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, mode);
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** sha256 of a regular file reached without links, streamed in chunks; undefined otherwise. */
export function hashTreeFile(tree: string, imagePath: string): string | undefined {
  if (!isRealDir(tree, parentOf(imagePath))) return undefined;
  let fd: number;
  try {
    fd = openSync(join(tree, imagePath), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const hash = createHash('sha256');
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}
