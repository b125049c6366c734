/**
 * A read-only view of the unpacked image the actions apply to: the packages' files as supermin or
 * `mmdebstrap --variant=extract` lay them out. Paths are absolute image paths (`/etc/passwd`).
 * Symlinks are resolved against the image root, never against the host: an absolute target
 * `/usr/lib` inside the image means `<root>/usr/lib`, and `..` stops at the root, so a hostile
 * package cannot make an applier read a host file.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from '../errors.js';

export type NodeType = 'file' | 'dir' | 'symlink' | 'other';

export interface NodeStat {
  type: NodeType;
  /** Permission bits (07777). */
  mode: number;
  uid: number;
  gid: number;
}

export interface ImageView {
  /** The node itself, without following a final symlink (parents are resolved); undefined when absent. */
  lstat(path: string): NodeStat | undefined;
  /** The target of the symlink at `path`, as stored. */
  readlink(path: string): string | undefined;
  /** Names in a directory (symlinks followed), sorted; empty when it is not a directory. */
  list(path: string): string[];
  /** A file's bytes (symlinks followed); undefined when it is not a regular file. */
  readFile(path: string): Buffer | undefined;
}

/** Symlink hops before a path counts as a loop (Linux's MAXSYMLINKS). */
const MAX_HOPS = 40;

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

