import type { Prng } from './prng.js';

export interface MutateOptions {
  /** Other inputs to splice from. */
  corpus: readonly Uint8Array[];
  /** Tokens worth inserting for this format (field names, shell syntax, magic numbers). */
  dictionary: readonly Uint8Array[];
  /** Largest mutated input produced. */
  maxLength: number;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x0a, 0x20, 0x2f, 0x2e, 0x30, 0x39, 0x3a, 0x7f, 0x80, 0xc3, 0xfe, 0xff];
const INTERESTING_U32 = [0, 1, 2, 7, 8, 15, 16, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];
/** Decimal and octal numbers that break size fields (ar, tar) at their edges. */
const INTERESTING_NUMBERS = ['0', '1', '7', '8', '511', '512', '4095', '99999999999', '77777777777', '8589934592', '9999999999', '-1', '1e9', ''];

type Operator = (input: Uint8Array, rng: Prng, options: MutateOptions) => Uint8Array;

function randomSpan(rng: Prng, length: number): [number, number] {
  const start = rng.below(length + 1);
  const max = Math.min(length - start, rng.chance(1, 4) ? 4096 : 32);
  return [start, start + rng.below(max + 1)];
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

const flipBit: Operator = (input, rng) => {
  if (input.length === 0) return input;
  const out = Uint8Array.from(input);
  const at = rng.below(out.length);
  out[at] = (out[at] ?? 0) ^ (1 << rng.below(8));
  return out;
};

const setByte: Operator = (input, rng) => {
  if (input.length === 0) return input;
  const out = Uint8Array.from(input);
  out[rng.below(out.length)] = rng.chance(1, 2) ? rng.pick(INTERESTING_BYTES) : rng.below(256);
  return out;
};

const insertBytes: Operator = (input, rng) => {
  const at = rng.below(input.length + 1);
  const n = 1 + rng.below(rng.chance(1, 8) ? 2048 : 16);
  const fill = rng.chance(1, 2) ? rng.pick(INTERESTING_BYTES) : -1;
  const bytes = Uint8Array.from({ length: n }, () => (fill >= 0 ? fill : rng.below(256)));
  return concat(input.subarray(0, at), bytes, input.subarray(at));
};

const deleteSpan: Operator = (input, rng) => {
  const [a, b] = randomSpan(rng, input.length);
  return concat(input.subarray(0, a), input.subarray(b));
};

const duplicateSpan: Operator = (input, rng) => {
  const [a, b] = randomSpan(rng, input.length);
  const at = rng.below(input.length + 1);
  const copies = rng.chance(1, 8) ? 1 + rng.below(64) : 1;
  const chunk = input.subarray(a, b);
  return concat(input.subarray(0, at), ...Array.from({ length: copies }, () => chunk), input.subarray(at));
};

const truncate: Operator = (input, rng) => input.subarray(0, rng.below(input.length + 1));

const splice: Operator = (input, rng, options) => {
  if (options.corpus.length === 0) return input;
  const other = rng.pick(options.corpus);
  const cutA = rng.below(input.length + 1);
  const cutB = rng.below(other.length + 1);
  return concat(input.subarray(0, cutA), other.subarray(cutB));
};

const insertToken: Operator = (input, rng, options) => {
  if (options.dictionary.length === 0) return input;
  const token = rng.pick(options.dictionary);
  const at = rng.below(input.length + 1);
  const replace = rng.chance(1, 3) ? Math.min(token.length, input.length - at) : 0;
  return concat(input.subarray(0, at), token, input.subarray(at + replace));
};

/** Rewrites a run of ASCII digits (a size, count or offset in a text header) with an edge value. */
const tweakNumberText: Operator = (input, rng) => {
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < input.length && runs.length < 256; ) {
    const c = input[i] ?? 0;
    if (c >= 0x30 && c <= 0x39) {
      let j = i;
      while (j < input.length && (input[j] ?? 0) >= 0x30 && (input[j] ?? 0) <= 0x39) j++;
      runs.push([i, j]);
      i = j;
    } else i++;
  }
  if (runs.length === 0) return input;
  const [a, b] = rng.pick(runs);
  const text = rng.pick(INTERESTING_NUMBERS);
  // Same width keeps fixed-layout headers (ar, tar) aligned, so the change reaches the parser.
  const value = Buffer.from(rng.chance(3, 4) ? text.padStart(b - a, '0').slice(-(b - a)) : text, 'latin1');
  return concat(input.subarray(0, a), value, input.subarray(b));
};

/** Overwrites a 32-bit word (an RPM count or offset, a zstd size) with an edge value. */
const tweakWord: Operator = (input, rng) => {
  if (input.length < 4) return input;
  const out = Uint8Array.from(input);
  const at = rng.chance(1, 2) ? rng.below(out.length - 3) & ~3 : rng.below(out.length - 3);
  const base = rng.pick(INTERESTING_U32);
  const value = rng.chance(1, 4) ? (base + rng.below(5) - 2) >>> 0 : base;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(at, value, rng.chance(1, 2));
  return out;
};

const operators: readonly Operator[] = [
  flipBit,
  setByte,
  insertBytes,
  deleteSpan,
  duplicateSpan,
  truncate,
  splice,
  insertToken,
  insertToken,
  tweakNumberText,
  tweakNumberText,
  tweakWord,
  tweakWord,
];

/** One mutant: one to a few stacked operators, capped at `maxLength`. */
export function mutate(input: Uint8Array, rng: Prng, options: MutateOptions): Uint8Array {
  let out = input;
  const rounds = 1 + (rng.chance(1, 3) ? rng.below(4) : 0);
  for (let i = 0; i < rounds; i++) out = rng.pick(operators)(out, rng, options);
  return out.length > options.maxLength ? out.subarray(0, options.maxLength) : out;
}
