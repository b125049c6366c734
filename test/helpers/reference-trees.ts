/**
 * Real Debian trees for reference comparisons of the appliers: a bookworm minbase chroot (with
 * adduser) made once by mmdebstrap and cached, and packages fetched with `apt-get download` into
 * the shared deb cache. Both need root and the network the first time; tests skip without them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './cache-dir.js';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The cached chroot (never modify it: copy it first), or a reason it is not available. */
export function bookwormChroot(): { dir: string } | { skip: string } {
  const base = cacheDir('mmdebstrap');
  const dir = join(base, 'bookworm-minbase-adduser');
  if (existsSync(join(dir, 'usr/sbin/adduser'))) return { dir };
  if (!isRoot()) return { skip: 'making the chroot needs root' };
  if (!hasCommand('mmdebstrap')) return { skip: 'mmdebstrap is not installed' };
  const partial = join(base, 'bookworm-minbase-adduser.partial');
  try {
    execFileSync(
      'flock',
      [join(base, '.lock'), 'sh', '-c', 'test -e "$1/usr/sbin/adduser" || { rm -rf "$2" && mmdebstrap --quiet --variant=minbase --include=adduser bookworm "$2"; }', 'sh', dir, partial],
      { stdio: 'ignore', timeout: 600_000 },
    );
    if (existsSync(partial)) renameSync(partial, dir);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    return { skip: `mmdebstrap failed: ${(e as Error).message}` };
  }
  return existsSync(join(dir, 'usr/sbin/adduser')) ? { dir } : { skip: 'mmdebstrap made no chroot' };
}

/** cp -a, preserving owners and links. */
export function copyTree(from: string, to: string): void {
  execFileSync('cp', ['-a', `${from}/.`, to]);
}

/** The path of a downloaded .deb for `name`, fetched into the shared cache when missing. */
export function debFile(name: string): string | undefined {
  const dir = cacheDir('debs');
  const find = (): string | undefined => readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  let file = find();
  if (!file) {
    try {
      execFileSync('flock', [join(dir, '.lock'), 'apt-get', 'download', name], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
    } catch {
      return undefined;
    }
    file = find();
  }
  return file ? join(dir, file) : undefined;
}

/** Unpacks a package's files; an existing merged-/usr symlink (/bin -> usr/bin) stays a symlink. */
export function extractDeb(deb: string, into: string): void {
  execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x --keep-directory-symlink -C "$2"', 'sh', deb, into]);
}

export interface TreeNode {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  target?: string;
  content?: string;
}

/** Every node under `root/sub` (sub included), keyed by its image path. */
export function walkTree(root: string, sub: string): Map<string, TreeNode> {
  const out = new Map<string, TreeNode>();
  const visit = (rel: string): void => {
    const host = join(root, rel);
    let st;
    try {
      st = lstatSync(host);
    } catch {
      return;
    }
    const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    if (st.isSymbolicLink()) out.set(rel, { type: 'symlink', ...base, mode: 0o777, target: readlinkSync(host) });
    else if (st.isDirectory()) {
      out.set(rel, { type: 'dir', ...base });
      for (const n of readdirSync(host).sort()) visit(`${rel}/${n}`);
    } else out.set(rel, { type: 'file', ...base, content: readFileSync(host, 'latin1') });
  };
  visit(sub);
  return out;
}
