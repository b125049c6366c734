import type { ShWord, ShWordPart } from './sh-ast.js';

/**
 * Quote removal and expansion detection shared by both parser adapters, so a word means the same
 * whichever parser read it.
 */

function hasGlob(chunk: string): boolean {
  if (chunk.includes('*') || chunk.includes('?')) return true;
  const open = chunk.indexOf('[');
  return open >= 0 && chunk.indexOf(']', open + 1) > open;
}

/**
 * Parts of unquoted literal source text (`a\ b`, `*.c`, `~/x`): backslash escapes are removed, and
 * text the shell would expand as a pattern becomes a `pattern` part.
 */
export function unquotedParts(raw: string, atWordStart: boolean): ShWordPart[] {
  let value = '';
  let plain = '';
  let pattern = atWordStart && raw.startsWith('~');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      i++;
      if (next === '\n') continue;
      value += next;
      continue;
    }
    value += c;
    plain += c;
  }
  if (pattern || hasGlob(plain)) return [{ kind: 'pattern', value }];
  return value === '' ? [] : [{ kind: 'lit', value, quoted: false }];
}

/** Text inside double quotes: only `\$`, `` \` ``, `\"`, `\\` and backslash-newline are escapes. */
export function doubleQuotedText(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      if (next === '\n') {
        i++;
        continue;
      }
      if (next === '$' || next === '`' || next === '"' || next === '\\') {
        out += next;
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

const ansiEscapes: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Body of `$'..'`, or null when it uses escapes (octal, hex, unicode) not worth decoding here. */
export function ansiCText(body: string): string | null {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) return null;
    const mapped = ansiEscapes[next];
    if (mapped === undefined) return null;
    out += mapped;
    i++;
  }
  return out;
}

/** Quote-removed text when every part is literal, else null. */
export function literalValue(word: ShWord): string | null {
  let out = '';
  for (const part of word.parts) {
    if (part.kind !== 'lit') return null;
    out += part.value;
  }
  return out;
}

/** `$N` / `"${N}"` / `"${N:-}"` alone: the positional parameter number, else null. */
export function positionalParam(word: ShWord): number | null {
  if (word.parts.length !== 1) return null;
  const part = word.parts[0];
  if (part?.kind !== 'param' || !part.plain || !/^[1-9]$/.test(part.name)) return null;
  return Number(part.name);
}

/** The word with any leading literal `prefix` removed, for the old `[ "x$1" = xconfigure ]` idiom. */
export function withoutLiteralPrefix(word: ShWord, prefix: string): ShWord | null {
  const first = word.parts[0];
  if (first?.kind !== 'lit' || !first.value.startsWith(prefix)) return null;
  const rest = first.value.slice(prefix.length);
  const parts: ShWordPart[] = rest === '' ? word.parts.slice(1) : [{ ...first, value: rest }, ...word.parts.slice(1)];
  return { ...word, parts };
}

/** Merge neighbouring literal parts so both parsers give the same part lists. */
export function normaliseParts(parts: ShWordPart[]): ShWordPart[] {
  const out: ShWordPart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (part.kind === 'lit' && last?.kind === 'lit') {
      out[out.length - 1] = { kind: 'lit', value: last.value + part.value, quoted: last.quoted || part.quoted };
    } else if (!(part.kind === 'lit' && part.value === '' && !part.quoted)) {
      out.push(part);
    }
  }
  // An empty quoted literal only matters when it is the whole word (`""`).
  return out.length > 1 ? out.filter((p) => !(p.kind === 'lit' && p.value === '')) : out;
}
