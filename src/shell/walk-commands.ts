import type { Command, FunctionDef, Guard, Heredoc, Redirect, Word } from './analysis.js';
import { constantContext, substituteConstants } from './constant-context.js';
import { mergeArgEquals, recogniseTest, type RecognisedTest } from './guard-test.js';
import { positionalContext, resetsPositionals, resolvePositional } from './positional-context.js';
import type { ShRedirect, ShScript, ShStmt, ShWord } from './sh-ast.js';
import { literalValue, positionalParam } from './sh-word.js';

/** Commands and facts found in a script, before segments are assigned (`segment` is filled later). */
export interface WalkResult {
  commands: Command[];
  functions: FunctionDef[];
  heredocs: Heredoc[];
  sourced: string[];
}

/** Whether `$1`… still hold the script's arguments; shared by the statements of one shell scope. */
interface Scope {
  scriptArgs: boolean;
}

type Resolve = (word: ShWord) => ShWord;

interface Context {
  scope: Scope;
  guards: Guard[];
  inFunction?: string;
  /** Index of the top-level statement being walked (in `script.stmts`). */
  top: number;
  substitution: boolean;
  piped: boolean;
  background: boolean;
}

type ConditionKind = 'if' | 'while' | 'and' | 'or';

/** `w` as read (its constants substituted) becomes `read`; `w` itself keeps the source text. */
function toWord(w: ShWord, read: ShWord = w): Word {
  const value = literalValue(read);
  if (value === null) return { text: w.raw, literal: false };
  return read === w ? { text: value, literal: true } : { text: value, literal: true, source: w.raw };
}

function toRedirect(r: ShRedirect, read: Resolve): Redirect {
  const op = `${r.fd ?? ''}${r.op}`;
  return { op, target: r.target ? toWord(r.target, read(r.target)) : { text: '', literal: true } };
}

/** The statement whose exit status decides a condition list: the last one. */
function deciding(stmts: ShStmt[]): ShStmt | null {
  return stmts[stmts.length - 1] ?? null;
}

function guard(kind: ConditionKind, text: string, negated: boolean, recognised: RecognisedTest): Guard {
  const g: Guard = { kind, text, negated: negated !== recognised.flip };
  if (recognised.test.type !== 'other') g.test = recognised.test;
  return g;
}

/**
 * Guards for "the condition `stmt` holds" (or fails, when `negated`). Conjunctions split into one
 * guard per part (`a && b` holds when both hold; `a || b` fails when both fail), alternatives on
 * the same argument merge into one arg-equals, and `!` folds into `negated`.
 */
export function conditionGuards(kind: ConditionKind, stmt: ShStmt, negated: boolean, resolve: Resolve = (w) => w): Guard[] {
  const node = stmt.node;
  const recurse = (inner: ShStmt, neg: boolean): Guard[] => conditionGuards(kind, inner, neg, resolve);
  if (node.type === 'pipeline' && node.negated && node.stmts.length === 1 && node.stmts[0]) {
    return recurse(node.stmts[0], !negated);
  }
  if (node.type === 'block' && !node.subshell) {
    const inner = deciding(node.body);
    if (inner && node.body.length === 1) return recurse(inner, negated);
  }
  if (node.type === 'andor') {
    if (node.op === '&&' && !negated) return [...recurse(node.left, false), ...recurse(node.right, false)];
    if (node.op === '||' && negated) return [...recurse(node.left, true), ...recurse(node.right, true)];
    if (node.op === '||') {
      const merged = mergeArgEquals(alternatives(stmt).map((s) => recogniseTest(s, resolve)));
      return [guard(kind, stmt.text, negated, merged ?? { test: { type: 'other' }, flip: false })];
    }
    return [guard(kind, stmt.text, negated, { test: { type: 'other' }, flip: false })];
  }
  if (node.type === 'simple' || node.type === 'test') return [guard(kind, stmt.text, negated, recogniseTest(stmt, resolve))];
  return [guard(kind, stmt.text, negated, { test: { type: 'other' }, flip: false })];
}

/** `a || b || c` as [a, b, c], looking through `{ ..; }` groups. */
function alternatives(stmt: ShStmt): ShStmt[] {
  const node = stmt.node;
  if (node.type === 'andor' && node.op === '||') return [...alternatives(node.left), ...alternatives(node.right)];
  if (node.type === 'block' && !node.subshell && node.body.length === 1 && node.body[0]) return alternatives(node.body[0]);
  return [stmt];
}

function conditionListGuards(kind: ConditionKind, stmts: ShStmt[], negated: boolean, resolve: Resolve): Guard[] {
  const last = deciding(stmts);
  if (!last) return [];
  return conditionGuards(kind, last, negated, resolve);
}