export function joinPath(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/**
 * The canonical path of `path` inside the image: every symlink in it (the last one too when
 * `followLast`) replaced by its target, `..` clamped at the root. Pure apart from `view`.
 */
export function resolvePath(view: Pick<ImageView, 'lstat' | 'readlink'>, path: string, followLast = true): string {
  const done: string[] = [];
  let todo = splitPath(path);
  let hops = 0;
  while (todo.length > 0) {
    const [head, ...rest] = todo as [string, ...string[]];
    todo = rest;
    if (head === '..') {
      done.pop();
      continue;
    }
    const candidate = [...done, head];
    if (todo.length === 0 && !followLast) return joinPath(candidate);
    const st = view.lstat(joinPath(candidate));
    if (st?.type === 'symlink') {
      hops += 1;
      if (hops > MAX_HOPS) throw new IoError(`too many levels of symbolic links in ${path}`, { file: path });
      const target = view.readlink(joinPath(candidate)) ?? '';
      if (target.startsWith('/')) done.length = 0;
      todo = [...splitPath(target), ...todo];
      continue;
    }
    done.push(head);
  }
  return joinPath(done);
}

/** Follows every symlink of `path` and says what is there. */
export function statPath(view: ImageView, path: string): NodeStat | undefined {
  return view.lstat(resolvePath(view, path, true));
}

export function exists(view: ImageView, path: string): boolean {
  return statPath(view, path) !== undefined;
}

export function readText(view: ImageView, path: string): string | undefined {
  return view.readFile(path)?.toString('utf8');
}

/** The node type of an lstat mode. */
export function typeOf(mode: number): NodeType {
  switch (mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'dir';
    case 0o120000:
      return 'symlink';
    default:
      return 'other';
  }
}

/** An image unpacked in a host directory. Every lookup resolves symlinks itself, inside `root`. */
export class HostImageView implements ImageView {
  constructor(readonly root: string) {}

  /** Host path of an already-resolved image path; parents are resolved first. */
  private host(path: string, followLast: boolean): string {
    return join(this.root, ...splitPath(resolvePath(this.rawView, path, followLast)));
  }

  /** lstat and readlink on literal paths whose parents are known to be real directories. */
  private readonly rawView = {
    lstat: (path: string): NodeStat | undefined => this.lstatLiteral(join(this.root, ...splitPath(path))),
    readlink: (path: string): string | undefined => {
      try {
        return readlinkSync(join(this.root, ...splitPath(path)), 'utf8');
      } catch {
        return undefined;
      }
    },
  };

  private lstatLiteral(hostPath: string): NodeStat | undefined {
    try {
      const st = lstatSync(hostPath);
      return { type: typeOf(st.mode), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new IoError(`cannot read the image: ${(e as Error).message}`, { file: hostPath }, { cause: e });
    }
  }

  lstat(path: string): NodeStat | undefined {
    return this.lstatLiteral(this.host(path, false));
  }

  readlink(path: string): string | undefined {
    try {
      return readlinkSync(this.host(path, false), 'utf8');
    } catch {
      return undefined;
    }
  }

  list(path: string): string[] {
    const hostPath = this.host(path, true);
    if (this.lstatLiteral(hostPath)?.type !== 'dir') return [];
    return readdirSync(hostPath).sort();
  }

  readFile(path: string): Buffer | undefined {
    const hostPath = this.host(path, true);
    if (this.lstatLiteral(hostPath)?.type !== 'file') return undefined;
    try {
      return readFileSync(hostPath);
    } catch (e) {
      throw new IoError(`cannot read ${path} in the image: ${(e as Error).message}`, { file: hostPath }, { cause: e });
    }
  }
}

export type MemoryNode =
  | { type: 'file'; content: string | Uint8Array; mode?: number; uid?: number; gid?: number }
  | { type: 'dir'; mode?: number; uid?: number; gid?: number }
  | { type: 'symlink'; target: string };

/**
 * An image described in memory, for tests and for synthetic trees. Parent directories are
 * implied. Keys are absolute paths whose parents contain no symlinks.
 */
export class MemoryImageView implements ImageView {
  private readonly nodes = new Map<string, MemoryNode>();

  constructor(nodes: Record<string, MemoryNode | string> = {}) {
    for (const [path, node] of Object.entries(nodes)) this.set(path, node);
  }

  /** Adds a node; a string is a regular file with that content. */
  set(path: string, node: MemoryNode | string): this {
    const segments = splitPath(path);
    for (let i = 1; i < segments.length; i++) {
      const parent = joinPath(segments.slice(0, i));
      if (!this.nodes.has(parent)) this.nodes.set(parent, { type: 'dir' });
    }
    this.nodes.set(joinPath(segments), typeof node === 'string' ? { type: 'file', content: node } : node);
    return this;
  }

  private literal(path: string): MemoryNode | undefined {
    if (splitPath(path).length === 0) return { type: 'dir' };
    return this.nodes.get(joinPath(splitPath(path)));
  }

  lstat(path: string): NodeStat | undefined {
    const node = this.literal(resolvePath(this.raw, path, false));
    if (!node) return undefined;
    if (node.type === 'symlink') return { type: 'symlink', mode: 0o777, uid: 0, gid: 0 };
    return { type: node.type, mode: node.mode ?? (node.type === 'dir' ? 0o755 : 0o644), uid: node.uid ?? 0, gid: node.gid ?? 0 };
  }

  private readonly raw = {
    lstat: (path: string): NodeStat | undefined => {
      const node = this.literal(path);
      return node ? { type: node.type, mode: 0, uid: 0, gid: 0 } : undefined;
    },
    readlink: (path: string): string | undefined => {
      const node = this.literal(path);
      return node?.type === 'symlink' ? node.target : undefined;
    },
  };

  readlink(path: string): string | undefined {
    const node = this.literal(resolvePath(this.raw, path, false));
    return node?.type === 'symlink' ? node.target : undefined;
  }

  list(path: string): string[] {
    const dir = resolvePath(this.raw, path, true);
    if (this.literal(dir)?.type !== 'dir') return [];
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const key of this.nodes.keys()) {
      if (key.startsWith(prefix)) {
        const name = key.slice(prefix.length).split('/')[0];
        if (name) names.add(name);
      }
    }
    return [...names].sort();
  }

  readFile(path: string): Buffer | undefined {
    const node = this.literal(resolvePath(this.raw, path, true));
    if (node?.type !== 'file') return undefined;
    return typeof node.content === 'string' ? Buffer.from(node.content, 'utf8') : Buffer.from(node.content);
  }
}
