/**
 * A root filesystem tarball (what mmdebstrap writes) read into memory as an ImageView: every
 * entry's type, mode, numeric owner and link target, and the contents of regular files only under
 * the prefixes asked for. A tarball keeps the owners the package manager gave, whoever reads it,
 * so the comparison does not depend on running as root.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { extract, type Header } from 'tar-stream';
import { FormatError, IoError, isScriptletError } from '../errors.js';
import { normaliseArchivePath } from '../formats/archive/archive-path.js';
import { type ImageView, type NodeStat, joinPath, resolvePath, splitPath } from '../apply/image-view.js';

export interface TarNode {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  target?: string;
  /** Contents, for regular files under a wanted prefix. */
  content?: Buffer;
  /** Digest and size of every regular file, computed while reading. */
  sha256?: string;
  size?: number;
}

export interface ReadTarTreeOptions {
  /** Image paths whose regular files' contents are kept (`/etc`, `/var`). */
  contentUnder: readonly string[];
  /** Most bytes of contents kept (default 512 MiB): a root tarball is trusted input, but bounded. */
  maxContentBytes?: number;
}

const DEFAULT_MAX_CONTENT = 512 * 1024 * 1024;

function under(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

function nodeType(t: Header['type']): TarNode['type'] {
  if (t === 'file' || t === 'contiguous-file') return 'file';
  if (t === 'directory') return 'dir';
  if (t === 'symlink') return 'symlink';
  return 'other';
}

export class TarTree implements ImageView {
  constructor(readonly nodes: ReadonlyMap<string, TarNode>) {}

  /** The node at a literal path whose parents are canonical. */
  literal(path: string): TarNode | undefined {
    if (splitPath(path).length === 0) return { type: 'dir', mode: 0o755, uid: 0, gid: 0 };
    return this.nodes.get(joinPath(splitPath(path)));
  }

  private readonly raw = {
    lstat: (path: string): NodeStat | undefined => {
      const n = this.literal(path);
      return n ? { type: n.type, mode: n.mode, uid: n.uid, gid: n.gid } : undefined;
    },
    readlink: (path: string): string | undefined => this.literal(path)?.target,
  };

  canonical(path: string): string {
    return resolvePath(this.raw, path, false);
  }

  lstat(path: string): NodeStat | undefined {
    return this.raw.lstat(this.canonical(path));
  }

  readlink(path: string): string | undefined {
    const n = this.literal(this.canonical(path));
    return n?.type === 'symlink' ? n.target : undefined;
  }

  list(path: string): string[] {
    const dir = resolvePath(this.raw, path, true);
    if (this.literal(dir)?.type !== 'dir') return [];
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const key of this.nodes.keys()) {
      if (!key.startsWith(prefix)) continue;
      const name = key.slice(prefix.length).split('/')[0];
      if (name) names.add(name);
    }
    return [...names].sort();
  }

  readFile(path: string): Buffer | undefined {
    const n = this.literal(resolvePath(this.raw, path, true));
    return n?.type === 'file' ? n.content : undefined;
  }

  /** Digest of the regular file at a literal path with canonical parents. */
  digest(path: string): { sha256: string; size: number } | undefined {
    const n = this.literal(path);
    return n?.type === 'file' && n.sha256 !== undefined ? { sha256: n.sha256, size: n.size ?? 0 } : undefined;
  }
}

/** Reads `file` (an uncompressed tar) into a TarTree. Hard links take their target's metadata and contents. */
export async function readTarTree(file: string, options: ReadTarTreeOptions): Promise<TarTree> {
  const max = options.maxContentBytes ?? DEFAULT_MAX_CONTENT;
  const nodes = new Map<string, TarNode>();
  let kept = 0;
  const extractor = extract();
  const source = createReadStream(file);
  source.on('error', (e) => extractor.destroy(e));
  source.pipe(extractor);
  try {
    for await (const entry of extractor) {
      const h = entry.header;
      const path = joinPath(splitPath(normaliseArchivePath(h.name, { file })));
      if (h.type === 'link' && h.linkname) {
        const target = nodes.get(joinPath(splitPath(normaliseArchivePath(h.linkname, { file }))));
        if (target) nodes.set(path, { ...target });
        entry.resume();
        continue;
      }
      const node: TarNode = { type: nodeType(h.type), mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0 };
      if (node.type === 'symlink') node.target = h.linkname ?? '';
      if (node.type === 'file') {
        const keep = under(path, options.contentUnder);
        const hash = createHash('sha256');
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of entry) {
          const b = chunk as Buffer;
          hash.update(b);
          size += b.length;
          if (!keep) continue;
          kept += b.length;
          if (kept > max) throw new FormatError('E_FORMAT_LIMIT', `more than ${max} bytes of contents under ${options.contentUnder.join(', ')}`, { file });
          chunks.push(b);
        }
        node.sha256 = hash.digest('hex');
        node.size = size;
        if (keep) node.content = Buffer.concat(chunks);
      } else {
        entry.resume();
      }
      nodes.set(path, node);
    }
  } catch (e) {
    source.destroy();
    if (isScriptletError(e)) throw e;
    throw new IoError(`cannot read the tarball: ${(e as Error).message}`, { file }, { cause: e });
  }
  return new TarTree(nodes);
}
