import { createRequire } from 'node:module';
import type { ParseFailure } from './analysis.js';
import type { ShCaseArm, ShIfClause, ShNode, ShRedirect, ShScript, ShStmt, ShWord, ShWordPart } from './sh-ast.js';
import { ansiCText, doubleQuotedText, normaliseParts, unquotedParts } from './sh-word.js';
import { childStatements } from './sh-visit.js';

/**
 * mvdan-sh adapter (a GopherJS build of Go's mvdan.cc/sh/v3/syntax). It parses real maintainer
 * scripts completely and reports real syntax errors, but its objects are slow to walk, so it is the
 * fallback after tree-sitter. Go positions are byte offsets, hence the UTF-8 buffer for slicing.
 */

/* Minimal shapes of the GopherJS objects this file touches. */
interface MvPos {
  Line(): number;
  Col(): number;
  Offset(): number;
  IsValid(): boolean;
}
interface MvNode {
  Pos(): MvPos;
  End(): MvPos;
  // Every Go struct field is reachable by name; the node type decides which exist.
  [field: string]: any;
}
interface MvParser {
  Parse(src: string, name: string): MvNode;
}
interface MvSyntax {
  NewParser(...options: unknown[]): MvParser;
  Variant(lang: unknown): unknown;
  LangBash: unknown;
  LangPOSIX: unknown;
  NodeType(node: MvNode): string;
  Walk(node: MvNode, visit: (node: MvNode | null) => boolean): void;
}

let syntaxModule: MvSyntax | undefined;

function syntax(): MvSyntax {
  // Loaded on first use only: 1.5 MB of JavaScript most runs never need.
  syntaxModule ??= (createRequire(import.meta.url)('mvdan-sh') as { syntax: MvSyntax }).syntax;
  return syntaxModule;
}

export type MvdanVariant = 'posix' | 'bash';

const parsers = new Map<MvdanVariant, MvParser>();

/** One parser per variant for the whole process: `Parse` starts afresh each call, and making a parser costs more than parsing a line. */
function parserFor(variant: MvdanVariant): MvParser {
  let parser = parsers.get(variant);
  if (!parser) {
    const sx = syntax();
    parser = sx.NewParser(sx.Variant(variant === 'bash' ? sx.LangBash : sx.LangPOSIX));
    parsers.set(variant, parser);
  }
  return parser;
}

export type MvdanResult = { ok: true; script: ShScript } | { ok: false; error: ParseFailure; langError: boolean };

export function parseWithMvdan(source: string, variant: MvdanVariant): MvdanResult {
  const sx = syntax();
  let file: MvNode;
  try {
    file = parserFor(variant).Parse(source, 'script');
  } catch (err) {
    return { ok: false, ...failure(err) };
  }
  const conv = new Converter(sx, source);
  return { ok: true, script: { stmts: conv.stmts(file.Stmts) } };
}

/**
 * Why `source` does not parse, or null when it does; the tree is not converted, which is most of
 * the cost of a parse (region-fallback.ts asks this many times of small pieces of one script).
 */
export function mvdanParseFailure(source: string, variant: MvdanVariant): { error: ParseFailure; langError: boolean } | null {
  try {
    parserFor(variant).Parse(source, 'script');
    return null;
  } catch (err) {
    return failure(err);
  }
}

function failure(err: unknown): { error: ParseFailure; langError: boolean } {
  const e = err as { Error?: () => string; Feature?: string };
  const text = typeof e?.Error === 'function' ? e.Error() : String(err);
  const m = /^[^:]*:(\d+):(\d+): ([\s\S]*)$/.exec(text);
  const langError = typeof e?.Feature === 'string';
  if (!m) return { error: { line: 1, column: 1, message: text }, langError };
  return { error: { line: Number(m[1]), column: Number(m[2]), message: m[3] ?? text }, langError };
}

/** A statement whose `text` is computed when first read, then kept as a plain property. */
function withLazyText(stmt: Omit<ShStmt, 'text'>, compute: () => string): ShStmt {
  return Object.defineProperty(stmt, 'text', {
    enumerable: true,
    configurable: true,
    get(this: ShStmt): string {
      const text = compute();
      Object.defineProperty(this, 'text', { value: text, enumerable: true, writable: true, configurable: true });
      return text;
    },
  }) as ShStmt;
}

function isNode(value: unknown): value is MvNode {
  return typeof value === 'object' && value !== null && typeof (value as MvNode).Pos === 'function';
}

class Converter {
  private readonly bytes: Buffer;
  private readonly lines: string[];

