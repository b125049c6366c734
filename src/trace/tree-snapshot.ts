/**
 * The effectful edge of the file diff: one lstat per entry of a traced tree, never following a
 * symlink, so a link the script planted (to `/`, to `../..`) is recorded as a link and not walked.
 */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../errors.js';

export type NodeType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'char' | 'block';

export interface TreeNode {
  type: NodeType;
  /** Permission bits with setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Inode and change time: together they say whether a file's content may have changed. */
  ino: bigint;
  ctimeNs: bigint;
  target?: string;
}

/** Image path (`/etc/passwd`) -> node. */
export type TreeSnapshot = Map<string, TreeNode>;

export interface SnapshotOptions {
  /** Image paths left out with everything below them (the harness's own mounts). */
  exclude?: ReadonlySet<string>;
  /** A script can create millions of files; past this many entries the walk stops with an error. */
  maxEntries?: number;
}

export const DEFAULT_MAX_ENTRIES = 1_000_000;

interface TypeTests {
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
  isFile(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
}

function nodeType(st: TypeTests): NodeType {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  return 'block';
}

export function snapshotTree(root: string, options: SnapshotOptions = {}): TreeSnapshot {
  const exclude = options.exclude ?? new Set<string>();
  const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const out: TreeSnapshot = new Map();
  const stack: string[] = ['/'];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(join(root, dir));
    } catch {
      // Unreadable to us (a non-root trace of a mode-0700 directory): its content stays unknown.
      continue;
    }
    for (const name of names) {
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
      if (exclude.has(path)) continue;
      let st;
      try {
        st = lstatSync(join(root, path), { bigint: true });
      } catch {
        continue;
      }
      if (out.size >= max) {
        throw new FormatError('E_FORMAT_LIMIT', `the traced tree has more than ${max} entries`, { file: root });
      }
      const type = nodeType(st);
      const node: TreeNode = {
        type,
        mode: Number(st.mode & 0o7777n),
        uid: Number(st.uid),
        gid: Number(st.gid),
        size: Number(st.size),
        ino: st.ino,
        ctimeNs: st.ctimeNs,
      };
      if (type === 'symlink') {
        try {
          node.target = readlinkSync(join(root, path));
        } catch {
          node.target = '';
        }
      }
      out.set(path, node);
      if (type === 'dir') stack.push(path);
    }
  }
  return out;
}
