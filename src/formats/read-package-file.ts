import { open } from 'node:fs/promises';
import { FormatError, IoError } from '../errors.js';
import { packageReaders } from './registry.js';
import { openFileSource, packageIoError } from './file-source.js';
import { sniffPackageFormat } from './sniff.js';
import type { Package, PackageFormat, PackageReader } from './types.js';

export interface ReadPackageFileOptions {
  /** Largest file accepted (default 1 GiB); larger gives E_FORMAT_LIMIT before reading. */
  maxBytes?: number;
  readers?: ReadonlyMap<PackageFormat, PackageReader>;
}

export const DEFAULT_MAX_PACKAGE_BYTES = 1024 * 1024 * 1024;


/** Reads a whole regular file, refusing one larger than `maxBytes` before allocating for it. */
export async function readFileCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw packageIoError(path, cause);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new IoError('cannot read package file: not a regular file', { file: path });
    if (info.size > maxBytes) {
      throw new FormatError('E_FORMAT_LIMIT', `file is ${info.size} bytes, over the limit of ${maxBytes}`, { file: path });
    }
    const bytes = new Uint8Array(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return bytes.subarray(0, filled);
  } catch (cause) {
    if (cause instanceof IoError || cause instanceof FormatError) throw cause;
    throw packageIoError(path, cause);
  } finally {
    await handle.close();
  }
}

/**
 * Enough of a file to recognise every format by its magic (the longest check, a ustar header,
 * ends at byte 262); an Arch candidate may need more, and is then read whole.
 */
const SNIFF_BYTES = 4096;

/**
 * The effectful edge of formats/: recognise a package file by content and parse it. A reader with
 * `readFrom` fetches only what it needs (a 40 MB .deb costs its ar headers and control member); the
 * others get the whole file, as does a file whose format only a whole-file sniff can tell.
 */
export async function readPackageFile(path: string, options: ReadPackageFileOptions = {}): Promise<Package> {
  const readers = options.readers ?? packageReaders;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PACKAGE_BYTES;
  const source = openFileSource(path);
  try {
    if (!source.isFile) throw new IoError('cannot read package file: not a regular file', { file: path });
    if (source.size > maxBytes) {
      throw new FormatError('E_FORMAT_LIMIT', `file is ${source.size} bytes, over the limit of ${maxBytes}`, { file: path });
    }
    const head = await source.read(0, SNIFF_BYTES);
    const whole = head.length === source.size;
    let format = await sniffPackageFormat(head, { readers, partial: !whole });
    let bytes = whole ? head : undefined;
    // Magic checks agree on the head and the whole file; only an Arch candidate's .PKGINFO search
    // can need more than the head.
    if (format === undefined && !whole && [...readers.values()].some((r) => r.sniff(head))) {
      bytes = await source.read(0, source.size);
      format = await sniffPackageFormat(bytes, { readers });
    }
    const reader = format ? readers.get(format) : undefined;
    if (!reader) {
      throw new FormatError('E_FORMAT_UNKNOWN', 'not a package this tool reads (expected .deb, .rpm or an Arch .pkg.tar.*)', {
        file: path,
        offset: 0,
      });
    }
    if (reader.readFrom && bytes === undefined) return await reader.readFrom(source, path);
    return await reader.read(bytes ?? (await source.read(0, source.size)), path);
  } finally {
    source.close();
  }
}
