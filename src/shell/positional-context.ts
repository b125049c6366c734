import type { ShScript, ShStmt, ShWord } from './sh-ast.js';
import { literalValue } from './sh-word.js';
import { visitStatements } from './sh-visit.js';

/**
 * What `$1`, `$2`… mean where a guard tests them. Guards record script arguments (`configure`,
 * the old version), so a positional parameter counts only where it still holds them: at top level
 * before any `set --`, and in functions that receive the script's own arguments (an Arch entry
 * function, or one always called as `f "$@"`). A variable assigned once from `$N` at top level
 * (`action="$1"`) stands for that argument everywhere after the assignment.
 */
export interface PositionalContext {
  /** Functions whose `$N` are the script's arguments. */
  scriptArgFunctions: Set<string>;
  /** `name` → the argument it copies and the line of the copy. */
  aliases: Map<string, { arg: number; line: number }>;
}

const assignedName = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;
const copyOfArg = /^([A-Za-z_][A-Za-z0-9_]*)=("?)\$(?:([1-9])|\{([1-9])(?::?-)?\})\2$/;

/** `set -- …` or `set word…` replaces the positional parameters; `set -e` does not. */
export function resetsPositionals(stmt: ShStmt): boolean {
  const node = stmt.node;
  if (node.type !== 'simple' || node.words.length < 2 || !node.words[0] || literalValue(node.words[0]) !== 'set') return false;
  const first = node.words[1] as ShWord;
  const text = literalValue(first);
  return text === null || text === '--' || !/^[-+]/.test(text);
}

export function positionalContext(script: ShScript, entry: string | undefined): PositionalContext {
  const counts = new Map<string, number>();
  const candidates = new Map<string, { arg: number; line: number }>();
  const callSites = new Map<string, { forwardsArgs: boolean; from: string | null; nested: boolean }[]>();
  const functions = new Set<string>();
  const count = (name: string): void => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  let resetSeen = false;

  visitStatements(script.stmts, (stmt, place) => {
    const node = stmt.node;
    if (node.type === 'function') functions.add(node.name);
    if (node.type === 'for' && node.variable) count(node.variable);
    if (node.type === 'decl') {
      for (const a of node.args) {
        const m = assignedName.exec(a.raw) ?? /^([A-Za-z_][A-Za-z0-9_]*)$/.exec(a.raw);
        if (m?.[1]) count(m[1]);
      }
    }
    if (node.type !== 'simple') return;
    if (place.inFunction === null && !place.nested && resetsPositionals(stmt)) resetSeen = true;
    for (const a of node.assigns) {
      const m = assignedName.exec(a.raw);
      if (!m?.[1]) continue;
      count(m[1]);
      const copy = copyOfArg.exec(a.raw);
      const arg = copy ? Number(copy[3] ?? copy[4]) : NaN;
      if (copy?.[1] && node.words.length === 0 && place.inFunction === null && !place.nested && !resetSeen && !Number.isNaN(arg)) {
        candidates.set(copy[1], { arg, line: stmt.line });
      }
    }
    const name = node.words[0] ? literalValue(node.words[0]) : null;
    if (name === 'read' || name === 'getopts') {
      for (const w of node.words.slice(1)) {
        const v = literalValue(w);
        if (v && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) count(v);
      }
    }
    if (name !== null) {
      const args = node.words.slice(1);
      const forwardsArgs = args.length === 1 && args[0]?.raw === '"$@"';
      const sites = callSites.get(name) ?? [];
      sites.push({ forwardsArgs, from: place.inFunction, nested: place.nested });
      callSites.set(name, sites);
    }
  });

  const aliases = new Map<string, { arg: number; line: number }>();
  for (const [name, alias] of candidates) if (counts.get(name) === 1) aliases.set(name, alias);

  const scriptArgFunctions = new Set<string>();
  if (entry !== undefined && functions.has(entry)) scriptArgFunctions.add(entry);
  // A function gets the script's arguments when every call forwards "$@" from a place that has them.
  let changed = true;
  while (changed) {
    changed = false;
    for (const f of functions) {
      if (scriptArgFunctions.has(f)) continue;
      const sites = callSites.get(f) ?? [];
      const ok =
        sites.length > 0 &&
        sites.every((s) => s.forwardsArgs && !resetSeen && (s.from === null ? true : scriptArgFunctions.has(s.from)));
      if (ok) {
        scriptArgFunctions.add(f);
        changed = true;
      }
    }
  }
  return { scriptArgFunctions, aliases };
}

/**
 * The word as guard recognition should read it: aliases of script arguments become `$N`, and
 * positional parameters that are not script arguments here are renamed so they match nothing.
 */
export function resolvePositional(word: ShWord, ctx: PositionalContext, positionalIsScript: boolean): ShWord {
  let changed = false;
  const parts = word.parts.map((p) => {
    if (p.kind !== 'param') return p;
    if (/^[0-9]+$/.test(p.name) && !positionalIsScript) {
      changed = true;
      return { ...p, name: `local:${p.name}` };
    }
    const alias = ctx.aliases.get(p.name);
    if (alias && p.plain && word.line > alias.line) {
      changed = true;
      return { ...p, name: String(alias.arg) };
    }
    return p;
  });
  return changed ? { ...word, parts } : word;
}
