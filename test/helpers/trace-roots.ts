/**
 * Root trees for trace tests: a slim copy of the cached bookworm chroot (no /usr/share, perl or
 * apt caches: hostile fixtures need only a shell and coreutils, and every trace copies its root),
 * and the same tree owned by an unprivileged user for non-root traces.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireExclusiveLock } from '../../src/supermin/exclusive-lock.js';
import { cacheDir } from './cache-dir.js';
import { bookwormChroot } from './reference-trees.js';

const SLIM_EXCLUDES = ['usr/share', 'usr/lib/x86_64-linux-gnu/perl', 'usr/lib/x86_64-linux-gnu/perl-base', 'usr/lib/x86_64-linux-gnu/gconv', 'var/cache', 'var/lib/apt'];
/** A shadow entry only the test tree has, to tell its /etc/shadow from the host's. */
export const TREE_ONLY_SHADOW = 'scriptlet-tree-only:*:19000:0:99999:7:::';

/** The slim root, owned as in the chroot (uid) or entirely by `owner`. */
export async function slimRoot(owner?: { uid: number; gid: number }): Promise<{ dir: string } | { skip: string }> {
  const chroot = bookwormChroot();
  if ('skip' in chroot) return chroot;
  const base = cacheDir('trace');
  const dir = join(base, owner ? `slim-root-${owner.uid}` : 'slim-root');
  if (existsSync(`${dir}.done`)) return { dir };
  const lock = await acquireExclusiveLock(join(base, '.lock'));
  try {
    if (existsSync(`${dir}.done`)) return { dir };
    make(chroot.dir, dir, owner);
  } finally {
    lock.release();
  }
  return { dir };
}

function make(chroot: string, dir: string, owner?: { uid: number; gid: number }): void {
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  execFileSync('cp', ['-a', `${chroot}/.`, partial]);
  for (const x of SLIM_EXCLUDES) rmSync(join(partial, x), { recursive: true, force: true });
  execFileSync('sh', ['-c', 'echo "$2" >>"$1/etc/shadow"', 'sh', partial, TREE_ONLY_SHADOW]);
  if (owner) execFileSync('chown', ['-R', '--no-dereference', `${owner.uid}:${owner.gid}`, partial]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  writeFileSync(`${dir}.done`, '');
}
