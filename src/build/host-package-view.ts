/**
 * The image supermin will build, seen before it is built: the host's files that the appliance's
 * packages list (dpkg's `info/<pkg>.list`), with the configuration files of the prepared base
 * image on top. supermin copies exactly those host files (after resolving the host's merged-/usr
 * symlinks), so reading them here is reading the image; everything else on the host (its own
 * /etc/passwd, other packages) stays invisible. Symlinks resolve inside the view, never on the
 * host, as in HostImageView.
 */
import { lstatSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IoError } from '../errors.js';
import { type ImageView, type NodeStat, joinPath, resolvePath, splitPath, typeOf } from '../apply/image-view.js';


function lstatHost(path: string): NodeStat | undefined {
  try {
    const st = lstatSync(path);
    return { type: typeOf(st.mode), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return undefined;
    throw new IoError(`cannot read ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
}

export interface HostPackageViewOptions {
  /** The host root supermin copies from (`/`). */
  root: string;
  /** Absolute paths the appliance's packages list. */
  listed: Iterable<string>;
  /**
   * HostPackageView.visiblePaths(root, listed), when already computed: it depends only on the
   * host and the package set, so a build computes it while supermin --prepare still runs.
   */
  visible?: ReadonlySet<string>;
  /** A directory holding the unpacked base image (config files); its paths win over the host's. */
  base?: string;
  /** Absolute paths present in `base`. */
  basePaths?: Iterable<string>;
}

function addWithParents(path: string, set: Set<string>): void {
  const segments = splitPath(path);
  for (let i = 1; i <= segments.length; i++) set.add(joinPath(segments.slice(0, i)));
}

export class HostPackageView implements ImageView {
  private readonly visible: ReadonlySet<string>;
  private readonly fromBase = new Set<string>();
  private readonly root: string;
  private readonly base: string | undefined;
  /**
   * Host and base paths already looked at: neither tree changes during a build, and resolving
   * paths through merged-/usr links stats the same parents over and over.
   */
  private readonly stats = new Map<string, NodeStat | undefined>();
  private readonly links = new Map<string, string>();

  private lstatHost(path: string): NodeStat | undefined {
    if (this.stats.has(path)) return this.stats.get(path);
    const st = lstatHost(path);
    this.stats.set(path, st);
    return st;
  }

  /** The listed paths with their parents, as listed and with their directories resolved on the host. */
  static visiblePaths(root: string, listed: Iterable<string>): Set<string> {
    const visible = new Set<string>(['/']);
    const realDirs = new Map<string, string>();
    const canonical = (path: string): string => {
      // Only directories are resolved on the host: the last component may itself be a symlink the
      // package ships, which must stay visible as one.
      const dir = dirname(path);
      let real = realDirs.get(dir);
      if (real === undefined) {
        try {
          real = realpathSync(join(root, dir)).slice(root === '/' ? 0 : root.length) || '/';
        } catch {
          real = dir;
        }
        realDirs.set(dir, real);
      }
      return real === '/' ? `/${path.split('/').pop()}` : `${real}/${path.split('/').pop()}`;
    };
    for (const p of listed) {
      if (!p.startsWith('/') || p === '/') continue;
      addWithParents(p, visible);
      addWithParents(canonical(p), visible);
    }
    return visible;
  }

  constructor(o: HostPackageViewOptions) {
    this.root = o.root;
    this.base = o.base;
    this.visible = o.visible ?? HostPackageView.visiblePaths(o.root, o.listed);
    for (const p of o.basePaths ?? []) addWithParents(p, this.fromBase);
  }

  private literal(path: string): NodeStat | undefined {
    if (this.base && this.fromBase.has(path)) {
      const st = this.lstatHost(join(this.base, ...splitPath(path)));
      if (st) return st;
    }
    if (!this.visible.has(path)) return undefined;
    return this.lstatHost(join(this.root, ...splitPath(path)));
  }

  private literalLink(path: string): string | undefined {
    const st = this.literal(path);
    if (st?.type !== 'symlink') return undefined;
    const host = this.base && this.fromBase.has(path) && this.lstatHost(join(this.base, ...splitPath(path))) ? join(this.base, ...splitPath(path)) : join(this.root, ...splitPath(path));
    let target = this.links.get(host);
    if (target === undefined) {
      target = readlinkSync(host, 'utf8');
      this.links.set(host, target);
    }
    return target;
  }

  private readonly raw = {
    lstat: (path: string) => this.literal(path),
    readlink: (path: string) => this.literalLink(path),
  };

  lstat(path: string): NodeStat | undefined {
    return this.literal(resolvePath(this.raw, path, false));
  }

  readlink(path: string): string | undefined {
    return this.literalLink(resolvePath(this.raw, path, false));
  }

  list(path: string): string[] {
    const dir = resolvePath(this.raw, path, true);
    if (this.literal(dir)?.type !== 'dir') return [];
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const set of [this.visible, this.fromBase]) {
      for (const p of set) {
        if (p.startsWith(prefix)) {
          const name = p.slice(prefix.length).split('/')[0];
          if (name && this.literal(`${prefix}${name}`)) names.add(name);
        }
      }
    }
    return [...names].sort();
  }

  readFile(path: string): Buffer | undefined {
    const p = resolvePath(this.raw, path, true);
    if (this.literal(p)?.type !== 'file') return undefined;
    const host = this.base && this.fromBase.has(p) && this.lstatHost(join(this.base, ...splitPath(p))) ? join(this.base, ...splitPath(p)) : join(this.root, ...splitPath(p));
    try {
      return readFileSync(host);
    } catch (e) {
      throw new IoError(`cannot read ${path} for the image: ${(e as Error).message}`, { file: host }, { cause: e });
    }
  }
}