  constructor(
    private readonly sx: MvSyntax,
    source: string,
  ) {
    this.bytes = Buffer.from(source, 'utf8');
    this.lines = source.split('\n');
  }

  private slice(from: MvPos, to: MvPos): string {
    return this.bytes.subarray(from.Offset(), to.Offset()).toString('utf8');
  }

  private text(node: MvNode): string {
    return this.slice(node.Pos(), node.End());
  }

  stmts(list: MvNode[] | null): ShStmt[] {
    return (list ?? []).map((s) => this.stmt(s));
  }

  private stmt(s: MvNode): ShStmt {
    const redirects = (s.Redirs ?? []).flatMap((r: MvNode) => this.redirect(r));
    const line = s.Pos().Line();
    const from = s.Pos().Offset();
    const to = s.End().Offset();
    const background = Boolean(s.Background);
    const bytes = this.bytes;
    // Decoded on first use only: an outer statement's text spans every statement inside it, so
    // decoding each eagerly costs time in the size of the script times its nesting depth, and most
    // statements' text is never asked for (guards and constant mentions use a few).
    const stmtText = (): string => {
      let text = bytes.subarray(from, to).toString('utf8');
      if (background) text = text.replace(/\s*&$/, '');
      return text.replace(/\s*;$/, '');
    };
    const node = this.command(s.Cmd);
    // Go's End() stops before heredoc bodies; the statement really ends at the last delimiter.
    let endLine = s.End().Line();
    const stmtEnd: ShStmt = { node, line, endLine, text: '', background: false, redirects };
    // Children already include their own heredocs in their endLine.
    for (const r of redirects) if (r.heredoc) endLine = Math.max(endLine, r.heredoc.endLine);
    for (const child of childStatements(stmtEnd)) endLine = Math.max(endLine, child.endLine);
    if (s.Negated) {
      // `! cmd`: the inner statement keeps the redirects, as in tree-sitter's shape.
      const inner = withLazyText({ node, line, endLine, background: false, redirects }, () => stmtText().replace(/^!\s*/, ''));
      return withLazyText({ node: { type: 'pipeline', negated: true, stmts: [inner] }, line, endLine, background, redirects: [] }, stmtText);
    }
    return withLazyText({ node, line, endLine, background, redirects }, stmtText);
  }

  private command(cmd: MvNode | null): ShNode {
    if (!cmd) return { type: 'simple', assigns: [], words: [] };
    const type = this.sx.NodeType(cmd);
    switch (type) {
      case 'CallExpr':
        return {
          type: 'simple',
          assigns: (cmd.Assigns ?? []).map((a: MvNode) => this.assign(a)),
          words: (cmd.Args ?? []).map((w: MvNode) => this.word(w)),
        };
      case 'BinaryCmd': {
        const op = this.bytes.subarray(cmd.OpPos.Offset(), cmd.OpPos.Offset() + 2).toString('utf8');
        if (op === '&&' || op === '||') return { type: 'andor', op, left: this.stmt(cmd.X), right: this.stmt(cmd.Y) };
        return { type: 'pipeline', negated: false, stmts: this.pipeElements(cmd) };
      }
      case 'IfClause': {
        const clauses: ShIfClause[] = [];
        let elseBody: ShStmt[] | null = null;
        let clause: MvNode | null = cmd;
        while (clause) {
          if ((clause.Cond ?? []).length === 0) {
            elseBody = this.stmts(clause.Then);
            break;
          }
          clauses.push({ cond: this.stmts(clause.Cond), body: this.stmts(clause.Then) });
          clause = clause.Else ?? null;
        }
        return { type: 'if', clauses, elseBody };
      }
      case 'CaseClause': {
        const arms: ShCaseArm[] = (cmd.Items ?? []).map((item: MvNode) => ({
          patterns: (item.Patterns ?? []).map((w: MvNode) => this.word(w)),
          body: this.stmts(item.Stmts),
          line: item.Pos().Line(),
        }));
        return { type: 'case', subject: this.word(cmd.Word), arms };
      }
      case 'WhileClause':
        return { type: 'loop', until: Boolean(cmd.Until), cond: this.stmts(cmd.Cond), body: this.stmts(cmd.Do) };
      case 'ForClause': {
        const loop = cmd.Loop as MvNode;
        const iter = this.sx.NodeType(loop) === 'WordIter';
        const items = iter ? (loop.Items ?? []).map((w: MvNode) => this.word(w)) : [];
        return { type: 'for', variable: iter ? (loop.Name.Value as string) : null, items, body: this.stmts(cmd.Do) };
      }
      case 'Block':
        return { type: 'block', subshell: false, body: this.stmts(cmd.Stmts) };
      case 'Subshell':
        return { type: 'block', subshell: true, body: this.stmts(cmd.Stmts) };
      case 'FuncDecl':
        return { type: 'function', name: cmd.Name.Value as string, body: this.stmt(cmd.Body) };
      case 'DeclClause':
        return { type: 'decl', variant: cmd.Variant.Value as string, args: (cmd.Args ?? []).map((a: MvNode) => this.assign(a)) };
      case 'TestClause':
        return { type: 'test', words: [...this.testWords(cmd.X), this.literal(']]', cmd.Right)] };
      case 'LetClause': {
        const keyword = this.literal('let', cmd.Let);
        const words = (cmd.Exprs ?? []).map((e: MvNode) => this.rawWord(e));
        return { type: 'simple', assigns: [], words: [keyword, ...words] };
      }
      case 'TimeClause':
      case 'CoprocClause':
        return { type: 'block', subshell: false, body: cmd.Stmt ? [this.stmt(cmd.Stmt)] : [] };
      default:
        return { type: 'other', subs: this.nestedSubs(cmd) };
    }
  }

