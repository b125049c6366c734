import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { FormatError, IoError } from '../errors.js';

interface Owner {
  /** Default 0 / `root`: the appliance's files belong to root unless an entry says otherwise. */
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
}

export type OverlayEntry =
  | ({ type: 'dir'; path: string; mode: number } & Owner)
  | ({ type: 'file'; path: string; mode: number; content: string | Uint8Array } & Owner)
  | ({ type: 'symlink'; path: string; target: string } & Owner);

export interface OverlayTarOptions {
  /** Modification time of every entry, in seconds since the epoch (SOURCE_DATE_EPOCH). */
  mtime: number;
  /**
   * Top-level names allowed besides `usr`, `etc` and `var` — e.g. `init` for the appliance's
   * /init. The default is narrow on purpose: supermin unpacks overlay tarballs before copying the
   * host's files, and on a merged-/usr host `./bin`, `./sbin` or `./lib` in a tarball becomes a
   * real directory where the host has a symlink, which breaks the ext2 build (measured with 5.2.2).
   */
  allowTopLevel?: readonly string[];
  /** gzip the tar (header mtime 0, no file name). supermin accepts plain and gzip tarballs. */
  gzip?: boolean;
}

const DEFAULT_TOP_LEVEL = ['usr', 'etc', 'var'];
const DEFAULT_DIR_MODE = 0o755;

interface Normalised {
  segments: string[];
  entry: OverlayEntry;
  implicit: boolean;
}

function refuse(path: string, why: string): never {
  throw new FormatError('E_ARCHIVE_PATH', `overlay path ${JSON.stringify(path)} ${why}`, { member: path });
}

/** `usr/lib/x` or `./usr/lib/x` to its segments; anything that could land outside the root is refused. */
function segmentsOf(path: string, allowed: ReadonlySet<string>): string[] {
  if (path.includes('\0')) refuse(path, 'contains a NUL byte');
  if (path.startsWith('/')) refuse(path, 'is absolute; overlay paths are relative to the appliance root');
  const rel = path.startsWith('./') ? path.slice(2) : path;
  const segments = rel.split('/');
  for (const s of segments) {
    if (s === '..') refuse(path, 'contains ".."');
    if (s === '' || s === '.') refuse(path, 'has an empty or "." component');
  }
  const top = segments[0] ?? '';
  if (!allowed.has(top)) {
    refuse(
      path,
      `is outside ${[...allowed].sort().join(', ')}; other top-level paths collide with the host's merged-/usr symlinks when supermin builds the appliance`,
    );
  }
  return segments;
}

/** ustar keeps ids in 6 octal digits and names in 32-byte fields. */
const MAX_ID = 0o777777;
const OWNER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,30}$/;

function checkOwner(e: OverlayEntry): void {
  for (const id of [e.uid, e.gid]) {
    if (id !== undefined && (!Number.isInteger(id) || id < 0 || id > MAX_ID)) refuse(e.path, `has an invalid owner id ${id}`);
  }
  for (const name of [e.uname, e.gname]) {
    if (name !== undefined && !OWNER_NAME.test(name)) refuse(e.path, `has an invalid owner name ${JSON.stringify(name)}`);
  }
}

function compareSegments(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return Buffer.compare(Buffer.from(x), Buffer.from(y));
  }
  return a.length - b.length;
}

function sameDir(a: OverlayEntry, b: OverlayEntry): boolean {
  return (
    a.type === 'dir' &&
    b.type === 'dir' &&
    a.mode === b.mode &&
    (a.uid ?? 0) === (b.uid ?? 0) &&
    (a.gid ?? 0) === (b.gid ?? 0) &&
    (a.uname ?? 'root') === (b.uname ?? 'root') &&
    (a.gname ?? 'root') === (b.gname ?? 'root')
  );
}

/**
 * The entries as they will appear in the tar: validated, with every missing parent directory added
 * (mode 0755, root), in a fixed order (by path components, parents first). Pure.
 */
