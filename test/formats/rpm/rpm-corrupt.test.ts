import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { FormatError } from '../../../src/errors.js';
import { rpmReader } from '../../../src/formats/rpm/rpm-reader.js';
import { RpmSense, RpmTag, RpmType } from '../../../src/formats/rpm/rpm-tags.js';
import { buildRpm } from '../../helpers/build-rpm.js';
import { alphaSpec } from '../../helpers/rpm-fixture-specs.js';
import { writeRpmFile, writeRpmHeader, type HeaderTag } from '../../helpers/write-rpm-header.js';

const FILE = 'fixture.rpm';

/** Reads `bytes`; the outcome must be a FormatError with a one-line message naming file and offset. */
async function formatError(bytes: Uint8Array): Promise<FormatError> {
  let caught: unknown;
  try {
    await rpmReader.read(bytes, FILE);
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof FormatError)) {
    throw new Error(`expected a FormatError, got ${caught === undefined ? 'success' : String(caught)}`);
  }
  return caught;
}

function checkLine(t: Test, err: FormatError, bytes: Uint8Array): void {
  const line = err.toOneLine();
  t.notOk(line.includes('\n'), `one line: ${line}`);
  t.ok(line.startsWith(`${FILE} (offset `), line);
  t.ok(err.context.offset !== undefined && err.context.offset >= 0 && err.context.offset <= bytes.length);
}

const dir = t.testdir();
let real = new Uint8Array();
const layout = { sigIndex: 0, sigStore: 0, sigEnd: 0, main: 0, mainIndex: 0, mainStore: 0, mainEnd: 0 };

t.before(async () => {
  real = readFileSync(await buildRpm(dir, 'alpha', alphaSpec));
  const view = new DataView(real.buffer, real.byteOffset, real.byteLength);
  layout.sigIndex = 96 + 16;
  layout.sigStore = layout.sigIndex + view.getUint32(96 + 8) * 16;
  layout.sigEnd = layout.sigStore + view.getUint32(96 + 12);
  layout.main = layout.sigEnd + ((8 - ((layout.sigEnd - 96) % 8)) % 8);
  layout.mainIndex = layout.main + 16;
  layout.mainStore = layout.mainIndex + view.getUint32(layout.main + 8) * 16;
  layout.mainEnd = layout.mainStore + view.getUint32(layout.main + 12);
});

t.test('truncation anywhere before the end of the main header', async (t) => {
  const L = layout;
  const cuts = [
    0, 1, 4, 50, 95, 96, 99, 100, 104, 108, 111, 112, L.sigIndex + 8, L.sigStore - 1, L.sigStore,
    L.sigStore + 1, Math.floor((L.sigStore + L.sigEnd) / 2), L.sigEnd - 1, L.main, L.main + 3, L.main + 15,
    L.main + 16, Math.floor((L.mainIndex + L.mainStore) / 2), L.mainStore - 1, L.mainStore,
    Math.floor((L.mainStore + L.mainEnd) / 2), L.mainEnd - 1,
  ];
  t.ok(L.mainEnd < real.length, 'the fixture has a payload after the header');
  for (const cut of cuts) {
    const bytes = real.subarray(0, cut);
    const err = await formatError(bytes);
    t.equal(err.code, 'E_FORMAT_CORRUPT', `cut at ${cut}: ${err.toOneLine()}`);
    checkLine(t, err, bytes);
  }
  // The payload is never read: cutting it off changes nothing.
  const whole = await rpmReader.read(real, FILE);
  t.same(await rpmReader.read(real.subarray(0, L.mainEnd), FILE), whole);
});

