import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Makes every directory under `root` writable by its owner, never following symlinks. */
function makeDirsWritable(root: string): void {
  let st;
  try {
    st = lstatSync(root);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  try {
    chmodSync(root, (st.mode & 0o7777) | 0o700);
  } catch {
    // Not ours to change: the retry below reports what could not be removed.
  }
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) makeDirsWritable(join(root, name));
}

/**
 * Removes a tree, including one built without root by supermin's chroot format, which copies
 * read-only directories (e.g. /usr/share/ca-certificates mode 0555) that plain `rm -r` cannot empty.
 * Synchronous so it can also run from a process 'exit' handler.
 */
export function removeTree(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'ENOTEMPTY') throw e;
  }
  makeDirsWritable(path);
  rmSync(path, { recursive: true, force: true });
}
