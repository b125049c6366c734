import type { Command } from './analysis.js';

/**
 * A Debian `triggers` control file: one directive per line (`interest`, `interest-await`,
 * `interest-noawait`, `activate`, `activate-await`, `activate-noawait`) and a trigger name.
 * Each line becomes a command named after its directive, so policies match it like shell.
 */
export function debTriggerCommands(body: string): Command[] {
  const out: Command[] = [];
  body.split('\n').forEach((raw, i) => {
    const text = raw.replace(/#.*$/, '').trim();
    if (text === '') return;
    const [directive, ...rest] = text.split(/\s+/);
    if (!directive) return;
    out.push({
      name: directive,
      args: rest.map((t) => ({ text: t, literal: true })),
      line: i + 1,
      guards: [],
      redirects: [],
      segment: -1,
    });
  });
  return out;
}
