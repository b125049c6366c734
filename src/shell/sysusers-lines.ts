import type { Command } from './analysis.js';

/** Split one sysusers.d line into fields: whitespace separates, quotes keep a field (the GECOS) together. */
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    let field = '';
    while (i < line.length && !/\s/.test(line[i] as string)) {
      const c = line[i] as string;
      if (c === '"' || c === "'") {
        const close = line.indexOf(c, i + 1);
        const end = close < 0 ? line.length : close;
        field += line.slice(i + 1, end);
        i = end + 1;
      } else {
        field += c;
        i++;
      }
    }
    out.push(field);
  }
  return out;
}

/**
 * sysusers.d text (RPM's SYSUSERS tag): each line `TYPE NAME ID GECOS HOME SHELL` becomes a
 * command named after its type letter (`u`, `g`, `m`, `r`) with the other fields as arguments.
 */
export function sysusersCommands(body: string): Command[] {
  const out: Command[] = [];
  body.split('\n').forEach((raw, i) => {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const [type, ...rest] = fields(text);
    if (!type) return;
    out.push({
      name: type,
      args: rest.map((t) => ({ text: t, literal: true })),
      line: i + 1,
      guards: [],
      redirects: [],
      segment: -1,
    });
  });
  return out;
}