function sameGuards(a: Guard, b: Guard): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Commands inside a function run where the function is called. The guards every call site shares
 * (their common prefix, call sites in other functions included) are necessary for the function's
 * commands too, so they are put in front of the guards found inside the function.
 */
function inlineCallSiteGuards(commands: Command[], defined: Set<string>): void {
  // Results that did not meet a cycle are final and memoised; a cycle contributes no guards.
  const memo = new Map<string, Guard[]>();
  const prefixOf = (fn: string, visiting: Set<string>): { guards: Guard[]; cyclic: boolean } => {
    const known = memo.get(fn);
    if (known) return { guards: known, cyclic: false };
    if (visiting.has(fn)) return { guards: [], cyclic: true };
    const next = new Set(visiting).add(fn);
    let cyclic = false;
    let prefix: Guard[] | null = null;
    for (const site of commands) {
      if (site.name !== fn || site.inFunction === fn) continue;
      let own = site.guards;
      if (site.inFunction !== undefined && defined.has(site.inFunction)) {
        const outer = prefixOf(site.inFunction, next);
        cyclic ||= outer.cyclic;
        own = [...outer.guards, ...site.guards];
      }
      if (prefix === null) prefix = own;
      else {
        let n = 0;
        while (n < prefix.length && n < own.length && sameGuards(prefix[n] as Guard, own[n] as Guard)) n++;
        prefix = prefix.slice(0, n);
      }
    }
    const guards = prefix ?? [];
    if (!cyclic) memo.set(fn, guards);
    return { guards, cyclic };
  };
  const prefixes = new Map<string, Guard[]>();
  for (const fn of defined) prefixes.set(fn, prefixOf(fn, new Set()).guards);
  for (const c of commands) {
    if (c.inFunction === undefined) continue;
    const prefix = prefixes.get(c.inFunction) ?? [];
    if (prefix.length > 0) c.guards = [...prefix, ...c.guards];
  }
}