t.test('hostile fields in a real package', async (t) => {
  const L = layout;
  const cases: { name: string; at: () => number; u32?: number; fill?: number; code: string; offset: () => number }[] = [
    { name: 'lead magic', at: () => 0, u32: 0x7f454c46, code: 'E_FORMAT_UNKNOWN', offset: () => 0 },
    { name: 'garbage after lead', at: () => 96, fill: 0x41, code: 'E_FORMAT_CORRUPT', offset: () => 96 },
    { name: 'signature index count over 32', at: () => 104, u32: 33, code: 'E_FORMAT_LIMIT', offset: () => 104 },
    { name: 'signature store over 64 MiB', at: () => 108, u32: 64 * 1024 * 1024 + 1, code: 'E_FORMAT_LIMIT', offset: () => 108 },
    { name: 'main header magic', at: () => L.main, u32: 0, code: 'E_FORMAT_CORRUPT', offset: () => L.main },
    { name: 'index count huge', at: () => L.main + 8, u32: 0xffffffff, code: 'E_FORMAT_LIMIT', offset: () => L.main + 8 },
    { name: 'index count over 65535', at: () => L.main + 8, u32: 0x10000, code: 'E_FORMAT_LIMIT', offset: () => L.main + 8 },
    { name: 'index count past the file', at: () => L.main + 8, u32: 0xffff, code: 'E_FORMAT_CORRUPT', offset: () => L.mainIndex },
    { name: 'store size over 256 MiB', at: () => L.main + 12, u32: 0x10000000, code: 'E_FORMAT_LIMIT', offset: () => L.main + 12 },
    { name: 'store size past the file', at: () => L.main + 12, u32: 0x0fffffff, code: 'E_FORMAT_CORRUPT', offset: () => L.mainStore },
    { name: 'entry type unknown', at: () => L.mainIndex + 16 + 4, u32: 10, code: 'E_FORMAT_CORRUPT', offset: () => L.mainIndex + 20 },
    { name: 'entry offset outside store', at: () => L.mainIndex + 16 + 8, u32: 0x7fffffff, code: 'E_FORMAT_CORRUPT', offset: () => L.mainIndex + 24 },
    { name: 'entry count zero', at: () => L.mainIndex + 16 + 12, u32: 0, code: 'E_FORMAT_CORRUPT', offset: () => L.mainIndex + 28 },
    { name: 'entry count huge', at: () => L.mainIndex + 16 + 12, u32: 0xffffffff, code: 'E_FORMAT_CORRUPT', offset: () => L.mainIndex + 28 },
  ];
  for (const c of cases) {
    const bytes = Uint8Array.from(real);
    const view = new DataView(bytes.buffer);
    if (c.u32 !== undefined) view.setUint32(c.at(), c.u32);
    if (c.fill !== undefined) bytes.fill(c.fill, c.at(), c.at() + 64);
    const err = await formatError(bytes);
    t.equal(err.code, c.code, `${c.name}: ${err.toOneLine()}`);
    t.equal(err.context.offset, c.offset(), `${c.name}: offset`);
    checkLine(t, err, bytes);
  }
});

const signature = writeRpmHeader([{ tag: 1000, type: RpmType.INT32, value: [0] }]);
const base: HeaderTag[] = [
  { tag: RpmTag.NAME, type: RpmType.STRING, value: 'synth' },
  { tag: RpmTag.VERSION, type: RpmType.STRING, value: '1' },
  { tag: RpmTag.RELEASE, type: RpmType.STRING, value: '1' },
  { tag: RpmTag.ARCH, type: RpmType.STRING, value: 'noarch' },
];
const synth = (extra: HeaderTag[], edit?: (main: Uint8Array) => void): Uint8Array => {
  const main = writeRpmHeader([...base, ...extra]);
  edit?.(main);
  return writeRpmFile(signature, main);
};
const trigger = (over: Partial<Record<'index' | 'flags' | 'progs', HeaderTag['value']>>): HeaderTag[] => [
  { tag: RpmTag.TRIGGERSCRIPTS, type: RpmType.STRING_ARRAY, value: ['echo a'] },
  { tag: RpmTag.TRIGGERSCRIPTPROG, type: RpmType.STRING_ARRAY, value: over.progs ?? ['/bin/sh'] },
  { tag: RpmTag.TRIGGERNAME, type: RpmType.STRING_ARRAY, value: ['foo'] },
  { tag: RpmTag.TRIGGERVERSION, type: RpmType.STRING_ARRAY, value: [''] },
  { tag: RpmTag.TRIGGERFLAGS, type: RpmType.INT32, value: over.flags ?? [RpmSense.TRIGGERIN] },
  { tag: RpmTag.TRIGGERINDEX, type: RpmType.INT32, value: over.index ?? [0] },
];

