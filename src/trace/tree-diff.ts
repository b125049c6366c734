/**
 * What a script changed in a tree, from snapshots taken before and after it ran. A file whose inode
 * and change time are unchanged cannot have new content (ctime moves on every write and cannot be
 * set by a process), so only files that moved are hashed.
 */
import type { NodeType, TreeNode, TreeSnapshot } from './tree-snapshot.js';

export type ChangeKind = 'created' | 'changed' | 'removed';
export type ChangedField = 'type' | 'content' | 'mode' | 'owner' | 'target';

export interface FileState {
  type: NodeType;
  mode: number;
  uid: number;
  gid: number;
  size?: number;
  sha256?: string;
  target?: string;
}

export interface FileChange {
  path: string;
  change: ChangeKind;
  /** For `changed`: which properties differ. */
  fields?: ChangedField[];
  before?: FileState;
  after?: FileState;
}

/** Content hashes, looked up lazily: `before` from the pristine layers, `after` from the tree. */
export interface ContentHashes {
  before(path: string, node: TreeNode): string | undefined;
  after(path: string, node: TreeNode): string | undefined;
}

function state(node: TreeNode, sha256: string | undefined): FileState {
  const s: FileState = { type: node.type, mode: node.mode, uid: node.uid, gid: node.gid };
  if (node.type === 'file') s.size = node.size;
  if (sha256 !== undefined) s.sha256 = sha256;
  if (node.target !== undefined) s.target = node.target;
  return s;
}

function maybeNewContent(a: TreeNode, b: TreeNode): boolean {
  return a.type === 'file' && (a.ino !== b.ino || a.ctimeNs !== b.ctimeNs || a.size !== b.size);
}

export function diffTrees(before: TreeSnapshot, after: TreeSnapshot, hashes: ContentHashes): FileChange[] {
  const out: FileChange[] = [];
  for (const [path, a] of after) {
    const b = before.get(path);
    if (!b) {
      out.push({ path, change: 'created', after: state(a, a.type === 'file' ? hashes.after(path, a) : undefined) });
      continue;
    }
    const fields: ChangedField[] = [];
    let hb: string | undefined;
    let ha: string | undefined;
    if (a.type !== b.type) fields.push('type');
    else if (maybeNewContent(a, b)) {
      hb = hashes.before(path, b);
      ha = hashes.after(path, a);
      // Without the old content (no pristine copy) the change is assumed unless a new mode or
      // owner explains the moved ctime: over-reporting is safer than missing a write.
      const explained = a.ino === b.ino && a.size === b.size && (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid);
      if (hb === undefined || ha === undefined ? !explained : hb !== ha) fields.push('content');
    }
    if (a.mode !== b.mode && a.type !== 'symlink') fields.push('mode');
    if (a.uid !== b.uid || a.gid !== b.gid) fields.push('owner');
    if (a.type === 'symlink' && b.type === 'symlink' && a.target !== b.target) fields.push('target');
    if (fields.length === 0) continue;
    if (b.type === 'file' && hb === undefined) hb = hashes.before(path, b);
    if (a.type === 'file' && ha === undefined) ha = hashes.after(path, a);
    out.push({ path, change: 'changed', fields, before: state(b, hb), after: state(a, ha) });
  }
  for (const [path, b] of before) {
    if (after.has(path)) continue;
    out.push({ path, change: 'removed', before: state(b, undefined) });
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
