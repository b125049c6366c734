import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { FormatError } from '../errors.js';

export interface TarOwner {
  /** Normalised: no leading `./`, never absolute, never `..`. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
}

const MAX_ENTRIES = 200_000;
const MAX_UNCOMPRESSED = 1024 * 1024 * 1024;

/** True for what supermin treats as a base-image tarball: ustar magic at 257, maybe gzipped. */
export function isSuperminTarball(bytes: Uint8Array): boolean {
  let head = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) {
    try {
      head = gunzipSync(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)), { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    } catch {
      return false;
    }
  }
  return head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar';
}

/**
 * Owner, group and mode of every file, directory and symlink in a (possibly gzipped) tarball, as
 * recorded in its headers. Other entry types (hard links, devices) are skipped: they cannot come
 * from supermin's prepare step or our overlay writer.
 */
export async function tarOwnership(bytes: Uint8Array, file: string): Promise<TarOwner[]> {
  const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
  let tar: Buffer;
  try {
    tar = gz ? gunzipSync(bytes, { maxOutputLength: MAX_UNCOMPRESSED }) : Buffer.from(bytes);
  } catch (e) {
    throw new FormatError('E_FORMAT_CORRUPT', `cannot decompress tarball: ${(e as Error).message}`, { file });
  }
  const out: TarOwner[] = [];
  const ex = extract();
  const reading = (async () => {
    for await (const entry of ex) {
      const h = entry.header;
      entry.resume();
      if (out.length >= MAX_ENTRIES) throw new FormatError('E_FORMAT_LIMIT', `more than ${MAX_ENTRIES} entries`, { file });
      const type = h.type === 'file' || h.type === 'contiguous-file' ? 'file' : h.type === 'directory' ? 'dir' : h.type === 'symlink' ? 'symlink' : undefined;
      if (!type) continue;
      let path = h.name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
      if (path === '' || path === '.') continue;
      if (path.startsWith('/') || path.split('/').includes('..')) {
        throw new FormatError('E_ARCHIVE_PATH', `tar entry ${JSON.stringify(h.name)} leaves the root`, { file, member: h.name });
      }
      path = path.split('/').filter((s) => s !== '' && s !== '.').join('/');
      out.push({ path, type, mode: h.mode & 0o7777, uid: h.uid, gid: h.gid });
    }
  })();
  ex.end(tar);
  try {
    await reading;
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError('E_FORMAT_CORRUPT', `unreadable tarball: ${(e as Error).message}`, { file });
  }
  return out;
}