t.test('hostile synthetic headers', async (t) => {
  t.equal((await rpmReader.read(synth(trigger({})), FILE)).scriptlets[0]?.phase, 'triggerin', 'the unedited synthetic package reads');
  const storeOf = (main: Uint8Array) => 16 + new DataView(main.buffer).getUint32(8) * 16;
  const cases: { name: string; bytes: Uint8Array; code: string; message: RegExp }[] = [
    {
      name: 'unterminated string at the end of the store',
      bytes: synth([{ tag: 5999, type: RpmType.STRING, value: 'tail' }], (m) => m.fill(0x78, m.length - 1)),
      code: 'E_FORMAT_CORRUPT',
      message: /run past the end of the store/,
    },
    {
      name: 'misaligned INT32',
      bytes: synth([{ tag: RpmTag.EPOCH, type: RpmType.INT32, value: [1] }], (m) => {
        const v = new DataView(m.buffer);
        const i = [...Array(v.getUint32(8)).keys()].find((k) => v.getUint32(16 + k * 16) === RpmTag.EPOCH) ?? 0;
        v.setUint32(16 + i * 16 + 8, v.getUint32(16 + i * 16 + 8) + 1);
      }),
      code: 'E_FORMAT_CORRUPT',
      message: /misaligned/,
    },
    {
      name: 'STRING with count 2',
      bytes: synth([], (m) => new DataView(m.buffer).setUint32(16 + 12, 2)),
      code: 'E_FORMAT_CORRUPT',
      message: /STRING with count 2/,
    },
    {
      name: 'INT32 array longer than the store',
      bytes: synth([{ tag: RpmTag.REQUIREFLAGS, type: RpmType.INT32, value: [0] }], (m) => {
        const v = new DataView(m.buffer);
        v.setUint32(16 + 4 * 16 + 12, Math.floor((m.length - storeOf(m)) / 4) + 1);
      }),
      code: 'E_FORMAT_CORRUPT',
      message: /run past the end of the store/,
    },
    {
      name: 'NAME stored as an integer',
      bytes: writeRpmFile(signature, writeRpmHeader([{ tag: RpmTag.NAME, type: RpmType.INT32, value: [7] }, ...base.slice(1)])),
      code: 'E_FORMAT_CORRUPT',
      message: /NAME has type 4, expected a string/,
    },
    {
      name: 'no NAME',
      bytes: writeRpmFile(signature, writeRpmHeader(base.slice(1))),
      code: 'E_FORMAT_CORRUPT',
      message: /lacks NAME/,
    },
    {
      name: 'trigger index past the scripts',
      bytes: synth(trigger({ index: [3] })),
      code: 'E_FORMAT_CORRUPT',
      message: /TRIGGERINDEX\[0\] = 3 but there are 1 trigger scripts/,
    },
    {
      name: 'trigger flags and names differ in length',
      bytes: synth(trigger({ flags: [RpmSense.TRIGGERIN, RpmSense.TRIGGERIN] })),
      code: 'E_FORMAT_CORRUPT',
      message: /TRIGGERFLAGS has 2 entries but TRIGGERNAME has 1/,
    },
    {
      name: 'trigger PROGs and scripts differ in length',
      bytes: synth(trigger({ progs: ['/bin/sh', '/bin/sh'] })),
      code: 'E_FORMAT_CORRUPT',
      message: /TRIGGERSCRIPTPROG has 2 entries but TRIGGERSCRIPTS has 1/,
    },
    {
      name: 'require flags and names differ in length',
      bytes: synth([
        { tag: RpmTag.REQUIRENAME, type: RpmType.STRING_ARRAY, value: ['a', 'b'] },
        { tag: RpmTag.REQUIREFLAGS, type: RpmType.INT32, value: [0] },
      ]),
      code: 'E_FORMAT_CORRUPT',
      message: /REQUIREFLAGS has 1 entries but REQUIRENAME has 2/,
    },
  ];
  for (const c of cases) {
    const err = await formatError(c.bytes);
    t.equal(err.code, c.code, c.name);
    t.match(err.message, c.message, `${c.name}: ${err.toOneLine()}`);
    checkLine(t, err, c.bytes);
  }
});

t.test('random damage gives a package or a FormatError, nothing else', async (t) => {
  let seed = 0x2545f491;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const failures: string[] = [];
  let errors = 0;
  for (let i = 0; i < 400; i++) {
    const bytes = Uint8Array.from(real.subarray(0, layout.mainEnd));
    const flips = 1 + rand(4);
    for (let k = 0; k < flips; k++) bytes[rand(bytes.length)] = rand(256);
    try {
      await rpmReader.read(bytes, FILE);
    } catch (e) {
      errors++;
      if (!(e instanceof FormatError) || e.toOneLine().includes('\n') || e.context.offset === undefined) {
        failures.push(`iteration ${i}: ${String(e)}`);
      }
    }
  }
  t.same(failures, []);
  t.ok(errors > 0, `${errors} of 400 damaged copies were rejected`);
});
