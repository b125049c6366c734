import { FormatError, type ErrorContext } from '../../errors.js';

export interface ControlField {
  /** As written (field names are case-insensitive; lookups use lower case). */
  name: string;
  /** First line trimmed, then each continuation line without its leading whitespace, joined by `\n`. */
  value: string;
  /** 1-based line of the field name. */
  line: number;
}

export interface ControlParagraph {
  /** Keyed by lower-cased field name. */
  fields: ReadonlyMap<string, ControlField>;
  /** 1-based line the paragraph starts on. */
  line: number;
}

/** The value of field `name` (case-insensitive), if present. */
export function controlField(paragraph: ControlParagraph, name: string): string | undefined {
  return paragraph.fields.get(name.toLowerCase())?.value;
}

/**
 * Parses deb822 text (a binary package's `control`, or dpkg's `status` with one paragraph per
 * package). Paragraphs are separated by blank (or whitespace-only) lines; a line starting with a
 * space or tab continues the previous field; `#` lines are comments, as dpkg's parser allows.
 * Errors carry the 1-based line and column.
 */
export function parseControlParagraphs(text: string, context: ErrorContext): ControlParagraph[] {
  const paragraphs: ControlParagraph[] = [];
  const lines = text.split('\n');
  let fields: Map<string, ControlField> | undefined;
  let start = 0;
  let current: ControlField | undefined;
  const fail = (message: string, line: number, column: number): FormatError =>
    new FormatError('E_FORMAT_CORRUPT', message, { ...context, line, column });

  const close = (): void => {
    if (fields) paragraphs.push({ fields, line: start });
    fields = undefined;
    current = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line.trim() === '') {
      close();
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!current) throw fail('continuation line without a field before it', lineNo, 1);
      current.value += `\n${line.trimStart()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw fail(`expected "Field: value", found ${JSON.stringify(line.slice(0, 40))}`, lineNo, 1);
    const name = line.slice(0, colon);
    if (!/^[!-9;-~]+$/.test(name)) throw fail(`bad field name ${JSON.stringify(name)}`, lineNo, 1);
    if (!fields) {
      fields = new Map();
      start = lineNo;
    }
    const key = name.toLowerCase();
    if (fields.has(key)) throw fail(`duplicate field ${name}`, lineNo, 1);
    current = { name, value: line.slice(colon + 1).trim(), line: lineNo };
    fields.set(key, current);
  }
  close();
  return paragraphs;
}
