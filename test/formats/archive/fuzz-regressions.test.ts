/**
 * Inputs the fuzzer (bench/fuzz, docs/fuzzing.md) found to break a reader, kept so the fix stays.
 * Each case must finish quickly: a hang shows up as a failed race, not as a stuck test run.
 */
import t from 'tap';
import { ScriptletError } from '../../../src/errors.js';
import { decompressChunks } from '../../../src/formats/archive/decompress.js';
import { readTar } from '../../../src/formats/archive/read-tar.js';
import { makeTar } from '../../helpers/make-archives.js';

const context = { file: 'fuzz.tar.xz', offset: 0 };

/** Settles with the outcome of `work`, or with 'hang' after `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<{ value: T } | { error: unknown } | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ value }), (error: unknown) => ({ error })), hang]);
  } finally {
    clearTimeout(timer);
  }
}

t.test('an empty chunk from the decompressor does not stall the tar reader', async (t) => {
  // Found by the tar-xz target: xz-decompress yields zero-length chunks, and writing one to the
  // extractor reported backpressure that no 'drain' ever relieved.
  const tar = await makeTar([
    { name: './control', data: 'Package: x\n' },
    { name: './postinst', data: '#!/bin/sh\nexit 0\n' },
  ]);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield tar.subarray(0, 512);
    yield new Uint8Array(0);
    yield tar.subarray(512, 1024);
    yield new Uint8Array(0);
    yield tar.subarray(1024);
  }
  const result = await within(5000, readTar(chunks(), { context }));
  t.not(result, 'hang', 'finishes');
  t.ok(typeof result === 'object' && 'value' in result, 'reads the archive');
  if (typeof result === 'object' && 'value' in result) t.same(result.value.map((e) => e.path), ['control', 'postinst']);
});

t.test('the corrupt xz stream the fuzzer minimised is refused, not left hanging', async (t) => {
  const bytes = Buffer.from(
    '/Td6WFoAAATm1rRGAgAhARYAAAB0L+Wj4AsmAtJdABcLvBx9AZWCCSI1o/XdfO9Vu+zMR2iqpGQpONWKgDUtCKqCSWnB3riFVmcxe84yWUXTLGZyjARSqDugVCrkrWFXFT1FkcBalWCO1nz3JBcUkGajIOZGAaMqJiz8NWmaQgnHckY4xzz0t+KPUJCwqnFN5L9cXSrXhXx/NSbYuUTJ7QrjiOZSRSA2Eg92ZcEUPWc2hJO+vRMGC01d1u+NQmTWtjL97Q==',
    'base64',
  );
  const result = await within(5000, readTar(decompressChunks(bytes, { context }), { context }));
  t.not(result, 'hang', 'finishes');
  const error = typeof result === 'object' && 'error' in result ? result.error : undefined;
  t.type(error, ScriptletError);
  t.equal((error as ScriptletError).code, 'E_FORMAT_CORRUPT');
  t.match((error as ScriptletError).toOneLine(), /^fuzz\.tar\.xz \(offset 0\): bad tar data/);
});
