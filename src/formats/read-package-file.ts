import { open } from 'node:fs/promises';
import { FormatError, IoError } from '../errors.js';
import { packageReaders } from './registry.js';
import { sniffPackageFormat } from './sniff.js';
import type { Package, PackageFormat, PackageReader } from './types.js';

export interface ReadPackageFileOptions {
  /** Largest file accepted (default 1 GiB); larger gives E_FORMAT_LIMIT before reading. */
  maxBytes?: number;
  readers?: ReadonlyMap<PackageFormat, PackageReader>;
}

export const DEFAULT_MAX_PACKAGE_BYTES = 1024 * 1024 * 1024;

function ioError(path: string, cause: unknown): IoError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((cause as Error)?.message ?? cause);
  return new IoError(`cannot read package file: ${why}`, { file: path }, { cause });
}

/** Reads a whole regular file, refusing one larger than `maxBytes` before allocating for it. */
export async function readFileCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw ioError(path, cause);
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
    throw ioError(path, cause);
  } finally {
    await handle.close();
  }
}

/** The effectful edge of formats/: read a package file, recognise it by content, parse it. */
export async function readPackageFile(path: string, options: ReadPackageFileOptions = {}): Promise<Package> {
  const readers = options.readers ?? packageReaders;
  const bytes = await readFileCapped(path, options.maxBytes ?? DEFAULT_MAX_PACKAGE_BYTES);
  const format = await sniffPackageFormat(bytes, { readers });
  const reader = format ? readers.get(format) : undefined;
  if (!reader) {
    throw new FormatError('E_FORMAT_UNKNOWN', 'not a package this tool reads (expected .deb, .rpm or an Arch .pkg.tar.*)', {
      file: path,
      offset: 0,
    });
  }
  return reader.read(bytes, path);
}
