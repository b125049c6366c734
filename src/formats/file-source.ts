import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { IoError } from '../errors.js';
import type { ByteSource } from './types.js';

/** A ByteSource over an open file, and the means to close it. */
export interface FileSource extends ByteSource {
  readonly isFile: boolean;
  close(): void;
}

/** An IoError naming the file, with the errno turned into words. */
export function packageIoError(path: string, cause: unknown): IoError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((cause as Error)?.message ?? cause);
  return new IoError(`cannot read package file: ${why}`, { file: path }, { cause });
}

/**
 * Positioned reads of a file. Synchronous underneath: a package is read by a handful of small
 * reads one after another, and a thread-pool round trip per read costs more than the read itself.
 * Every failure is an IoError naming `path`.
 */
export function openFileSource(path: string): FileSource {
  let fd: number;
  let size: number;
  let isFile: boolean;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw packageIoError(path, cause);
  }
  try {
    const info = fstatSync(fd);
    size = info.size;
    isFile = info.isFile();
  } catch (cause) {
    closeSync(fd);
    throw packageIoError(path, cause);
  }
  return {
    size,
    isFile,
    read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      const buffer = new Uint8Array(want);
      let filled = 0;
      try {
        while (filled < want) {
          const got = readSync(fd, buffer, filled, want - filled, offset + filled);
          if (got === 0) break;
          filled += got;
        }
      } catch (cause) {
        return Promise.reject(packageIoError(path, cause));
      }
      return Promise.resolve(buffer.subarray(0, filled));
    },
    close() {
      closeSync(fd);
    },
  };
}
