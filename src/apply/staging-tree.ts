/**
 * The write set the appliers produce: what the image gains (files, directories, symlinks, with
 * numeric owners resolved through the staged /etc/passwd and /etc/group) and what it loses. It is
 * data, never a host directory, so nothing is chowned on the build host; `toOverlayEntries` hands
 * it to the overlay tarball writer and `applyToDirectory` realises it in a host directory for
 * comparisons with a reference tree (owners returned separately).
 */
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OverlayEntry } from '../appliance/overlay-tar.js';
import { IoError } from '../errors.js';
import { joinPath, splitPath } from './image-view.js';

export interface Ownership {
  uid: number;
  gid: number;
  /** Names as the image's own passwd and group files spell them, for tar headers. */
  uname?: string;
  gname?: string;
}

export type StagedNode =
  | ({ type: 'file'; mode: number; content: Buffer } & Ownership)
  | ({ type: 'dir'; mode: number } & Ownership)
  | ({ type: 'symlink'; target: string } & Ownership)
  /** The image's node at this path (and below it) is gone. */
  | { type: 'remove' };

export const ROOT_OWNER: Ownership = { uid: 0, gid: 0, uname: 'root', gname: 'root' };

/** Normalises an absolute image path: one leading slash, no empty, `.` or `..` segments. */
export function normalisePath(path: string): string {
  if (!path.startsWith('/')) throw new IoError(`staged path ${JSON.stringify(path)} is not absolute`, { file: path });
  if (path.includes('\0')) throw new IoError(`staged path ${JSON.stringify(path)} contains a NUL byte`, { file: path });
  const segments = splitPath(path);
  if (segments.includes('..')) throw new IoError(`staged path ${JSON.stringify(path)} contains ".."`, { file: path });
  return joinPath(segments);
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export interface DirectoryOwnership {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
}

export class StagingTree {
  private readonly nodes = new Map<string, StagedNode>();

  get(path: string): StagedNode | undefined {
    return this.nodes.get(normalisePath(path));
  }

  /** True when `path` or one of its parents is staged as removed. */
  isRemoved(path: string): boolean {
    const segments = splitPath(normalisePath(path));
    for (let i = segments.length; i > 0; i--) {
      const node = this.nodes.get(joinPath(segments.slice(0, i)));
      if (node?.type === 'remove') return true;
      if (node && i < segments.length) return false;
    }
    return false;
  }

  writeFile(path: string, content: string | Buffer, mode = 0o644, owner: Ownership = ROOT_OWNER): void {
    this.nodes.set(normalisePath(path), { type: 'file', mode, content: Buffer.from(content), ...owner });
  }

  mkdir(path: string, mode = 0o755, owner: Ownership = ROOT_OWNER): void {
    this.nodes.set(normalisePath(path), { type: 'dir', mode, ...owner });
  }

  symlink(path: string, target: string, owner: Ownership = ROOT_OWNER): void {
    this.nodes.set(normalisePath(path), { type: 'symlink', target, ...owner });
  }

  /** Drops staged nodes at and below `path`; `fromImage` also records that the image's node goes. */
  remove(path: string, fromImage: boolean): void {
    const p = normalisePath(path);
    const prefix = p === '/' ? '/' : `${p}/`;
    for (const key of [...this.nodes.keys()]) {
      if (key === p || key.startsWith(prefix)) this.nodes.delete(key);
    }
    if (fromImage) this.nodes.set(p, { type: 'remove' });
  }

  /** Every staged path in byte order (parents before children). */
  paths(): string[] {
    return [...this.nodes.keys()].sort((a, b) => compareSegments(a, b));
  }

  entries(): [string, StagedNode][] {
    return this.paths().map((p) => [p, this.nodes.get(p) as StagedNode]);
  }

  /** Paths of the image the build removes; an overlay archive cannot express these. */
  removals(): string[] {
    return this.paths().filter((p) => this.nodes.get(p)?.type === 'remove');
  }

  /** The additions as overlay-tar entries (relative paths, numeric owners). */
  toOverlayEntries(): OverlayEntry[] {
    const out: OverlayEntry[] = [];
    for (const [path, node] of this.entries()) {
      if (node.type === 'remove') continue;
      const rel = path.slice(1);
      // Ids only: the image's user names need not exist on the host that unpacks the archive.
      const owner = { uid: node.uid, gid: node.gid };
      if (node.type === 'file') out.push({ type: 'file', path: rel, mode: node.mode, content: node.content, ...owner });
      else if (node.type === 'dir') out.push({ type: 'dir', path: rel, mode: node.mode, ...owner });
      else out.push({ type: 'symlink', path: rel, target: node.target, ...owner });
    }
    return out;
  }

  /**
   * Writes the staged nodes into `dir` (a copy of the image, or an empty directory) without
   * chown, and returns the ownership each node should have. Refuses to go through a symlink
   * that is already in `dir`, so it never writes outside it.
   */
  applyToDirectory(dir: string): DirectoryOwnership[] {
    const owners: DirectoryOwnership[] = [];
    for (const [path, node] of this.entries()) {
      const segments = splitPath(path);
      const host = join(dir, ...segments);
      for (let i = 1; i < segments.length; i++) {
        const parent = join(dir, ...segments.slice(0, i));
        const st = lstatOrUndefined(parent);
        if (st === undefined) mkdirSync(parent, { mode: 0o755 });
        else if (st.isSymbolicLink()) {
          throw new IoError(`${joinPath(segments.slice(0, i))} is a symlink in ${dir}; not writing through it`, { file: parent });
        }
      }
      if (node.type === 'remove') {
        rmSync(host, { recursive: true, force: true });
        continue;
      }
      const existing = lstatOrUndefined(host);
      if (existing && !(node.type === 'dir' && existing.isDirectory())) rmSync(host, { recursive: true, force: true });
      if (node.type === 'file') {
        writeFileSync(host, node.content);
        chmodSync(host, node.mode);
      } else if (node.type === 'dir') {
        if (!existing?.isDirectory()) mkdirSync(host);
        chmodSync(host, node.mode);
      } else {
        symlinkSync(node.target, host);
      }
      owners.push({ path, type: node.type, mode: node.type === 'symlink' ? 0o777 : node.mode, uid: node.uid, gid: node.gid });
    }
    return owners;
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function compareSegments(a: string, b: string): number {
  const x = splitPath(a);
  const y = splitPath(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const c = compareBytes(x[i] as string, y[i] as string);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}
