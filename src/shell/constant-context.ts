import type { ShScript, ShStmt, ShWord, ShWordPart } from './sh-ast.js';
import { literalValue, normaliseParts } from './sh-word.js';
import { visitStatements } from './sh-visit.js';

/**
 * Variables that hold one known literal wherever they are read: assigned exactly once, by a
 * top-level statement that always runs (`crondir=/var/spool/cron`), and changed nowhere else in the
 * script. A read counts only when it runs after that statement: in a later top-level statement, or
 * in a function whose every call comes after it. Anything that could change the value out of sight
 * (`eval`, a sourced file after the assignment, `read`, `unset`, `local`, `${x:=..}`, arithmetic)
 * keeps the variable unknown, so the substituted word is what the shell would see.
 */
export interface ConstantContext {
  /** name → value and the index (in `script.stmts`) of the statement assigning it. */
  values: Map<string, { value: string; top: number }>;
  /** function → the earliest top-level statement index at which it can run; absent when unknown. */
  earliestRun: Map<string, number>;
}

/** Where a word is read: its top-level statement, or the function it is in. */
export interface ReadPlace {
  top: number;
  inFunction?: string | undefined;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
const assignedName = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;

/**
 * Set by the shell itself, changed by builtins (`cd`, `getopts`, `read`), or read by dpkg-aware
 * guard recognition as the variable itself: never replaced by a value.
 */
const shellManaged = new Set([
  'IFS', 'PWD', 'OLDPWD', 'OPTIND', 'OPTARG', 'OPTERR', 'REPLY', 'RANDOM', 'SRANDOM', 'SECONDS', 'LINENO',
  'PPID', 'UID', 'EUID', 'GROUPS', 'SHLVL', 'HOSTNAME', 'HISTCMD', 'FUNCNAME', 'PIPESTATUS', 'EPOCHSECONDS',
  'EPOCHREALTIME', 'COLUMNS', 'LINES', 'SHELLOPTS', 'DIRSTACK', 'COMP_WORDS', 'MAPFILE', 'CDPATH', '_',
]);

function managed(name: string): boolean {
  return shellManaged.has(name) || name.startsWith('BASH') || name.startsWith('DPKG_');
}

/** Commands whose operands name variables they set, unset or declare. */
const namingCommands = new Set([
  'read', 'getopts', 'unset', 'export', 'readonly', 'declare', 'typeset', 'local', 'mapfile', 'readarray',
  'printf', 'wait', 'select',
]);

/** Commands whose operands are shell code or arithmetic that may assign anything it names. */
const codeCommands = new Set(['let', 'trap', 'alias']);

function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}([^A-Za-z0-9_]|$)`).test(text);
}

function wordsOf(stmt: ShStmt): ShWord[] {
  const node = stmt.node;
  const redirects = stmt.redirects.flatMap((r) => (r.target ? [r.target] : []));
  switch (node.type) {
    case 'simple':
      return [...node.assigns, ...node.words, ...redirects];
    case 'decl':
      return [...node.args, ...redirects];
    case 'test':
      return [...node.words, ...redirects];
    case 'case':
      return [node.subject, ...node.arms.flatMap((a) => a.patterns), ...redirects];
    case 'for':
      return [...node.items, ...redirects];
    default:
      return redirects;
  }
}

/** Literal `NAME=value` assignments made by statement `stmt` when it is a bare assignment. */
function literalAssignments(stmt: ShStmt): { name: string; value: string }[] {
  const node = stmt.node;
  if (node.type !== 'simple' || node.words.length > 0 || stmt.background) return [];
  const out: { name: string; value: string }[] = [];
  for (const a of node.assigns) {
    const text = literalValue(a);
    const eq = text === null ? -1 : text.indexOf('=');
    if (text === null || eq <= 0) continue;
    const name = text.slice(0, eq);
    if (identifier.test(name)) out.push({ name, value: text.slice(eq + 1) });
  }
  return out;
}

export function constantContext(script: ShScript, entry?: string): ConstantContext {
  const none: ConstantContext = { values: new Map(), earliestRun: new Map() };
  const assignCounts = new Map<string, number>();
  const refused = new Set<string>();
  const functions = new Set<string>();
  const callSites = new Map<string, { top: number; from: string | null }[]>();
  const wordMentions: string[] = [];
  const operands: string[] = [];
  const sources: { top: number; inFunction: boolean }[] = [];
  let evalSeen = false;
  let dynamicCommand = false;

  script.stmts.forEach((topStmt, top) => {
    visitStatements([topStmt], (stmt, place) => {
      const node = stmt.node;
      for (const w of wordsOf(stmt)) {
        // `${x=..}`, `${x:=..}` assign; arithmetic may assign (`$((x+=1))`).
        const assignOp = /\$\{([A-Za-z_][A-Za-z0-9_]*):?=/g;
        for (const m of w.raw.matchAll(assignOp)) if (m[1]) refused.add(m[1]);
        if (w.raw.includes('((')) wordMentions.push(w.raw);
      }
      switch (node.type) {
        case 'function':
          functions.add(node.name);
          return;
        case 'for':
          if (node.variable) refused.add(node.variable);
          return;
        case 'decl':
          for (const a of node.args) {
            const m = assignedName.exec(a.raw) ?? /^([A-Za-z_][A-Za-z0-9_]*)$/.exec(a.raw);
            if (m?.[1]) refused.add(m[1]);
            else wordMentions.push(a.raw);
          }
          return;
        case 'other':
          wordMentions.push(stmt.text);
          return;
        case 'simple':
          break;
        default:
          return;
      }
      for (const a of node.assigns) {
        const m = assignedName.exec(a.raw);
        if (m?.[1]) assignCounts.set(m[1], (assignCounts.get(m[1]) ?? 0) + 1);
        else evalSeen = true;
      }
      const first = node.words[0];
      if (!first) return;
      const name = literalValue(first);
      if (name === null) {
        dynamicCommand = true;
        return;
      }
      if (name === 'eval') evalSeen = true;
      if (name === '.' || name === 'source') sources.push({ top, inFunction: place.inFunction !== null });
      if (namingCommands.has(name)) {
        for (const w of node.words.slice(1)) {
          const v = literalValue(w);
          const m = v === null ? null : assignedName.exec(v) ?? /^([A-Za-z_][A-Za-z0-9_]*)$/.exec(v);
          if (m?.[1]) refused.add(m[1]);
        }
      }
      if (codeCommands.has(name)) for (const w of node.words.slice(1)) wordMentions.push(w.raw);
      const sites = callSites.get(name) ?? [];
      sites.push({ top, from: place.inFunction });
      callSites.set(name, sites);
      // A function named as an operand (`trap f EXIT`, `xargs f`) may run from anywhere.
      for (const w of node.words.slice(1)) {
        const v = literalValue(w);
        if (v !== null) operands.push(v);
      }
    });
  });
  if (evalSeen) return none;

  const earliestRun = new Map<string, number>();
  if (!dynamicCommand) {
    const unknown = new Set([...functions].filter((f) => [...wordMentions, ...operands].some((t) => mentions(t, f))));
    const memo = new Map<string, number | null>();
    const earliest = (fn: string, visiting: Set<string>): { at: number | null; cyclic: boolean } => {
      if (memo.has(fn)) return { at: memo.get(fn) as number | null, cyclic: false };
      if (unknown.has(fn)) return { at: null, cyclic: false };
      // A call from a function already running says nothing about when it first runs.
      if (visiting.has(fn)) return { at: Infinity, cyclic: true };
      const next = new Set(visiting).add(fn);
      let at: number | null = fn === entry ? script.stmts.length : Infinity;
      let cyclic = false;
      for (const site of callSites.get(fn) ?? []) {
        if (site.from === fn) continue;
        let siteAt: number | null = site.top;
        if (site.from !== null) {
          const outer = earliest(site.from, next);
          cyclic ||= outer.cyclic;
          siteAt = outer.at;
        }
        if (siteAt === null || at === null) {
          at = null;
          continue;
        }
        at = Math.min(at, siteAt);
      }
      // Never called: whoever runs it (a sourcing script, a hook) may do so at any time.
      if (at === Infinity && !cyclic) at = null;
      if (!cyclic) memo.set(fn, at);
      return { at, cyclic };
    };
    for (const f of functions) {
      const { at } = earliest(f, new Set());
      if (at !== null && at !== Infinity) earliestRun.set(f, at);
    }
  }

  const values = new Map<string, { value: string; top: number }>();
  script.stmts.forEach((stmt, top) => {
    for (const { name, value } of literalAssignments(stmt)) {
      if (assignCounts.get(name) !== 1 || refused.has(name) || managed(name) || functions.has(value)) continue;
      if (wordMentions.some((t) => mentions(t, name))) continue;
      // A file sourced after the assignment (or from a function) may assign it again.
      if (sources.some((s) => s.inFunction || s.top >= top)) continue;
      values.set(name, { value, top });
    }
  });
  return { values, earliestRun };
}

function runsAfter(ctx: ConstantContext, place: ReadPlace, top: number): boolean {
  if (place.inFunction === undefined) return place.top > top;
  const at = ctx.earliestRun.get(place.inFunction);
  return at !== undefined && at > top;
}

/**
 * The word with reads of known constants replaced by their values. An unquoted read whose value
 * would be split or globbed (blanks, `*?[`, or empty) is left alone.
 */
export function substituteConstants(word: ShWord, ctx: ConstantContext, place: ReadPlace): ShWord {
  if (ctx.values.size === 0) return word;
  let changed = false;
  const parts = word.parts.map((p): ShWordPart => {
    if (p.kind !== 'param' || !p.plain) return p;
    const known = ctx.values.get(p.name);
    if (!known || !runsAfter(ctx, place, known.top)) return p;
    if (!p.quoted && (known.value === '' || /[\s*?[]/.test(known.value))) return p;
    changed = true;
    return { kind: 'lit', value: known.value, quoted: true };
  });
  return changed ? { ...word, parts: normaliseParts(parts) } : word;
}
