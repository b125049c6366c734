/**
 * Builds minimal Analysis objects by hand for tests of code that consumes analyses (risk
 * detection, reports), independent of the real shell parser. Each entry is one simple command,
 * or a pipeline (`a | b`), written as shell-like text: words split on blanks outside quotes;
 * a word is literal when it has no `$`, backquote or glob character (quotes are then removed,
 * as the Analysis contract says); `>`, `>>`, `<`, `2>` … tokens are redirections.
 */
import type { Analysis, Command, Guard, Redirect, Word } from '../../src/shell/analysis.js';

export interface CommandOptions {
  line?: number;
  guards?: Guard[];
  inFunction?: string;
  substitution?: boolean;
  background?: boolean;
}

export type CommandEntry = string | [string, CommandOptions];

function splitWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let started = false;
  for (const ch of text) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) out.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (quote) throw new Error(`unterminated quote in test command: ${text}`);
  if (started) out.push(cur);
  return out;
}

export function word(raw: string): Word {
  const literal = !/[$`*?[]/.test(raw.replace(/'[^']*'/g, ''));
  return { text: literal ? raw.replace(/["']/g, '') : raw, literal };
}

const redirectOp = /^(\d*)(>>|>\||>&|&>>|&>|<<<|<>|>|<)(.*)$/;

/** One simple command (no pipes) with its redirections split off. */
function simple(text: string, line: number, opts: CommandOptions, piped: boolean): Command {
  const tokens = splitWords(text);
  const args: Word[] = [];
  const redirects: Redirect[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const m = redirectOp.exec(t);
    if (m && !t.startsWith('"') && !t.startsWith("'")) {
      const target = m[3] !== '' ? m[3]! : tokens[++i];
      if (target === undefined) throw new Error(`redirection without target: ${text}`);
      redirects.push({ op: m[2]!, target: word(target) });
      continue;
    }
    args.push(word(t));
  }
  const first = args.shift();
  const cmd: Command = {
    name: first && first.literal ? first.text : null,
    args,
    line,
    guards: opts.guards ?? [],
    redirects,
    segment: 0,
  };
  if (opts.inFunction !== undefined) cmd.inFunction = opts.inFunction;
  if (piped) cmd.piped = true;
  if (opts.substitution) cmd.substitution = true;
  if (opts.background) cmd.background = true;
  return cmd;
}

export function commands(text: string, opts: CommandOptions = {}, defaultLine = 1): Command[] {
  const parts = text.split(/\s\|\s/);
  const line = opts.line ?? defaultLine;
  return parts.map((p) => simple(p.trim(), line, opts, parts.length > 1));
}

/** An Analysis of `entries`, one per line unless a line is given; everything else empty. */
export function analysisOf(entries: CommandEntry[], extra: Partial<Analysis> = {}): Analysis {
  const cmds: Command[] = [];
  entries.forEach((e, i) => {
    const [text, opts] = typeof e === 'string' ? [e, {}] : e;
    cmds.push(...commands(text, opts, i + 1));
  });
  const lastLine = cmds.reduce((m, c) => Math.max(m, c.line), 1);
  return {
    language: 'sh',
    parser: 'tree-sitter',
    commands: cmds,
    segments: [{ kind: 'plain', startLine: 1, endLine: lastLine }],
    functions: [],
    heredocs: [],
    sourced: [],
    ...extra,
  };
}
