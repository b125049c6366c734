/**
 * Finds where values sit in JSON5 text, so schema errors (which name a JSON pointer such as
 * /rules/3/outcome) can point at a line and column. json5 itself reports no positions for values.
 *
 * It runs only on text json5 has already parsed, so it recognises tokens loosely and never has to
 * report syntax errors. Positions are 1-based and counted as json5 counts them (lines end at "\n",
 * columns in UTF-16 units), so syntax and schema errors agree.
 */

export interface SourcePosition {
  line: number;
  column: number;
}

export type LocatedValue =
  | { kind: 'object'; at: SourcePosition; members: Map<string, { key: SourcePosition; value: LocatedValue }> }
  | { kind: 'array'; at: SourcePosition; items: LocatedValue[] }
  | { kind: 'scalar'; at: SourcePosition };

type Token = { type: 'punct'; ch: string; at: SourcePosition } | { type: 'string' | 'word'; text: string; at: SourcePosition };

const punctuation = new Set(['{', '}', '[', ']', ':', ',']);
const whitespace = /[\s\uFEFF]/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let column = 1;
  const advance = (n: number): void => {
    for (let k = 0; k < n && i < source.length; k++, i++) {
      if (source[i] === '\n') {
        line++;
        column = 1;
      } else column++;
    }
  };
  while (i < source.length) {
    const c = source[i]!;
    const at = { line, column };
    if (whitespace.test(c)) advance(1);
    else if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') advance(1);
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      advance((end < 0 ? source.length : end + 2) - i);
    } else if (punctuation.has(c)) {
      tokens.push({ type: 'punct', ch: c, at });
      advance(1);
    } else if (c === '"' || c === "'") {
      let text = '';
      advance(1);
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\') {
          const next = source[i + 1] ?? '';
          text += unescape(next);
          advance(2);
        } else {
          text += source[i];
          advance(1);
        }
      }
      advance(1);
      tokens.push({ type: 'string', text, at });
    } else {
      let text = '';
      while (i < source.length && !whitespace.test(source[i]!) && !punctuation.has(source[i]!) && source[i] !== '/') {
        text += source[i];
        advance(1);
      }
      if (text === '') advance(1);
      else tokens.push({ type: 'word', text: unescapeIdentifier(text), at });
    }
  }
  return tokens;
}

// Keys are compared with the schema's property names; only simple escapes can appear in real keys.
function unescape(c: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
  return simple[c] ?? (c === '\n' ? '' : c);
}

function unescapeIdentifier(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Positions of every value in `source` (JSON5 that json5.parse accepted). */
export function locateJson5(source: string): LocatedValue {
  const tokens = tokenize(source);
  let p = 0;
  const start = { line: 1, column: 1 };
  const value = (): LocatedValue => {
    const t = tokens[p];
    if (!t) return { kind: 'scalar', at: start };
    p++;
    if (t.type === 'punct' && t.ch === '{') {
      const members = new Map<string, { key: SourcePosition; value: LocatedValue }>();
      while (p < tokens.length) {
        const k = tokens[p]!;
        if (k.type === 'punct') {
          p++;
          if (k.ch === '}') break;
          continue; // ","
        }
        p++;
        if (tokens[p]?.type === 'punct') p++; // ":"
        members.set(k.text, { key: k.at, value: value() });
      }
      return { kind: 'object', at: t.at, members };
    }
    if (t.type === 'punct' && t.ch === '[') {
      const items: LocatedValue[] = [];
      while (p < tokens.length) {
        const n = tokens[p]!;
        if (n.type === 'punct' && n.ch === ']') {
          p++;
          break;
        }
        if (n.type === 'punct' && n.ch === ',') {
          p++;
          continue;
        }
        items.push(value());
      }
      return { kind: 'array', at: t.at, items };
    }
    return { kind: 'scalar', at: t.at };
  };
  return value();
}

function decodePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Where the value at `pointer` (a JSON pointer, as in ajv's instancePath) starts; with `key`, the
 * position of that member's key inside the value (for "unknown property" errors). Falls back to the
 * deepest existing ancestor when the path does not exist (e.g. a missing property).
 */
export function positionAt(root: LocatedValue, pointer: string, key?: string): SourcePosition {
  let node = root;
  for (const seg of decodePointer(pointer)) {
    if (node.kind === 'object') {
      const m = node.members.get(seg);
      if (!m) return node.at;
      node = m.value;
    } else if (node.kind === 'array') {
      const item = /^\d+$/.test(seg) ? node.items[Number(seg)] : undefined;
      if (!item) return node.at;
      node = item;
    } else return node.at;
  }
  if (key !== undefined && node.kind === 'object') return node.members.get(key)?.key ?? node.at;
  return node.at;
}
