import { Readable } from 'node:stream';
import { constants, createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import xzDecompress from 'xz-decompress';
import { FormatError, type ErrorContext } from '../../errors.js';
import { checkZstdFrames } from './zstd-frames.js';

export type Compression = 'gzip' | 'xz' | 'zstd' | 'none';

/** Default cap on decompressed bytes: generous for control data, small against a bomb. */
export const DEFAULT_DECOMPRESS_LIMIT = 256 * 1024 * 1024;

export interface DecompressOptions {
  /** Maximum decompressed bytes; more gives FormatError E_FORMAT_LIMIT. */
  limit?: number;
  /** For errors: the file, the member inside it, and where the compressed data starts. */
  context: ErrorContext;
  /**
   * The input is only the first part of the stream (sniffing reads a prefix of a file): the output
   * then simply ends where the input does, instead of failing as truncated.
   */
  partial?: boolean;
}

const CHUNK = 64 * 1024;

/** Chooses a decompressor by magic bytes; anything unrecognised is treated as uncompressed. */
export function sniffCompression(head: Uint8Array): Compression {
  const b = (i: number): number | undefined => head[i];
  if (b(0) === 0x1f && b(1) === 0x8b) return 'gzip';
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0x00) return 'xz';
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) return 'zstd';
  return 'none';
}

function limitError(limit: number, context: ErrorContext): FormatError {
  return new FormatError('E_FORMAT_LIMIT', `decompressed data exceeds the limit of ${limit} bytes`, {
    ...context,
    hint: 'the file may be a decompression bomb; raise the limit only for a trusted file',
  });
}

function corruptError(kind: Compression, cause: unknown, context: ErrorContext): FormatError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new FormatError('E_FORMAT_CORRUPT', `bad ${kind} data: ${detail}`, context, { cause });
}

async function* gunzipChunks(bytes: Uint8Array, partial: boolean): AsyncGenerator<Uint8Array> {
  const source = Readable.from([bytes]);
  const gunzip = createGunzip(partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {});
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

async function* xzChunks(bytes: Uint8Array, partial: boolean): AsyncGenerator<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const stream = new xzDecompress.XzReadableStream(input);
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (cause) {
        // A cut-off prefix ends in a decoder error: its output so far is all there is.
        if (partial) {
          finished = true;
          return;
        }
        throw cause;
      }
      const { done, value } = step;
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

function* zstdChunks(bytes: Uint8Array, limit: number, context: ErrorContext, partial: boolean): Generator<Uint8Array> {
  // fzstd allocates a window buffer of whatever size a frame header declares, so the frames are
  // checked (and bounded) before any byte reaches it.
  checkZstdFrames(bytes, limit, context, partial);
  let pending: Uint8Array[] = [];
  const decoder = new ZstdDecompress((data) => {
    if (data.length > 0) pending.push(data);
  });
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const end = Math.min(bytes.length, at + CHUNK);
    decoder.push(bytes.subarray(at, end), !partial && end === bytes.length);
    const out = pending;
    pending = [];
    yield* out;
  }
}

/**
 * Decompresses `bytes` as a sequence of chunks, stopping with E_FORMAT_LIMIT as soon as the output
 * passes the limit. A consumer may stop early (break out of its loop); the rest is then never
 * decompressed, which is how an Arch package is read without inflating its payload.
 */
export async function* decompressChunks(bytes: Uint8Array, options: DecompressOptions): AsyncGenerator<Uint8Array> {
  const limit = options.limit ?? DEFAULT_DECOMPRESS_LIMIT;
  const kind = sniffCompression(bytes);
  let total = 0;
  const check = (chunk: Uint8Array): void => {
    total += chunk.length;
    if (total > limit) throw limitError(limit, options.context);
  };
  if (kind === 'none') {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const chunk = bytes.subarray(at, at + CHUNK);
      check(chunk);
      yield chunk;
    }
    return;
  }
  const partial = options.partial ?? false;
  const source = kind === 'gzip' ? gunzipChunks(bytes, partial) : kind === 'xz' ? xzChunks(bytes, partial) : null;
  try {
    if (source) {
      for (;;) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await source.next();
        } catch (cause) {
          throw corruptError(kind, cause, options.context);
        }
        if (step.done) return;
        check(step.value);
        yield step.value;
      }
    } else {
      const zstd = zstdChunks(bytes, limit, options.context, partial);
      for (;;) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = zstd.next();
        } catch (cause) {
          if (cause instanceof FormatError) throw cause;
          throw corruptError(kind, cause, options.context);
        }
        if (step.done) return;
        check(step.value);
        yield step.value;
      }
    }
  } finally {
    await source?.return(undefined);
  }
}

/** Decompresses all of `bytes` (gzip, xz, zstd or plain, by magic) into one buffer, bounded by the limit. */
export async function decompress(bytes: Uint8Array, options: DecompressOptions): Promise<Uint8Array> {
  if (sniffCompression(bytes) === 'none') {
    const limit = options.limit ?? DEFAULT_DECOMPRESS_LIMIT;
    if (bytes.length > limit) throw limitError(limit, options.context);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of decompressChunks(bytes, options)) {
    chunks.push(chunk);
    total += chunk.length;
  }
  return Buffer.concat(chunks, total);
}