  /** `a | b | c` is nested BinaryCmds in Go; flatten to one list as the shell runs it. */
  private pipeElements(cmd: MvNode): ShStmt[] {
    const out: ShStmt[] = [];
    for (const side of [cmd.X, cmd.Y] as MvNode[]) {
      const inner = side.Cmd as MvNode | null;
      const plainPipe =
        inner &&
        this.sx.NodeType(inner) === 'BinaryCmd' &&
        !side.Negated &&
        !side.Background &&
        (side.Redirs ?? []).length === 0 &&
        this.bytes.subarray(inner.OpPos.Offset(), inner.OpPos.Offset() + 1).toString() === '|' &&
        this.bytes.subarray(inner.OpPos.Offset(), inner.OpPos.Offset() + 2).toString() !== '||';
      if (plainPipe) out.push(...this.pipeElements(inner));
      else out.push(this.stmt(side));
    }
    return out;
  }

  private testWords(expr: MvNode | null): ShWord[] {
    if (!expr) return [];
    switch (this.sx.NodeType(expr)) {
      case 'BinaryTest': {
        const op = this.slice(expr.OpPos, (expr.Y as MvNode).Pos()).trim();
        return [...this.testWords(expr.X), this.literal(op, expr.OpPos), ...this.testWords(expr.Y)];
      }
      case 'UnaryTest': {
        const op = this.slice(expr.OpPos, (expr.X as MvNode).Pos()).trim();
        return [this.literal(op, expr.OpPos), ...this.testWords(expr.X)];
      }
      case 'ParenTest':
        return [this.literal('(', expr.Lparen), ...this.testWords(expr.X), this.literal(')', expr.Rparen)];
      case 'Word':
        return [this.word(expr)];
      default:
        return [this.rawWord(expr)];
    }
  }

  private literal(text: string, pos: MvPos): ShWord {
    return { raw: text, line: pos.Line(), parts: [{ kind: 'lit', value: text, quoted: false }], subs: [] };
  }

