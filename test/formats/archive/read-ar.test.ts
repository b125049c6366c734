import t from 'tap';
import { FormatError } from '../../../src/errors.js';
import { readAr } from '../../../src/formats/archive/read-ar.js';
import { makeAr } from '../../helpers/make-archives.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

t.test('reads members with odd sizes, padding and exact data views', async (t) => {
  const bytes = makeAr([
    { name: 'debian-binary', data: '2.0\n' },
    { name: 'odd', data: 'abc' },
    { name: 'last', data: 'xyz' },
  ]);
  const members = readAr(bytes, 'x.ar');
  t.same(
    members.map((m) => [m.name, text(m.data), m.size]),
    [
      ['debian-binary', '2.0\n', 4],
      ['odd', 'abc', 3],
      ['last', 'xyz', 3],
    ],
  );
  t.equal(members[0]?.headerOffset, 8);
  t.equal(members[0]?.dataOffset, 68);
  t.equal(text(bytes.subarray(members[1]!.dataOffset, members[1]!.dataOffset + 3)), 'abc');
});

t.test('tolerates a missing pad byte after the last member only', async (t) => {
  const bytes = makeAr([{ name: 'a', data: 'abc' }]);
  t.same(readAr(bytes.subarray(0, bytes.length - 1), 'x.ar').map((m) => text(m.data)), ['abc']);
});

t.test('GNU and BSD long names', async (t) => {
  const table = 'a-very-long-member-name.txt/\nsecond-long-member-name.bin/\n';
  const gnu = makeAr([
    { name: '//', data: table },
    { name: '/0', data: 'one' },
    { name: '/29', data: 'two' },
    { name: 'short/', data: 'three' },
  ]);
  t.same(
    readAr(gnu, 'g.ar').map((m) => [m.name, text(m.data)]),
    [
      ['//', table],
      ['a-very-long-member-name.txt', 'one'],
      ['second-long-member-name.bin', 'two'],
      ['short', 'three'],
    ],
  );
  const bsd = makeAr([{ name: '#1/20', data: 'bsd-long-name-here..payload' }]);
  const [m] = readAr(bsd, 'b.ar');
  t.equal(m?.name, 'bsd-long-name-here..');
  t.equal(text(m!.data), 'payload');
  t.equal(m?.dataOffset, 8 + 60 + 20);
});

const good = makeAr([
  { name: 'debian-binary', data: '2.0\n' },
  { name: 'control.tar', data: 'x'.repeat(100) },
]);

const corrupt: Array<{ name: string; bytes: Uint8Array; offset: number; message: RegExp }> = [
  { name: 'empty file', bytes: new Uint8Array(), offset: 0, message: /bad global header/ },
  { name: 'bad magic', bytes: Buffer.from('!<arch>X' + text(good.subarray(8)), 'latin1'), offset: 0, message: /bad global header/ },
  { name: 'truncated member header', bytes: good.subarray(0, 8 + 30), offset: 8, message: /truncated ar member header/ },
  { name: 'truncated second header', bytes: good.subarray(0, 72 + 20), offset: 72, message: /truncated ar member header/ },
  { name: 'truncated member data', bytes: good.subarray(0, good.length - 10), offset: 72 + 48, message: /claims 100 bytes but only 90 remain/ },
  {
    name: 'size larger than file',
    bytes: makeAr([{ name: 'big', data: 'abcd' }], { sizeOverride: { big: 999999999 } }),
    offset: 8 + 48,
    message: /claims 999999999 bytes/,
  },
  {
    name: 'non-numeric size',
    bytes: Buffer.from(text(good).replace('4         `', '-4        `'), 'latin1'),
    offset: 8 + 48,
    message: /bad ar member size/,
  },
  { name: 'bad header terminator', bytes: Buffer.from(text(good).replace('`\n', 'XX'), 'latin1'), offset: 8 + 58, message: /terminator/ },
  { name: 'bad padding byte', bytes: Buffer.from(text(makeAr([{ name: 'a', data: 'abc' }, { name: 'b', data: 'de' }])).replace('abc\n', 'abcZ'), 'latin1'), offset: 8 + 60 + 3, message: /padding/ },
  { name: 'dangling GNU long name', bytes: makeAr([{ name: '/5', data: 'x' }]), offset: 8, message: /name table/ },
  { name: 'BSD name longer than member', bytes: makeAr([{ name: '#1/50', data: 'short' }]), offset: 8, message: /BSD long name/ },
];

t.test('corrupt archives give FormatError with file and offset', async (t) => {
  for (const c of corrupt) {
    t.test(c.name, async (t) => {
      try {
        readAr(c.bytes, 'bad.deb');
        t.fail('expected an error');
      } catch (e) {
        t.type(e, FormatError);
        const err = e as FormatError;
        t.equal(err.code, 'E_FORMAT_CORRUPT');
        t.equal(err.context.offset, c.offset);
        t.match(err.message, c.message);
        t.match(err.toOneLine(), `bad.deb (offset ${c.offset}): `);
      }
    });
  }
});

t.test('every truncation of a valid archive either parses a prefix or fails cleanly', async (t) => {
  for (let cut = 0; cut < good.length; cut++) {
    try {
      readAr(good.subarray(0, cut), 'cut.ar');
      // Only a cut exactly at a member boundary is a valid shorter archive.
      t.ok([8, 72].includes(cut), `cut ${cut} parsed`);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
    }
  }
});
