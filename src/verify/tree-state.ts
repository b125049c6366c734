/**
 * The files of an image under some directories as comparable records: type, permission bits,
 * owner and group by name (as the image's own passwd and group spell them, so two images that
 * gave an account different ids still compare by who owns the file), a content digest, and a
 * symlink's target as stored. Symlinks are not followed: a link is compared as a link.
 */
import { createHash } from 'node:crypto';
import { type ImageView, joinPath, readText, splitPath } from '../apply/image-view.js';
import { parseGroup, parsePasswd } from '../apply/identity-files.js';

export interface FileState {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  owner: string;
  group: string;
  /** sha256 of a regular file's contents. */
  sha256?: string;
  size?: number;
  target?: string;
}

export type TreeState = Map<string, FileState>;

function names(text: string | undefined, parse: (t: string) => { entry?: { name: string; id: number } }[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of parse(text ?? '')) if (l.entry && !out.has(l.entry.id)) out.set(l.entry.id, l.entry.name);
  return out;
}

export interface ReadTreeOptions {
  /** A regular file's digest without reading it (from a tarball's index); undefined to read the file. */
  digest?: (path: string) => { sha256: string; size: number } | undefined;
  /** Where owner and group names come from (default: the view itself); an unpacked tree has no /etc/passwd yet. */
  accounts?: ImageView;
}

/** Every node at and below each of `roots` (absolute image paths), keyed by image path. */
export function readTreeState(view: ImageView, roots: readonly string[], options: ReadTreeOptions = {}): TreeState {
  const db = options.accounts ?? view;
  const users = names(readText(db, '/etc/passwd'), (t) => parsePasswd(t).map((l) => ('entry' in l ? { entry: { name: l.entry.name, id: l.entry.uid } } : {})));
  const groups = names(readText(db, '/etc/group'), (t) => parseGroup(t).map((l) => ('entry' in l ? { entry: { name: l.entry.name, id: l.entry.gid } } : {})));
  const out: TreeState = new Map();
  const visit = (path: string): void => {
    const st = view.lstat(path);
    if (!st) return;
    const node: FileState = {
      type: st.type,
      mode: st.type === 'symlink' ? 0o777 : st.mode,
      owner: users.get(st.uid) ?? `#${st.uid}`,
      group: groups.get(st.gid) ?? `#${st.gid}`,
    };
    if (st.type === 'symlink') node.target = view.readlink(path) ?? '';
    else if (st.type === 'file') {
      const known = options.digest?.(path);
      if (known) {
        node.sha256 = known.sha256;
        node.size = known.size;
      } else {
        const bytes = view.readFile(path) ?? Buffer.alloc(0);
        node.sha256 = createHash('sha256').update(bytes).digest('hex');
        node.size = bytes.length;
      }
    }
    out.set(path, node);
    if (st.type === 'dir') for (const name of view.list(path)) visit(joinPath([...splitPath(path), name]));
  };
  for (const r of roots) visit(joinPath(splitPath(r)));
  return out;
}

/** Equal in every compared field. */
export function sameFile(a: FileState | undefined, b: FileState | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.mode === b.mode && a.owner === b.owner && a.group === b.group && a.sha256 === b.sha256 && a.target === b.target;
}

/** What differs between two states of one path, in words (`mode 0644 -> 0640`). */
export function describeChange(ref: FileState | undefined, got: FileState | undefined): string {
  if (!ref && !got) return 'absent in both';
  if (!got) return `missing (reference has ${summary(ref!)})`;
  if (!ref) return `extra (reference has nothing; got ${summary(got)})`;
  const parts: string[] = [];
  if (ref.type !== got.type) return `type ${ref.type} -> ${got.type}`;
  if (ref.mode !== got.mode) parts.push(`mode ${octal(ref.mode)} -> ${octal(got.mode)}`);
  if (ref.owner !== got.owner || ref.group !== got.group) parts.push(`owner ${ref.owner}:${ref.group} -> ${got.owner}:${got.group}`);
  if (ref.target !== got.target) parts.push(`target ${ref.target ?? ''} -> ${got.target ?? ''}`);
  if (ref.sha256 !== got.sha256) parts.push(`content differs (${ref.size ?? 0} -> ${got.size ?? 0} bytes)`);
  return parts.join(', ');
}

export function summary(s: FileState): string {
  const what = s.type === 'symlink' ? `symlink -> ${s.target}` : s.type === 'file' ? `file ${octal(s.mode)} ${s.size ?? 0} bytes` : `${s.type} ${octal(s.mode)}`;
  return `${what} ${s.owner}:${s.group}`;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