  /** A node kept as source text (arithmetic in `let`), literal unless it expands something. */
  private rawWord(node: MvNode): ShWord {
    const raw = this.text(node);
    const subs = this.nestedSubs(node);
    const parts: ShWordPart[] = /[$`]/.test(raw) ? [{ kind: 'dynamic', quoted: false }] : unquotedParts(raw, true);
    return { raw, line: node.Pos().Line(), parts, subs };
  }

  private assign(a: MvNode): ShWord {
    const line = a.Pos().Line();
    const raw = this.text(a);
    if (a.Naked) {
      if (a.Name) return { raw, line, parts: [{ kind: 'lit', value: a.Name.Value as string, quoted: false }], subs: [] };
      return this.word(a.Value);
    }
    const prefix = `${a.Name.Value as string}${a.Append ? '+=' : '='}`;
    if (a.Array || a.Index) return { raw, line, parts: [{ kind: 'dynamic', quoted: false }], subs: this.nestedSubs(a) };
    const value = a.Value ? this.word(a.Value) : null;
    return {
      raw,
      line,
      parts: normaliseParts([{ kind: 'lit', value: prefix, quoted: false }, ...(value?.parts ?? [])]),
      subs: value?.subs ?? [],
    };
  }

  private word(w: MvNode): ShWord {
    const parts: ShWordPart[] = [];
    const subs: ShStmt[][] = [];
    (w.Parts as MvNode[]).forEach((p, i) => this.part(p, false, parts, subs, i === 0));
    return { raw: this.text(w), line: w.Pos().Line(), parts: normaliseParts(parts), subs };
  }

  private part(p: MvNode, quoted: boolean, parts: ShWordPart[], subs: ShStmt[][], atStart: boolean): void {
    switch (this.sx.NodeType(p)) {
      case 'Lit': {
        const value = p.Value as string;
        if (quoted) parts.push({ kind: 'lit', value: doubleQuotedText(value), quoted: true });
        else parts.push(...unquotedParts(value, atStart));
        return;
      }
      case 'SglQuoted': {
        const value = p.Value as string;
        if (!p.Dollar) parts.push({ kind: 'lit', value, quoted: true });
        else {
          const decoded = ansiCText(value);
          parts.push(decoded === null ? { kind: 'dynamic', quoted: true } : { kind: 'lit', value: decoded, quoted: true });
        }
        return;
      }
      case 'DblQuoted': {
        const inner = (p.Parts ?? []) as MvNode[];
        if (inner.length === 0) parts.push({ kind: 'lit', value: '', quoted: true });
        for (const q of inner) this.part(q, true, parts, subs, false);
        return;
      }
      case 'ParamExp': {
        const name = p.Param ? (p.Param.Value as string) : '';
        if (p.Short) parts.push({ kind: 'param', name, plain: true, quoted });
        else {
          const raw = this.text(p);
          const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(:?-)?\}$/.exec(raw);
          const plainName = m?.[1];
          if (plainName) parts.push({ kind: 'param', name: plainName, plain: true, quoted });
          else if (/^\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)/.test(raw) && name) parts.push({ kind: 'param', name, plain: false, quoted });
          else parts.push({ kind: 'dynamic', quoted });
          // Only the long form can hold a substitution (`${x:-$(cmd)}`); walking is slow, so skip `$x`.
          if (raw.includes('$(') || raw.includes('`') || raw.includes('<(') || raw.includes('>(')) subs.push(...this.nestedSubs(p));
        }
        return;
      }
      case 'CmdSubst':
      case 'ProcSubst':
        subs.push(this.stmts(p.Stmts));
        parts.push({ kind: 'dynamic', quoted });
        return;
      case 'ExtGlob':
        parts.push({ kind: 'pattern', value: this.text(p) });
        return;
      default:
        subs.push(...this.nestedSubs(p));
        parts.push({ kind: 'dynamic', quoted });
    }
  }

  /** Substitutions anywhere below `node`, outermost only (their own insides are converted with them). */
  private nestedSubs(node: MvNode): ShStmt[][] {
    const out: ShStmt[][] = [];
    const root = node;
    this.sx.Walk(node, (n) => {
      if (!n || n === root) return true;
      const type = this.sx.NodeType(n);
      if (type === 'CmdSubst' || type === 'ProcSubst') {
        out.push(this.stmts(n.Stmts));
        return false;
      }
      return true;
    });
    return out;
  }

  private redirect(r: MvNode): ShRedirect[] {
    const opStart = r.OpPos.Offset() as number;
    const target = r.Word ? this.word(r.Word) : null;
    const opEnd = r.Word ? (r.Word.Pos() as MvPos).Offset() : opStart + 3;
    const op = this.bytes.subarray(opStart, opEnd).toString('utf8').trim();
    const out: ShRedirect = { op, target, line: r.OpPos.Line() };
    if (r.N) out.fd = r.N.Value as string;
    if (op === '<<' || op === '<<-') {
      const delimiter = target ? heredocDelimiter(target) : '';
      out.heredoc = { delimiter, ...this.heredocBody(r, delimiter, op === '<<-') };
      if (target) out.target = { ...target, parts: [{ kind: 'lit', value: delimiter, quoted: false }] };
    }
    return [out];
  }

  /** Whole source lines from the body's first line up to the delimiter line, like the shell reads them. */
  private heredocBody(r: MvNode, delimiter: string, stripTabs: boolean): { body: string; endLine: number } {
    // An empty body has no Hdoc node: the delimiter is the first line after the operator's line.
    const first = r.Hdoc ? (r.Hdoc as MvNode).Pos().Line() - 1 : (r.OpPos as MvPos).Line();
    const body: string[] = [];
    let i = first;
    for (; i < this.lines.length; i++) {
      const l = this.lines[i] as string;
      if ((stripTabs ? l.replace(/^\t+/, '') : l) === delimiter) break;
      body.push(`${stripTabs ? l.replace(/^\t+/, '') : l}\n`);
    }
    return { body: body.join(''), endLine: Math.min(i + 1, this.lines.length) };
  }
}

function heredocDelimiter(word: ShWord): string {
  return word.raw.replace(/["'\\]/g, '');
}
