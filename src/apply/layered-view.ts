/**
 * The image as the appliers see it while they work: the unpacked image with the staging tree on
 * top, so an applier reads the /etc/passwd an earlier one staged, and a staged symlink is followed
 * like one in the image.
 */
import { type ImageView, type NodeStat, joinPath, resolvePath, splitPath } from './image-view.js';
import type { StagingTree } from './staging-tree.js';

export class LayeredView implements ImageView {
  constructor(
    readonly image: ImageView,
    readonly staging: StagingTree,
  ) {}

  /** Stat of a path whose parents are already canonical. */
  private literal(path: string): NodeStat | undefined {
    if (splitPath(path).length === 0) return { type: 'dir', mode: 0o755, uid: 0, gid: 0 };
    if (this.staging.isRemoved(path)) return undefined;
    const node = this.staging.get(path);
    if (node && node.type !== 'remove') {
      return { type: node.type, mode: node.type === 'symlink' ? 0o777 : node.mode, uid: node.uid, gid: node.gid };
    }
    return this.image.lstat(path);
  }

  private literalLink(path: string): string | undefined {
    if (this.staging.isRemoved(path)) return undefined;
    const node = this.staging.get(path);
    if (node) return node.type === 'symlink' ? node.target : undefined;
    return this.image.readlink(path);
  }

  private readonly raw = {
    lstat: (path: string) => this.literal(path),
    readlink: (path: string) => this.literalLink(path),
  };

  /** `path` with every symlink in its parents resolved (the last component kept as is). */
  canonical(path: string): string {
    return resolvePath(this.raw, path, false);
  }

  /** `path` with every symlink resolved, the last one too. */
  resolved(path: string): string {
    return resolvePath(this.raw, path, true);
  }

  lstat(path: string): NodeStat | undefined {
    return this.literal(this.canonical(path));
  }

  readlink(path: string): string | undefined {
    return this.literalLink(this.canonical(path));
  }

  list(path: string): string[] {
    const dir = this.resolved(path);
    if (this.literal(dir)?.type !== 'dir') return [];
    const names = new Set(this.image.list(dir));
    const prefix = dir === '/' ? '/' : `${dir}/`;
    for (const staged of this.staging.paths()) {
      if (staged.startsWith(prefix)) {
        const name = staged.slice(prefix.length).split('/')[0];
        if (name) names.add(name);
      }
    }
    return [...names].filter((n) => this.literal(joinPath([...splitPath(dir), n])) !== undefined).sort();
  }

  readFile(path: string): Buffer | undefined {
    const p = this.resolved(path);
    if (this.staging.isRemoved(p)) return undefined;
    const node = this.staging.get(p);
    if (node) return node.type === 'file' ? node.content : undefined;
    return this.image.readFile(p);
  }
}