export function overlayTarPlan(entries: readonly OverlayEntry[], options: Pick<OverlayTarOptions, 'allowTopLevel'> = {}): OverlayEntry[] {
  const allowed = new Set([...DEFAULT_TOP_LEVEL, ...(options.allowTopLevel ?? [])]);
  const byPath = new Map<string, Normalised>();

  for (const entry of entries) {
    const segments = segmentsOf(entry.path, allowed);
    checkOwner(entry);
    if (entry.type !== 'symlink' && (!Number.isInteger(entry.mode) || entry.mode < 0 || entry.mode > 0o7777)) {
      refuse(entry.path, `has an invalid mode ${entry.mode}`);
    }
    if (entry.type === 'symlink' && (entry.target === '' || entry.target.includes('\0'))) {
      refuse(entry.path, 'is a symlink with an empty or NUL-containing target');
    }
    const key = segments.join('/');
    const seen = byPath.get(key);
    if (seen && !sameDir(seen.entry, entry)) refuse(entry.path, 'is given twice with different contents');
    byPath.set(key, { segments, entry: { ...entry, path: key }, implicit: false });
  }

  for (const { segments } of [...byPath.values()]) {
    for (let i = 1; i < segments.length; i++) {
      const key = segments.slice(0, i).join('/');
      const parent = byPath.get(key);
      if (!parent) {
        byPath.set(key, { segments: segments.slice(0, i), entry: { type: 'dir', path: key, mode: DEFAULT_DIR_MODE }, implicit: true });
      } else if (parent.entry.type !== 'dir') {
        // A file or symlink as a parent: tar would write through the symlink when unpacking (as
        // root, anywhere on the build host) or fail on the file.
        refuse(segments.join('/'), `lies under ${JSON.stringify(key)}, which is a ${parent.entry.type}, not a directory`);
      }
    }
  }

  return [...byPath.values()].sort((a, b) => compareSegments(a.segments, b.segments)).map((n) => n.entry);
}

function headerFor(e: OverlayEntry, mtime: Date): Partial<Header> & { name: string } {
  // tar run as root maps owner names through the HOST's passwd before it falls back to the ids, so
  // a name is written only where the caller gives one or for root; otherwise the field stays empty
  // and the numeric id (the image's) is what every extractor uses.
  const uid = e.uid ?? 0;
  const gid = e.gid ?? 0;
  const owner = { uid, gid, uname: e.uname ?? (uid === 0 ? 'root' : ''), gname: e.gname ?? (gid === 0 ? 'root' : '') };
  const name = `./${e.path}`;
  switch (e.type) {
    case 'dir':
      return { name, type: 'directory', mode: e.mode, mtime, ...owner };
    case 'file':
      return { name, type: 'file', mode: e.mode, mtime, ...owner };
    case 'symlink':
      return { name, type: 'symlink', linkname: e.target, mode: 0o777, mtime, ...owner };
  }
}

/**
 * A deterministic tarball for supermin's appliance directory: the same entries and options give
 * the same bytes. It is built from a typed description, never by walking a host directory, so it
 * cannot follow a symlink out of a staging root.
 */
export async function overlayTar(entries: readonly OverlayEntry[], options: OverlayTarOptions): Promise<Buffer> {
  if (!Number.isSafeInteger(options.mtime) || options.mtime < 0) {
    throw new FormatError('E_ARCHIVE_PATH', `overlay mtime must be a whole, non-negative number of seconds, got ${options.mtime}`);
  }
  const plan = overlayTarPlan(entries, options);
  const mtime = new Date(options.mtime * 1000);
  const tar = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of tar) chunks.push(chunk as Buffer);
  })();
  for (const e of plan) {
    const header = headerFor(e, mtime);
    if (e.type === 'file') {
      const body = typeof e.content === 'string' ? Buffer.from(e.content, 'utf8') : Buffer.from(e.content);
      await new Promise<void>((ok, fail) => tar.entry({ ...header, size: body.length }, body, (err) => (err ? fail(err) : ok())));
    } else {
      await new Promise<void>((ok, fail) => tar.entry(header, (err) => (err ? fail(err) : ok())));
    }
  }
  tar.finalize();
  await collected;
  const bytes = Buffer.concat(chunks);
  // Node's gzip header carries mtime 0 and no name, so the compressed bytes depend only on the tar
  // (and the zlib version).
  return options.gzip ? gzipSync(bytes, { level: 9 }) : bytes;
}

/** Writes the overlay tarball to `file` through a temporary file and a rename. */
export async function writeOverlayTar(file: string, entries: readonly OverlayEntry[], options: OverlayTarOptions): Promise<void> {
  const bytes = await overlayTar(entries, options);
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, bytes, { mode: 0o644 });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new IoError(`cannot write overlay tarball: ${(e as Error).message}`, { file }, { cause: e });
  }
}
