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

// Found by the deb target (second 600 s run): a mutated control.tar.zst whose Huffman weights are
// FSE-coded with one symbol holding the whole table. fzstd 0.1.1 then loops forever inside a
// synchronous call (no timer can interrupt it; tap's timeout would fail this file), so the frame
// check refuses the table before the decoder sees it.
const HANG_ZST = Buffer.from(
  'KLUv/WQAJ50XAEaqfifwY29udHJvbC50YXIPWU4dLJP3wLEOctsCUCXrjh3RhwGbyNhkiw11AHQAcADYFTFaAeGZTOZwyu1K' +
  'Y640PjRoMq94St8sy860knehQY7kiVDgKdVSfFuiURaYc0pT0ULGiCeBHmTZm9uTyWSTk7ndeyNJEYQShKBJg9ui01StdE+T' +
  'rb3Nf2PGWRO9mTxJeq+BEoRQgk8Swea9F0XSe+817gmV3gEfjjeOsrXz3LhV2FV6cQECL4IQZlxpxhZzz+zGGaNX4ldwK2b5' +
  'UgzuSTH2RrTbOJsz/iCjRop1G/sBZCJ5IhN5odYP3hNxNA6Jnnfp2SAbUPTAJ1gKjm9jVlfO1RlnYCfTSk/BszbWDE7fiGah' +
  'rn3aChF3q1T+BukcZ8EjoTMrYpoDRAMCwjEsz1F2dUwPxx80eZ/2quTtfMXAvdJPv3aqcN/ptpL9gYFT3BF5OJ5xPkGnC7Xc' +
  'jRj3vmzlOMcyeynHufOu8iuWlVWH6eksnxcYR+y5dm7qAZ/o/zdI34yifwvT6hwxNMvYcOaeabyItjoZ9+1caRRBUHq3KYre' +
  '7J5IJD3Je9fti7mnvWeK0U02jp+14QKNTq2zmwlaUsxt/BDcAserZp+XngAzXgrLnHztJWpoOJ4w8Yk26IHwkUA3LStWVPMZ' +
  'l8/OsKwoaY6XzdnCBZoMWKjBlJOIGEKckREZCbNpMZACkaEZom4SoDMVC3EMRWgEzgiMsGMECRnhZ1F1DsgSNvQ4W/qzP0Bo' +
  'cixHNJYHBgYoZ08AEha4HXXmBNUbYEcXKwoDkKXZ/pDlcac4AN23mg03M3H1hlahagT51VbOL5IIuqWOfWOin7hre0xliOIN' +
  'Nl1cR8jYA2MsXEFw+iMFbzKXQmzOPxCWtYNcusDHA02A3D2YXlGKf0CSZGF0YS50YXK6EOEskavnD0Kf2X8zRoikrkXxAPUA' +
  'vWQ7HSoAxCwfwAaL4T5At+YFhQQTpSIO0Er+g0KWhtFYv9pgkKAI+NiO/5QXhgxUWw==',
  'base64',
);

t.test('a zstd Huffman weight table that would hang fzstd is refused first', { timeout: 20000 }, async (t) => {
  t.equal(HANG_ZST.length, 769);
  const started = Date.now();
  const error = await (async () => {
    for await (const _ of decompressChunks(HANG_ZST, { context: { file: 'control.tar.zst', offset: 132 } })) void _;
  })().then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof ScriptletError, 'a typed error');
  t.match(error, { code: 'E_FORMAT_CORRUPT', message: /Huffman weight table gives one symbol every state/ });
  t.match((error as ScriptletError).toOneLine(), /^control\.tar\.zst/, 'names the member');
  t.ok(((error as ScriptletError).context.offset ?? 0) > 132, 'points into the member');
  t.ok(Date.now() - started < 5000, 'refused at once');
});
