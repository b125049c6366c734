/**
 * An image unpacked in a host directory, with modes and owners taken from the tarball it was
 * unpacked from. Unpacking as an ordinary user loses owners (and setuid bits); the tarball kept
 * them, so the appliers see the image as the package manager laid it out. Files left out of the
 * host copy (documentation, which nothing applied reads) still exist in the view, without contents.
 */
import { type HostImageView, type ImageView, type NodeStat, resolvePath } from '../apply/image-view.js';
import type { TarTree } from './tar-tree.js';

export class OwnedView implements ImageView {
  constructor(
    readonly files: HostImageView,
    readonly metadata: TarTree,
  ) {}

  lstat(path: string): NodeStat | undefined {
    const st = this.files.lstat(path);
    if (!st) return this.metadata.lstat(path);
    const meta = this.metadata.literal(resolvePath(this.files, path, false));
    return meta && meta.type === st.type ? { ...st, mode: meta.mode, uid: meta.uid, gid: meta.gid } : st;
  }

  readlink(path: string): string | undefined {
    return this.files.readlink(path) ?? this.metadata.readlink(path);
  }

  list(path: string): string[] {
    return [...new Set([...this.files.list(path), ...this.metadata.list(path)])].sort();
  }

  readFile(path: string): Buffer | undefined {
    return this.files.readFile(path);
  }
}
