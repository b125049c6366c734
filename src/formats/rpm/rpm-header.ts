import { FormatError } from '../../errors.js';
import { decodeScriptText, type DecodedText } from '../decode-script-text.js';
import { rpmTagLabel, RpmType, type RpmTypeCode } from './rpm-tags.js';

/** One index entry whose data parseHeader has already checked to lie inside the store. */
export interface HeaderEntry {
  tag: number;
  type: RpmTypeCode;
  count: number;
  /** Absolute offset of the entry's data in the file, for messages. */
  offset: number;
  /** Exactly the entry's data bytes (strings include their NUL terminators). */
  data: Uint8Array;
}

const utf8 = new TextDecoder('utf-8');

/**
 * A parsed, bounds-checked RPM header. Values are decoded on demand so that large tags (file lists)
 * cost nothing unless asked for; a tag of an unexpected type is a FormatError naming it.
 */
export class RpmHeader {
  constructor(
    readonly file: string,
    /** Absolute offset of the header's magic. */
    readonly start: number,
    /** Absolute offset just past the data store. */
    readonly end: number,
    private readonly entries: ReadonlyMap<number, HeaderEntry>,
  ) {}

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  entry(tag: number): HeaderEntry | undefined {
    return this.entries.get(tag);
  }

  /** A STRING, or the first element of a STRING_ARRAY / I18NSTRING (the untranslated one). */
  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== RpmType.STRING && e.type !== RpmType.STRING_ARRAY && e.type !== RpmType.I18NSTRING) {
      throw this.typeError(e, 'a string');
    }
    return splitStrings(e.data, 1)[0];
  }

  /** A STRING_ARRAY or I18NSTRING; a single STRING counts as a one-element array. */
  strings(tag: number): string[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== RpmType.STRING && e.type !== RpmType.STRING_ARRAY && e.type !== RpmType.I18NSTRING) {
      throw this.typeError(e, 'a string array');
    }
    return splitStrings(e.data, e.count);
  }

  /**
   * Like strings(), for text whose bytes are written back out (scriptlet bodies): each element is
   * UTF-8 when valid, else one character per byte (latin1), never replaced with U+FFFD. string()
   * and strings() replace bad UTF-8; they are for names and text that is only read or shown.
   */
  scriptTexts(tag: number): DecodedText[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== RpmType.STRING && e.type !== RpmType.STRING_ARRAY && e.type !== RpmType.I18NSTRING) {
      throw this.typeError(e, 'a string array');
    }
    return splitBytes(e.data, e.type === RpmType.STRING ? 1 : e.count).map(decodeScriptText);
  }

  /** INT8/INT16/INT32 (and CHAR) values; INT64 only while exactly representable. */
  numbers(tag: number): number[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    const view = new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    const out: number[] = [];
    switch (e.type) {
      case RpmType.CHAR:
      case RpmType.INT8:
        for (let i = 0; i < e.count; i++) out.push(view.getUint8(i));
        return out;
      case RpmType.INT16:
        for (let i = 0; i < e.count; i++) out.push(view.getUint16(i * 2));
        return out;
      case RpmType.INT32:
        for (let i = 0; i < e.count; i++) out.push(view.getUint32(i * 4));
        return out;
      case RpmType.INT64:
        for (let i = 0; i < e.count; i++) {
          const v = view.getBigUint64(i * 8);
          if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
            throw new FormatError('E_FORMAT_LIMIT', `${rpmTagLabel(e.tag)} value ${v} is too large`, {
              file: this.file,
              offset: e.offset + i * 8,
            });
          }
          out.push(Number(v));
        }
        return out;
      default:
        throw this.typeError(e, 'an integer');
    }
  }

  number(tag: number): number | undefined {
    return this.numbers(tag)?.[0];
  }

  private typeError(e: HeaderEntry, wanted: string): FormatError {
    return new FormatError('E_FORMAT_CORRUPT', `${rpmTagLabel(e.tag)} has type ${e.type}, expected ${wanted}`, {
      file: this.file,
      offset: e.offset,
    });
  }
}

/** `count` NUL-terminated strings; parseHeader guarantees that many terminators exist. */
function splitStrings(data: Uint8Array, count: number): string[] {
  return splitBytes(data, count).map((b) => utf8.decode(b));
}

function splitBytes(data: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const nul = data.indexOf(0, pos);
    const stop = nul < 0 ? data.length : nul;
    out.push(data.subarray(pos, stop));
    pos = stop + 1;
  }
  return out;
}
