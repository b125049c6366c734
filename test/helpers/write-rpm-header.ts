import { RpmType, type RpmTypeCode } from '../../src/formats/rpm/rpm-tags.js';

export type HeaderValue = string | string[] | number[] | Uint8Array;

export interface HeaderTag {
  tag: number;
  type: RpmTypeCode;
  value: HeaderValue;
}

const align: Partial<Record<RpmTypeCode, number>> = {
  [RpmType.INT16]: 2,
  [RpmType.INT32]: 4,
  [RpmType.INT64]: 8,
};

/** Serialises a header (with magic) the way rpm lays one out: index sorted by tag, aligned store. */
export function writeRpmHeader(tags: HeaderTag[]): Uint8Array {
  const sorted = [...tags].sort((a, b) => a.tag - b.tag);
  const store: number[] = [];
  const index: number[][] = [];
  const enc = new TextEncoder();
  for (const t of sorted) {
    const a = align[t.type] ?? 1;
    while (store.length % a !== 0) store.push(0);
    const offset = store.length;
    let count: number;
    const v = t.value;
    if (typeof v === 'string') {
      store.push(...enc.encode(v), 0);
      count = 1;
    } else if (v instanceof Uint8Array) {
      store.push(...v);
      count = v.length;
    } else if (v.length > 0 && typeof v[0] === 'string') {
      for (const s of v as string[]) store.push(...enc.encode(s), 0);
      count = v.length;
    } else {
      const nums = v as number[];
      for (const n of nums) {
        if (t.type === RpmType.INT32) store.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
        else if (t.type === RpmType.INT16) store.push((n >>> 8) & 255, n & 255);
        else store.push(n & 255);
      }
      count = nums.length;
    }
    index.push([t.tag, t.type, offset, count]);
  }
  const out = new Uint8Array(16 + index.length * 16 + store.length);
  const view = new DataView(out.buffer);
  out.set([0x8e, 0xad, 0xe8, 0x01], 0);
  view.setUint32(8, index.length);
  view.setUint32(12, store.length);
  index.forEach((entry, i) => entry.forEach((n, j) => view.setUint32(16 + i * 16 + j * 4, n)));
  out.set(store, 16 + index.length * 16);
  return out;
}

/** A whole .rpm: 96-byte lead, signature header padded to 8 bytes, main header, optional payload. */
export function writeRpmFile(signature: Uint8Array, main: Uint8Array, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const lead = new Uint8Array(96);
  lead.set([0xed, 0xab, 0xee, 0xdb, 3, 0], 0);
  lead[79] = 5; // signature_type RPMSIGTYPE_HEADERSIG, big-endian short at 78
  const pad = (8 - (signature.length % 8)) % 8;
  const out = new Uint8Array(96 + signature.length + pad + main.length + payload.length);
  out.set(lead, 0);
  out.set(signature, 96);
  out.set(main, 96 + signature.length + pad);
  out.set(payload, 96 + signature.length + pad + main.length);
  return out;
}
