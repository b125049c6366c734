import t from 'tap';
import { FormatError } from '../../../src/errors.js';
import { arEntries } from '../../../src/formats/archive/ar-entries.js';
import { readAr } from '../../../src/formats/archive/read-ar.js';
import { bytesSource } from '../../../src/formats/bytes-source.js';
import { makeAr } from '../../helpers/make-archives.js';

type Outcome = { members: [string, number, number, number][] } | { error: [string, string, number | undefined] };

function describe(e: unknown): Outcome {
  if (!(e instanceof FormatError)) throw e;
  return { error: [e.code, e.message, e.context.offset] };
}

function viaReadAr(bytes: Uint8Array): Outcome {
  try {
    return { members: readAr(bytes, 'x.ar').map((m) => [m.name, m.headerOffset, m.dataOffset, m.size]) };
  } catch (e) {
    return describe(e);
  }
}

async function viaEntries(bytes: Uint8Array): Promise<Outcome> {
  const members: [string, number, number, number][] = [];
  try {
    for await (const m of arEntries(bytesSource(bytes), 'x.ar')) members.push([m.name, m.headerOffset, m.dataOffset, m.size]);
    return { members };
  } catch (e) {
    return describe(e);
  }
}

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const three = makeAr([
  { name: 'debian-binary', data: '2.0\n' },
  { name: 'odd', data: 'abc' },
  { name: 'control.tar', data: 'x'.repeat(101) },
]);

const cases: { name: string; bytes: Uint8Array }[] = [
  { name: 'odd sizes and padding', bytes: three },
  { name: 'missing pad after the last member', bytes: three.subarray(0, three.length - 1) },
  {
    name: 'GNU long names',
    bytes: makeAr([
      { name: '//', data: 'a-very-long-member-name.txt/\nsecond-long-member-name.bin/\n' },
      { name: '/0', data: 'one' },
      { name: '/29', data: 'two' },
      { name: 'short/', data: 'three' },
    ]),
  },
  { name: 'BSD long name', bytes: makeAr([{ name: '#1/20', data: 'bsd-long-name-here..payload' }]) },
  { name: 'empty file', bytes: new Uint8Array() },
  { name: 'bad magic', bytes: Buffer.from(`!<arch>X${latin1(three.subarray(8))}`, 'latin1') },
  { name: 'size larger than file', bytes: makeAr([{ name: 'big', data: 'abcd' }], { sizeOverride: { big: 999999999 } }) },
  { name: 'non-numeric size', bytes: Buffer.from(latin1(three).replace('4         `', '-4        `'), 'latin1') },
  { name: 'bad header terminator', bytes: Buffer.from(latin1(three).replace('`\n', 'XX'), 'latin1') },
  { name: 'bad padding byte', bytes: Buffer.from(latin1(three).replace('abc\n', 'abcZ'), 'latin1') },
  { name: 'dangling GNU long name', bytes: makeAr([{ name: '/5', data: 'x' }]) },
  { name: 'BSD name longer than member', bytes: makeAr([{ name: '#1/50', data: 'short' }]) },
  ...Array.from({ length: three.length }, (_, cut) => ({ name: `cut at ${cut}`, bytes: three.subarray(0, cut) })),
];

t.test('arEntries reads the members and fails with the errors readAr gives', async (t) => {
  for (const c of cases) t.same(await viaEntries(c.bytes), viaReadAr(c.bytes), c.name);
});

t.test('arEntries fetches headers, not member data', async (t) => {
  const big = makeAr([
    { name: 'debian-binary', data: '2.0\n' },
    { name: 'data.tar', data: 'y'.repeat(100_000) },
    { name: 'after', data: 'z' },
  ]);
  const inner = bytesSource(big);
  let fetched = 0;
  const source = { size: inner.size, read: (offset: number, length: number) => ((fetched += length), inner.read(offset, length)) };
  const names: string[] = [];
  for await (const m of arEntries(source, 'x.ar')) names.push(m.name);
  t.same(names, ['debian-binary', 'data.tar', 'after']);
  t.ok(fetched < 1000, `fetched ${fetched} bytes of ${big.length}`);
});
