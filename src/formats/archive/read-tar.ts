import { extract, type Extract, type Header } from 'tar-stream';
import { FormatError, isScriptletError, type ErrorContext } from '../../errors.js';
import { normaliseArchivePath } from './archive-path.js';

export type TarEntryType =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'directory'
  | 'char-device'
  | 'block-device'
  | 'fifo'
  | 'other';

export interface TarEntry {
  /** Normalised: no leading `./`, never absolute, never `..`; the root entry is `.`. */
  path: string;
  type: TarEntryType;
  mode: number;
  size: number;
  linkname?: string;
  /** Contents, for regular files the caller asked for. */
  data?: Uint8Array;
  /**
   * The path lies below an earlier symlink entry: an extractor that followed the link would write
   * wherever it points. Nothing here extracts, but such an entry is never what it seems to be.
   */
  throughSymlink?: true;
}

/** True when a proper prefix of `path` (whole segments) is in `links`. */
function belowSymlink(path: string, links: ReadonlySet<string>): boolean {
  if (links.size === 0) return false;
  for (let at = path.indexOf('/'); at > 0; at = path.indexOf('/', at + 1)) {
    if (links.has(path.slice(0, at))) return true;
  }
  return false;
}

export interface ReadTarOptions {
  /** For errors: file, member, offset of the tar data. */
  context: ErrorContext;
  /** Most entries accepted before E_FORMAT_LIMIT (default 100 000). */
  maxEntries?: number;
  /** Most bytes of file contents kept in memory before E_FORMAT_LIMIT (default 64 MiB). */
  maxDataBytes?: number;
  /** Which regular files to keep the contents of (default: all). */
  wantData?: (path: string) => boolean;
  /** Called before each entry; returning true stops reading (the entry is not included). */
  stopBefore?: (path: string, seen: readonly TarEntry[]) => boolean;
}

export const DEFAULT_TAR_MAX_ENTRIES = 100_000;
export const DEFAULT_TAR_MAX_DATA_BYTES = 64 * 1024 * 1024;

const typeMap: Readonly<Record<string, TarEntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  link: 'hardlink',
  symlink: 'symlink',
  directory: 'directory',
  'character-device': 'char-device',
  'block-device': 'block-device',
  fifo: 'fifo',
};

class StopReading extends Error {}

/**
 * Writes decompressed chunks into the extractor with backpressure. A failure of the source (a
 * decompression error or limit) destroys the extractor with that error, so the entry loop sees it.
 */
async function feed(source: AsyncIterable<Uint8Array>, extractor: Extract, stopped: () => boolean): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (stopped()) return;
      const step = await iterator.next();
      if (step.done || stopped()) break;
      // An empty chunk (xz-decompress yields them) makes the extractor report backpressure with
      // nothing buffered, so no 'drain' ever follows: skipping it avoids a deadlock.
      if (step.value.length === 0) continue;
      if (!extractor.write(step.value)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            extractor.off('drain', done);
            extractor.off('close', done);
            resolve();
          };
          extractor.on('drain', done);
          extractor.on('close', done);
        });
      }
    }
    if (!stopped()) extractor.end(undefined);
  } catch (cause) {
    extractor.destroy(cause instanceof Error ? cause : new Error(String(cause)));
  } finally {
    await iterator.return?.(undefined);
  }
}

/**
 * Lists a tar archive held in memory (or arriving as decompressed chunks), keeping the contents of
 * the files the caller wants. Paths are validated (E_ARCHIVE_PATH); counts and kept bytes are
 * bounded (E_FORMAT_LIMIT); anything tar-stream rejects becomes E_FORMAT_CORRUPT.
 */
export async function readTar(input: Uint8Array | AsyncIterable<Uint8Array>, options: ReadTarOptions): Promise<TarEntry[]> {
  const { context } = options;
  const maxEntries = options.maxEntries ?? DEFAULT_TAR_MAX_ENTRIES;
  const maxDataBytes = options.maxDataBytes ?? DEFAULT_TAR_MAX_DATA_BYTES;
  const wantData = options.wantData ?? (() => true);
  const entries: TarEntry[] = [];
  const symlinks = new Set<string>();
  let kept = 0;
  const extractor = extract();
  let stopped = false;
  const feeding = input instanceof Uint8Array ? (extractor.end(input), Promise.resolve()) : feed(input, extractor, () => stopped);
  let lastOffset = -1;
  const lastPath = (): string =>
    entries.length > 0 ? ` after entry ${JSON.stringify(entries.at(-1)?.path)} (tar offset ${lastOffset})` : ' at the first entry';

  try {
    for await (const entry of extractor) {
      const header: Header = entry.header;
      lastOffset = entry.offset;
      const path = normaliseArchivePath(header.name, context);
      if (options.stopBefore?.(path, entries)) throw new StopReading();
      if (entries.length >= maxEntries) {
        throw new FormatError('E_FORMAT_LIMIT', `tar archive has more than ${maxEntries} entries`, context);
      }
      const type = typeMap[header.type ?? 'file'] ?? 'other';
      const size = header.size ?? 0;
      const item: TarEntry = { path, type, mode: header.mode ?? 0, size };
      if (header.linkname) {
        item.linkname = type === 'hardlink' ? normaliseArchivePath(header.linkname, context) : header.linkname;
      }
      if (belowSymlink(path, symlinks)) item.throughSymlink = true;
      if (type === 'symlink') symlinks.add(path);
      if (type === 'file' && wantData(path)) {
        kept += size;
        if (kept > maxDataBytes) {
          throw new FormatError('E_FORMAT_LIMIT', `tar file contents exceed the limit of ${maxDataBytes} bytes`, {
            ...context,
            member: context.member ? `${context.member}:${path}` : path,
          });
        }
        const chunks: Uint8Array[] = [];
        for await (const chunk of entry) chunks.push(chunk as Uint8Array);
        item.data = Buffer.concat(chunks);
      } else {
        entry.resume();
        for await (const _ of entry) {
          // Drained: the contents are not wanted.
        }
      }
      entries.push(item);
    }
    await feeding;
  } catch (cause) {
    stopped = true;
    extractor.destroy();
    await feeding.catch(() => undefined);
    if (cause instanceof StopReading) return entries;
    if (isScriptletError(cause)) throw cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError('E_FORMAT_CORRUPT', `bad tar data${lastPath()}: ${detail}`, context, { cause });
  }
  return entries;
}