/** Walk a parsed script into commands with their guards, function definitions, heredocs and sourced files. */
export function walkCommands(script: ShScript, entry?: string): WalkResult {
  const positional = positionalContext(script, entry);
  const constants = constantContext(script, entry);
  const constantsFor = (ctx: Context): Resolve => (w) => substituteConstants(w, constants, { top: ctx.top, inFunction: ctx.inFunction });
  const resolverFor = (ctx: Context): Resolve => {
    const read = constantsFor(ctx);
    return (w) => resolvePositional(read(w), positional, ctx.scope.scriptArgs);
  };
  const commands: Command[] = [];
  const functions: { name: string; line: number }[] = [];
  const heredocs: Heredoc[] = [];
  const sourced: string[] = [];

  const walkSubs = (subs: ShStmt[][], ctx: Context): void => {
    for (const list of subs) walkList(list, { ...ctx, scope: { ...ctx.scope }, substitution: true, piped: false, background: false });
  };

  const walkList = (stmts: ShStmt[], ctx: Context): void => {
    for (const s of stmts) walkStmt(s, ctx);
  };

  const walkStmt = (stmt: ShStmt, outer: Context): void => {
    const ctx: Context = stmt.background ? { ...outer, background: true } : outer;
    const node = stmt.node;
    const resolve = resolverFor(ctx);
    for (const r of stmt.redirects) if (r.target) walkSubs(r.target.subs, ctx);
    const simpleName =
      node.type === 'simple' && node.words[0] ? literalValue(node.words[0]) : node.type === 'decl' ? node.variant : null;
    for (const r of stmt.redirects) {
      if (r.heredoc) heredocs.push({ line: r.line, delimiter: r.heredoc.delimiter, command: simpleName, body: r.heredoc.body });
    }
    switch (node.type) {
      case 'simple': {
        for (const a of node.assigns) walkSubs(a.subs, ctx);
        for (const w of node.words) walkSubs(w.subs, ctx);
        const [first, ...rest] = node.words;
        // `>file` alone still opens (creates, truncates) the file: keep it as a command with no name.
        if (!first && stmt.redirects.length > 0) emit(null, [], stmt, ctx);
        if (!first) return;
        emit(literalValue(constantsFor(ctx)(first)), rest, stmt, ctx);
        if (resetsPositionals(stmt)) ctx.scope.scriptArgs = false;
        if ((simpleName === '.' || simpleName === 'source') && rest[0]) {
          const path = literalValue(rest[0]);
          if (path !== null) sourced.push(path);
        }
        return;
      }
      case 'decl':
        for (const a of node.args) walkSubs(a.subs, ctx);
        emit(node.variant, node.args, stmt, ctx);
        return;
      case 'test':
        for (const w of node.words) walkSubs(w.subs, ctx);
        emit('[[', node.words, stmt, ctx);
        return;
      case 'pipeline': {
        const piped = node.stmts.length > 1 || ctx.piped;
        // Pipeline elements run in subshells: a `set --` inside one does not leak out.
        for (const s of node.stmts) walkStmt(s, { ...ctx, piped, scope: node.stmts.length > 1 ? { ...ctx.scope } : ctx.scope });
        return;
      }
      case 'andor': {
        walkStmt(node.left, ctx);
        const kind: ConditionKind = node.op === '&&' ? 'and' : 'or';
        const guards = conditionGuards(kind, node.left, node.op === '||', resolve);
        walkStmt(node.right, { ...ctx, guards: [...ctx.guards, ...guards] });
        return;
      }
      case 'if': {
        let failed: Guard[] = [];
        for (const clause of node.clauses) {
          walkList(clause.cond, { ...ctx, guards: [...ctx.guards, ...failed] });
          const holds = conditionListGuards('if', clause.cond, false, resolve);
          walkList(clause.body, { ...ctx, guards: [...ctx.guards, ...failed, ...holds] });
          failed = [...failed, ...conditionListGuards('if', clause.cond, true, resolve)];
        }
        if (node.elseBody) walkList(node.elseBody, { ...ctx, guards: [...ctx.guards, ...failed] });
        return;
      }
      case 'case': {
        walkSubs(node.subject.subs, ctx);
        const subject = node.subject.raw;
        const arg = positionalParam(resolve(node.subject));
        for (const arm of node.arms) {
          for (const p of arm.patterns) walkSubs(p.subs, ctx);
          const values = arm.patterns.map(literalValue);
          const patterns = arm.patterns.map((p, i) => values[i] ?? p.raw);
          const g: Guard = {
            kind: 'case',
            subject,
            patterns,
            negated: false,
            text: `case ${subject} in ${arm.patterns.map((p) => p.raw).join('|')})`,
          };
          if (arg !== null && values.every((v) => v !== null)) g.test = { type: 'arg-equals', arg, values: values as string[] };
          walkList(arm.body, { ...ctx, guards: [...ctx.guards, g] });
        }
        return;
      }
      case 'loop':
        walkList(node.cond, ctx);
        walkList(node.body, { ...ctx, guards: [...ctx.guards, ...conditionListGuards('while', node.cond, node.until, resolve)] });
        return;
      case 'for':
        for (const w of node.items) walkSubs(w.subs, ctx);
        walkList(node.body, ctx);
        return;
      case 'block':
        walkList(node.body, node.subshell ? { ...ctx, scope: { ...ctx.scope } } : ctx);
        return;
      case 'function': {
        functions.push({ name: node.name, line: stmt.line });
        const g: Guard = { kind: 'function', name: node.name, negated: false, text: `${node.name}()` };
        const scope = { scriptArgs: positional.scriptArgFunctions.has(node.name) };
        walkStmt(node.body, { scope, guards: [...ctx.guards, g], inFunction: node.name, top: ctx.top, substitution: false, piped: false, background: false });
        return;
      }
      case 'other':
        walkSubs(node.subs, ctx);
        return;
    }
  };

  const emit = (name: string | null, args: ShWord[], stmt: ShStmt, ctx: Context): void => {
    const read = constantsFor(ctx);
    const cmd: Command = {
      name,
      args: args.map((w) => toWord(w, read(w))),
      line: stmt.line,
      guards: ctx.guards,
      redirects: stmt.redirects.map((r) => toRedirect(r, read)),
      segment: -1,
    };
    if (ctx.inFunction !== undefined) cmd.inFunction = ctx.inFunction;
    if (ctx.piped) cmd.piped = true;
    if (ctx.background) cmd.background = true;
    if (ctx.substitution) cmd.substitution = true;
    commands.push(cmd);
  };

  const topScope: Scope = { scriptArgs: true };
  script.stmts.forEach((s, top) => walkStmt(s, { scope: topScope, top, guards: [], substitution: false, piped: false, background: false }));

  const defined = new Set(functions.map((f) => f.name));
  inlineCallSiteGuards(commands, defined);
  const functionDefs: FunctionDef[] = functions.map((f) => {
    const calls = new Set<string>();
    for (const c of commands) if (c.inFunction === f.name && c.name !== null && defined.has(c.name)) calls.add(c.name);
    return { name: f.name, line: f.line, calls: [...calls].sort() };
  });
  return { commands, functions: functionDefs, heredocs, sourced: [...new Set(sourced)].sort() };
}
