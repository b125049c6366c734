/**
 * Builds a shell-analysis Command from one simple command line, for tests that must not depend on
 * the shell parser: words split on blanks, quotes and backslashes removed from literal words. A
 * word with an unquoted or double-quoted `$`, a backquote, or an unquoted glob character is not
 * literal and keeps its source text, as the analysis reports it.
 */
import type { Command, Word } from '../../src/shell/analysis.js';

export function words(line: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line.charAt(i))) i += 1;
    if (i >= line.length) break;
    const start = i;
    let text = '';
    let literal = true;
    while (i < line.length && !/\s/.test(line.charAt(i))) {
      const ch = line.charAt(i);
      if (ch === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) throw new Error(`unterminated quote in ${line}`);
        text += line.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '"') {
        let j = i + 1;
        while (j < line.length && line.charAt(j) !== '"') {
          if (line.charAt(j) === '\\' && j + 1 < line.length) {
            text += line.charAt(j + 1);
            j += 2;
            continue;
          }
          if (line.charAt(j) === '$' || line.charAt(j) === '`') literal = false;
          text += line.charAt(j);
          j += 1;
        }
        if (j >= line.length) throw new Error(`unterminated quote in ${line}`);
        i = j + 1;
      } else if (ch === '\\' && i + 1 < line.length) {
        text += line.charAt(i + 1);
        i += 2;
      } else if (ch === '$' && line.charAt(i + 1) === '{') {
        // Keep `${...}` (which may contain blanks inside quotes) as one word.
        const end = line.indexOf('}', i);
        if (end < 0) throw new Error(`unterminated \${ in ${line}`);
        text += line.slice(i, end + 1);
        literal = false;
        i = end + 1;
      } else {
        if ('$`*?['.includes(ch)) literal = false;
        text += ch;
        i += 1;
      }
    }
    out.push({ text: literal ? text : line.slice(start, i), literal });
  }
  return out;
}

export function cmd(line: string, extra: Partial<Command> = {}): Command {
  const [first, ...args] = words(line);
  if (!first) throw new Error('empty command line');
  return {
    name: first.literal ? first.text : null,
    args,
    line: 1,
    guards: [],
    redirects: [],
    segment: 0,
    ...extra,
  };
}
