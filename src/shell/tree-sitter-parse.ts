import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Language, Parser, type Node as TreeSitterNode } from 'web-tree-sitter';
import type { ShCaseArm, ShIfClause, ShNode, ShRedirect, ShScript, ShStmt, ShWord, ShWordPart } from './sh-ast.js';
import { ansiCText, doubleQuotedText, normaliseParts, unquotedParts } from './sh-word.js';
import { syntaxTree, type SyntaxNode as Node } from './syntax-tree.js';

/**
 * tree-sitter-bash adapter. tree-sitter never fails: it hides problems as ERROR/MISSING nodes, and
 * some valid scripts come out in shapes that do not mean what the shell does (a heredoc followed by
 * `| cmd` nests the pipeline inside the redirect). So this adapter converts only shapes it knows and
 * returns null for anything else; the caller then re-parses with mvdan-sh.
 */

class Unsupported extends Error {
  constructor(
    message: string,
    /** 0-based row of the node that could not be converted, when known. */
    readonly row: number = lastStatementRow,
  ) {
    super(message);
  }
}

let parserPromise: Promise<Parser> | undefined;
/** Lines of the source being converted (conversion is synchronous, so one slot is enough). */
let sourceLines: string[] = [];
/** Row of the statement whose conversion started last: where an unconverted shape is reported. */
let lastStatementRow = 0;
/** While set, a statement that cannot be converted is recorded here and skipped, to find them all in one pass. */
let problemRows: number[] | null = null;

async function loadParser(): Promise<Parser> {
  await Parser.init();
  const require = createRequire(import.meta.url);
  const wasm = await readFile(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const language = await Language.load(new Uint8Array(wasm));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** The parser is built once per process: wasm instantiation costs far more than a parse. */
export function treeSitterParser(): Promise<Parser> {
  parserPromise ??= loadParser();
  return parserPromise;
}

/** Parse `source`; null when the tree has an error, a missing node, or a shape this adapter does not trust. */
export async function parseWithTreeSitter(source: string): Promise<ShScript | null> {
  const reading = await readWithTreeSitter(source);
  return reading.ok ? reading.script : null;
}

/**
 * What tree-sitter made of a script: the converted tree, or where it went wrong; they say where to
 * look, they prove nothing. Rows are 0-based, ascending. Without `marker`, `rows` holds the first
 * problem only. With it, `rows` holds every missing node and every command joined across lines
 * beside an error, `shapeRows` every statement that could
 * not be converted (a command the grammar joined across lines, as tree-sitter-bash reads
 * `a=1 >>file<newline>fi` as one command named `fi`; an `if` broken by an error inside reports its
 * own first line), and `errorRows` the start of every ERROR node with no error inside
 * it; the later lists point less precisely at the statement at fault.
 * `markerRows` are the rows of error-free commands `: marker…` that sit directly in a
 * statement list or in an ERROR node (see region-fallback.ts).
 */
export type TreeSitterReading =
  | { ok: true; script: ShScript }
  | { ok: false; rows: number[]; shapeRows: number[]; errorRows: number[]; markerRows: Set<number> };

export async function readWithTreeSitter(source: string, marker?: string): Promise<TreeSitterReading> {
  const parser = await treeSitterParser();
  const tree = parser.parse(source);
  if (!tree) return { ok: false, rows: [], shapeRows: [], errorRows: [], markerRows: new Set() };
  try {
    const rows: number[] = [];
    const hasError = tree.rootNode.hasError;
    const root = syntaxTree(tree, source).rootNode;
    sourceLines = source.split('\n');
    lastStatementRow = 0;
    if (marker === undefined) {
      try {
        const script = { stmts: statements(root, 0) };
        if (!hasError) return { ok: true, script };
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
        return { ok: false, rows: [err.row], shapeRows: [], errorRows: [], markerRows: new Set() };
      }
      const row = firstErrorRow(root);
      return { ok: false, rows: row === null ? [] : [row], shapeRows: [], errorRows: [], markerRows: new Set() };
    }
    const errorRows: number[] = [];
    // Every statement that fails, not only the first: the caller mends them all before parsing again.
    const shapeRows: number[] = [];
    problemRows = shapeRows;
    try {
      const script = { stmts: statements(root, 0) };
      if (!hasError && shapeRows.length === 0) return { ok: true, script };
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      shapeRows.push(err.row);
    } finally {
      problemRows = null;
    }
    if (hasError) suspectRows(root, rows, errorRows);
    const markerRows = marker === undefined ? new Set<number>() : listMarkerRows(tree.rootNode, source, marker);
    const sorted = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
    return { ok: false, rows: sorted(rows), shapeRows: sorted(shapeRows), errorRows: sorted(errorRows), markerRows };
  } finally {
    tree.delete();
  }
}

/** Row of the first ERROR (without errors inside it) or MISSING node in source order. */
function firstErrorRow(node: Node): number | null {
  if (node.isMissing) return node.startPosition.row;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child && (child.hasError || child.isMissing || child.isError)) return firstErrorRow(child);
  }
  return node.isError ? node.startPosition.row : null;
}

function suspectRows(node: Node, rows: number[], errorRows: number[]): void {
  if (node.isMissing) {
    rows.push(node.startPosition.row);
    return;
  }
  let errorInside = false;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    // A joined command next to the error is its usual cause: `a=1 >>f<newline>fi` takes the `fi`.
    if (child.type === 'command' && commandJoinsLines(child)) rows.push(child.startPosition.row);
    if (!(child.hasError || child.isMissing || child.isError)) continue;
    // A missing `fi`, `done` or `}` was often taken by a joined command anywhere in its statement.
    if (child.isMissing) joinedCommandRows(node, rows);
    errorInside = true;
    suspectRows(child, rows, errorRows);
  }
  if (node.isError && !errorInside) errorRows.push(node.startPosition.row);
}

function joinedCommandRows(node: Node, rows: number[]): void {
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    if (child.type === 'command' && commandJoinsLines(child)) rows.push(child.startPosition.row);
    else if (child.childCount > 0) joinedCommandRows(child, rows);
  }
}

/** Node types whose direct `command` children are elements of a statement list. */
const listParents = new Set([
  'program',
  'compound_statement',
  'subshell',
  'do_group',
  'if_statement',
  'elif_clause',
  'else_clause',
  'case_item',
  'while_statement',
  'command_substitution',
]);

function listMarkerRows(root: TreeSitterNode, source: string, mark: string): Set<number> {
  const rows = new Set<number>();
  const marker = `: ${mark}`;
  for (let at = source.indexOf(marker); at >= 0; at = source.indexOf(marker, at + 1)) {
    let node: TreeSitterNode | null = root.descendantForIndex(at, at + marker.length);
    while (node && node.type !== 'command' && node.startIndex === at) node = node.parent;
    if (!node || node.type !== 'command' || node.startIndex !== at || node.hasError) continue;
    const parent = node.parent;
    // Inside an ERROR node the statement lists are lost; the caller's final, error-free parse decides.
    if (parent && (parent.isError || listParents.has(parent.type))) rows.add(node.startPosition.row);
  }
  return rows;
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child) out.push(child);
  }
  return out;
}

function line(node: Node): number {
  return node.startPosition.row + 1;
}

const statementTypes = new Set([
  'command',
  'redirected_statement',
  'variable_assignment',
  'variable_assignments',
  'declaration_command',
  'unset_command',
  'test_command',
  'negated_command',
  'pipeline',
  'list',
  'if_statement',
  'case_statement',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'compound_statement',
  'subshell',
  'function_definition',
]);

/** Statements among the children of `node` from index `from`, with `&` marking the one before it. */
function statements(node: Node, from: number, stopAt?: (child: Node) => boolean, field?: string): ShStmt[] {
  const out: ShStmt[] = [];
  for (let i = from; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    if (stopAt?.(child)) break;
    if (field !== undefined && node.fieldNameForChild(i) !== field) continue;
    if (child.isMissing || child.isError) throw new Unsupported('error node', child.startPosition.row);
    if (!child.isNamed) {
      if (child.type === '&') {
        const last = out[out.length - 1];
        if (!last) throw new Unsupported('& without statement');
        last.background = true;
      }
      continue;
    }
    if (child.type === 'comment') continue;
    if (!statementTypes.has(child.type)) throw new Unsupported(`statement ${child.type}`);
    if (problemRows === null) out.push(statement(child));
    else {
      try {
        out.push(statement(child));
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
        problemRows.push(err.row);
      }
    }
  }
  return out;
}

function stmtOf(node: Node, shNode: ShNode, redirects: ShRedirect[] = []): ShStmt {
  return {
    node: shNode,
    line: line(node),
    endLine: node.endPosition.row + 1,
    text: node.text,
    background: false,
    redirects,
  };
}

function statement(node: Node): ShStmt {
  lastStatementRow = node.startPosition.row;
  switch (node.type) {
    case 'redirected_statement': {
      const body = node.childForFieldName('body');
      const redirects: ShRedirect[] = [];
      for (const child of children(node)) {
        if (body && child.equals(body)) continue;
        if (child.isNamed) redirects.push(...redirect(child, true));
      }
      if (!body) return stmtOf(node, { type: 'simple', assigns: [], words: [] }, redirects);
      if (!statementTypes.has(body.type)) throw new Unsupported(`redirected ${body.type}`);
      if (body.type === 'list' || body.type === 'pipeline') {
        // The grammar attaches a redirect written after the last command of `a && b` or `a | b`
        // to the whole list; the shell gives it to that last command only, so it is moved there.
        // Heredocs and `>&2 "msg"` (a word read as a second destination) stay with mvdan-sh.
        const plain = children(node).filter((c) => c.isNamed && !c.equals(body));
        if (plain.some((c) => c.type !== 'file_redirect' || c.childrenForFieldName('destination').length > 1)) {
          throw new Unsupported(`redirected ${body.type}`);
        }
        const tail = node.text.slice(body.endIndex - node.startIndex);
        const moved = attachToLast(statement(body), redirects, tail, node.endPosition.row + 1);
        return { ...moved, line: line(node), endLine: node.endPosition.row + 1, text: node.text };
      }
      const inner = statement(body);
      // `echo >&2 "msg"`: the grammar lists "msg" as a second destination; it is an argument.
      const extraArgs = children(node)
        .filter((c) => c.type === 'file_redirect')
        .flatMap((c) => c.childrenForFieldName('destination').slice(1))
        .filter((c): c is Node => c !== null)
        .map(word);
      if (extraArgs.length > 0) {
        if (inner.node.type !== 'simple' || inner.node.words.length === 0) throw new Unsupported('redirect arguments');
        inner.node.words.push(...extraArgs);
      }
      if (inner.node.type === 'pipeline' && inner.node.negated && inner.node.stmts.length === 1 && inner.node.stmts[0]) {
        // `! cmd >x`: the redirect belongs to cmd, and so does its text (guard texts quote it).
        const cmd = inner.node.stmts[0];
        const moved = { ...cmd, text: cmd.text + node.text.slice(body.endIndex - node.startIndex), redirects: [...cmd.redirects, ...redirects] };
        return { ...inner, line: line(node), endLine: node.endPosition.row + 1, text: node.text, node: { ...inner.node, stmts: [moved] } };
      }
      return { ...inner, line: line(node), endLine: node.endPosition.row + 1, text: node.text, redirects: [...inner.redirects, ...redirects] };
    }
    case 'command':
      return simpleCommand(node);
    case 'variable_assignment':
      return stmtOf(node, { type: 'simple', assigns: [assignmentWord(node)], words: [] });
    case 'variable_assignments':
      return stmtOf(node, { type: 'simple', assigns: children(node).filter((c) => c.isNamed).map(assignmentWord), words: [] });
    case 'declaration_command': {
      const kids = children(node);
      const keyword = kids[0];
      if (!keyword || keyword.isNamed) throw new Unsupported('declaration without keyword');
      const args = kids.slice(1).filter((c) => c.isNamed).map((c) => (c.type === 'variable_assignment' ? assignmentWord(c) : word(c)));
      return stmtOf(node, { type: 'decl', variant: keyword.type, args });
    }
    case 'unset_command': {
      const kids = children(node);
      const keyword = kids[0];
      if (!keyword) throw new Unsupported('unset');
      const words = [literalWord(keyword.text, keyword), ...kids.slice(1).filter((c) => c.isNamed).map(word)];
      return stmtOf(node, { type: 'simple', assigns: [], words });
    }
    case 'test_command':
      return testCommand(node);
    case 'negated_command': {
      const inner = children(node).filter((c) => c.isNamed);
      if (inner.length !== 1 || !inner[0]) throw new Unsupported('negation');
      const innerNode = inner[0];
      const stmt = statementTypes.has(innerNode.type) ? statement(innerNode) : null;
      if (!stmt) throw new Unsupported(`negated ${innerNode.type}`);
      return stmtOf(node, { type: 'pipeline', negated: true, stmts: [stmt] });
    }
    case 'pipeline': {
      const stmts = statements(node, 0);
      const first = stmts[0];
      if (first?.node.type === 'pipeline' && first.node.negated && first.node.stmts.length === 1 && first.node.stmts[0]) {
        // The grammar reads `! a | b` as `(! a) | b`; the shell negates the whole pipeline.
        const inner: ShStmt = { ...stmtOf(node, { type: 'pipeline', negated: false, stmts: [first.node.stmts[0], ...stmts.slice(1)] }) };
        inner.text = node.text.replace(/^!\s*/, '');
        return stmtOf(node, { type: 'pipeline', negated: true, stmts: [inner] });
      }
      return stmtOf(node, { type: 'pipeline', negated: false, stmts });
    }
    case 'list': {
      const kids = children(node).filter((c) => c.type !== 'comment');
      const [left, op, right] = kids;
      if (kids.length !== 3 || !left || !op || !right || (op.type !== '&&' && op.type !== '||')) {
        throw new Unsupported('list shape');
      }
      return stmtOf(node, { type: 'andor', op: op.type, left: statement(left), right: statement(right) });
    }
    case 'if_statement':
      return ifStatement(node);
    case 'case_statement':
      return caseStatement(node);
    case 'while_statement': {
      const keyword = node.child(0)?.type;
      const body = node.childForFieldName('body');
      if ((keyword !== 'while' && keyword !== 'until') || body?.type !== 'do_group') throw new Unsupported('while');
      return stmtOf(node, { type: 'loop', until: keyword === 'until', cond: statements(node, 1, undefined, 'condition'), body: statements(body, 0) });
    }
    case 'for_statement': {
      const body = node.childForFieldName('body');
      if (body?.type !== 'do_group') throw new Unsupported('for');
      const items = node.childrenForFieldName('value').filter((n): n is Node => n !== null).map(word);
      return stmtOf(node, { type: 'for', variable: node.childForFieldName('variable')?.text ?? null, items, body: statements(body, 0) });
    }
    case 'c_style_for_statement': {
      const body = node.childForFieldName('body');
      if (body?.type !== 'do_group' && body?.type !== 'compound_statement') throw new Unsupported('c-style for');
      return stmtOf(node, { type: 'for', variable: null, items: [], body: statements(body, 0) });
    }
    case 'compound_statement': {
      if (node.child(0)?.type === '((') return stmtOf(node, { type: 'other', subs: nestedSubs(node) });
      return stmtOf(node, { type: 'block', subshell: false, body: statements(node, 0) });
    }
    case 'subshell':
      return stmtOf(node, { type: 'block', subshell: true, body: statements(node, 0) });
    case 'function_definition': {
      const name = node.childForFieldName('name');
      const body = node.childForFieldName('body');
      if (!name || !body || !statementTypes.has(body.type)) throw new Unsupported('function');
      return stmtOf(node, { type: 'function', name: name.text, body: statement(body) });
    }
    default:
      throw new Unsupported(`statement ${node.type}`);
  }
}

/**
 * `stmt` with `redirects` given to the command that ends it: the right side of `&&`/`||`, the last
 * element of a pipeline, the command under a `!`. Each statement on the way ends where the
 * redirects do, so its text (used for guard texts) is extended by `tail`, as mvdan-sh reads it.
 */
function attachToLast(stmt: ShStmt, redirects: ShRedirect[], tail: string, endLine: number): ShStmt {
  const extended: ShStmt = { ...stmt, text: stmt.text + tail, endLine: Math.max(stmt.endLine, endLine) };
  const n = stmt.node;
  if (n.type === 'andor') return { ...extended, node: { ...n, right: attachToLast(n.right, redirects, tail, endLine) } };
  if (n.type === 'pipeline') {
    const last = n.stmts[n.stmts.length - 1];
    if (!last || (n.negated && n.stmts.length !== 1)) throw new Unsupported('redirected pipeline shape');
    return { ...extended, node: { ...n, stmts: [...n.stmts.slice(0, -1), attachToLast(last, redirects, tail, endLine)] } };
  }
  return { ...extended, redirects: [...stmt.redirects, ...redirects] };
}

/**
 * True when two neighbouring children of a command sit on different lines without a backslash
 * continuation: the grammar joins `a=1 b=2<newline>cmd` into one command, the shell does not.
 */
function joinedAcrossLines(prev: Node, next: Node): boolean {
  for (let row = prev.endPosition.row; row < next.startPosition.row; row++) {
    if (!(sourceLines[row] ?? '').trimEnd().endsWith('\\')) return true;
  }
  return false;
}

function commandJoinsLines(node: Node): boolean {
  const kids = children(node).filter((c) => c.type !== 'comment');
  for (let i = 1; i < kids.length; i++) {
    const next = kids[i] as Node;
    if (next.type !== 'heredoc_redirect' && joinedAcrossLines(kids[i - 1] as Node, next)) return true;
  }
  return false;
}

function simpleCommand(node: Node): ShStmt {
  if (commandJoinsLines(node)) throw new Unsupported('command spans lines', node.startPosition.row);
  const kids = children(node).filter((c) => c.type !== 'comment');
  for (let i = 1; i < kids.length; i++) {
    const prev = kids[i - 1] as Node;
    const next = kids[i] as Node;
    // Two words with nothing between them are one word to the shell (`a`b`c`); the grammar can split them.
    if (!prev.type.endsWith('_redirect') && !next.type.endsWith('_redirect') && prev.endIndex === next.startIndex) {
      throw new Unsupported('touching words');
    }
  }
  const assigns: ShWord[] = [];
  const words: ShWord[] = [];
  const redirects: ShRedirect[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child || !child.isNamed) continue;
    const field = node.fieldNameForChild(i);
    if (child.type === 'variable_assignment') assigns.push(assignmentWord(child));
    else if (child.type === 'command_name') {
      const inner = child.namedChild(0);
      if (!inner || child.namedChildCount !== 1) throw new Unsupported('command name');
      words.push(word(inner));
    } else if (child.type === 'file_redirect') {
      // `echo >&2 "msg"`: the grammar lists "msg" as a second destination; it is an argument.
      const [first] = redirect(child, true);
      if (first) redirects.push(first);
      for (const extra of child.childrenForFieldName('destination').slice(1)) if (extra) words.push(word(extra));
    } else if (child.type.endsWith('_redirect')) redirects.push(...redirect(child));
    else if (field === 'argument') words.push(word(child));
    else if (child.type === 'comment') continue;
    else throw new Unsupported(`command child ${child.type}`);
  }
  return stmtOf(node, { type: 'simple', assigns, words }, redirects);
}

const testLeafTypes = new Set(['binary_expression', 'unary_expression', 'parenthesized_expression', 'negated_expression']);

/** `[ .. ]` becomes the command `[` with flat words, as the shell sees it; `[[ .. ]]` a test node. */
function testCommand(node: Node): ShStmt {
  const kids = children(node);
  const open = kids[0];
  const close = kids[kids.length - 1];
  if (!open || !close) throw new Unsupported('test');
  const words: ShWord[] = [];
  const add = (child: Node): void => {
    if (child.type === 'comment') return;
    const sign = child.type === 'unary_expression' ? child.child(0) : null;
    const operand = child.type === 'unary_expression' ? child.child(1) : null;
    if (sign && operand && !sign.isNamed && sign.endIndex === operand.startIndex) {
      // `-1` in `[ $x -gt -1 ]` is one word to the shell; the grammar reads a minus sign applied to 1.
      if (operand.type !== 'number' || child.childCount !== 2) throw new Unsupported('signed test operand', child.startPosition.row);
      words.push(literalWord(child.text, child));
    } else if (testLeafTypes.has(child.type)) {
      // `*"/"*` after `==` is one word to the shell; the grammar gives it as three touching operands.
      const kids = children(child);
      const operand = (n: Node | undefined): n is Node => n !== undefined && n.isNamed && !testLeafTypes.has(n.type) && n.type !== 'test_operator' && n.type !== 'comment';
      for (let i = 0; i < kids.length; i++) {
        const run = [kids[i] as Node];
        while (operand(run[0]) && operand(kids[i + 1]) && (kids[i + 1] as Node).startIndex === (run[run.length - 1] as Node).endIndex) run.push(kids[++i] as Node);
        if (run.length > 1) words.push(joinedWord(run));
        else add(run[0] as Node);
      }
    }
    else if (!child.isNamed || child.type === 'test_operator') words.push(literalWord(child.text, child));
    else words.push(word(child));
  };
  for (const child of kids.slice(1, -1)) add(child);
  if (open.type === '[' && close.type === ']') {
    return stmtOf(node, { type: 'simple', assigns: [], words: [literalWord('[', open), ...words, literalWord(']', close)] });
  }
  if (open.type === '[[' && close.type === ']]') {
    return stmtOf(node, { type: 'test', words: [...words, literalWord(']]', close)] });
  }
  throw new Unsupported('test brackets');
}

function ifStatement(node: Node): ShStmt {
  const clauses: ShIfClause[] = [];
  let elseBody: ShStmt[] | null = null;
  const isClauseEnd = (c: Node): boolean => c.type === 'elif_clause' || c.type === 'else_clause' || c.type === 'fi';
  const clauseOf = (n: Node): ShIfClause => {
    const kids = children(n);
    const thenIndex = kids.findIndex((c) => c.type === 'then');
    if (thenIndex < 0) throw new Unsupported('if without then');
    return { cond: statements(n, 1, (c) => c.type === 'then'), body: statements(n, thenIndex + 1, isClauseEnd) };
  };
  clauses.push(clauseOf(node));
  for (const child of children(node)) {
    if (child.type === 'elif_clause') clauses.push(clauseOf(child));
    else if (child.type === 'else_clause') elseBody = statements(child, 1);
  }
  return stmtOf(node, { type: 'if', clauses, elseBody });
}

function caseStatement(node: Node): ShStmt {
  const subjectNode = node.childForFieldName('value');
  if (!subjectNode) throw new Unsupported('case subject');
  const arms: ShCaseArm[] = [];
  for (const item of children(node)) {
    if (item.type !== 'case_item') continue;
    const patterns: ShWord[] = [];
    let bodyStart = -1;
    for (let i = 0; i < item.childCount; i++) {
      const child = item.child(i);
      if (!child) continue;
      if (item.fieldNameForChild(i) === 'value') patterns.push(word(child));
      if (child.type === ')') {
        bodyStart = i + 1;
        break;
      }
    }
    if (bodyStart < 0) throw new Unsupported('case item');
    const isEnd = (c: Node): boolean => c.type === ';;' || c.type === ';&' || c.type === ';;&';
    arms.push({ patterns, body: statements(item, bodyStart, isEnd), line: line(item) });
  }
  return stmtOf(node, { type: 'case', subject: word(subjectNode), arms });
}

function redirect(node: Node, extraDestinationsAreArgs = false): ShRedirect[] {
  const kids = children(node);
  if (node.type === 'file_redirect') {
    const fdNode = node.childForFieldName('descriptor');
    const opNode = kids.find((c) => !c.isNamed);
    const dest = node.childrenForFieldName('destination');
    if (!opNode || (dest.length > 1 && !extraDestinationsAreArgs)) throw new Unsupported('file redirect');
    const r: ShRedirect = { op: opNode.type, target: dest[0] ? word(dest[0]) : null, line: line(node) };
    if (fdNode) r.fd = fdNode.text;
    return [r];
  }
  if (node.type === 'herestring_redirect') {
    const fdNode = node.childForFieldName('descriptor');
    const target = kids.find((c) => c.isNamed && c.type !== 'file_descriptor');
    if (!target) throw new Unsupported('herestring');
    const r: ShRedirect = { op: '<<<', target: word(target), line: line(node) };
    if (fdNode) r.fd = fdNode.text;
    return [r];
  }
  if (node.type === 'heredoc_redirect') {
    const opNode = kids.find((c) => c.type === '<<' || c.type === '<<-');
    const start = kids.find((c) => c.type === 'heredoc_start');
    const body = kids.find((c) => c.type === 'heredoc_body');
    if (!opNode || !start) throw new Unsupported('heredoc');
    const extra: ShRedirect[] = [];
    for (const child of kids) {
      if (!child.isNamed || ['heredoc_start', 'heredoc_body', 'heredoc_end', 'file_descriptor'].includes(child.type)) continue;
      // Anything else nested here (a pipeline, `&& cmd`) is the rest of the statement, placed in the
      // redirect by the grammar; rebuilding it is not worth the risk, mvdan-sh reads it correctly.
      if (!child.type.endsWith('_redirect')) throw new Unsupported(`heredoc tail ${child.type}`);
      extra.push(...redirect(child));
    }
    const delimiter = heredocDelimiter(start.text);
    const fdNode = node.childForFieldName('descriptor');
    const r: ShRedirect = {
      op: opNode.type,
      target: literalWord(delimiter, start),
      line: line(node),
      heredoc: {
        delimiter,
        body: heredocBody(body, kids.find((c) => c.type === 'heredoc_end'), opNode.type === '<<-'),
        endLine: node.endPosition.row + 1,
      },
    };
    if (fdNode) r.fd = fdNode.text;
    return [r, ...extra];
  }
  throw new Unsupported(`redirect ${node.type}`);
}

function heredocDelimiter(raw: string): string {
  return unquotedParts(raw.replace(/["']/g, ''), false)
    .map((p) => (p.kind === 'lit' || p.kind === 'pattern' ? p.value : ''))
    .join('');
}

/** Body text as written, each line ending in a newline; `<<-` bodies lose their leading tabs. */
function heredocBody(body: Node | undefined, end: Node | undefined, stripTabs: boolean): string {
  if (!body || !end) return '';
  // Whole source lines, because heredoc_body starts after the first line's tabs under `<<-`.
  const text = sourceLines.slice(body.startPosition.row, end.startPosition.row).map((l) => `${l}\n`).join('');
  return stripTabs ? text.replace(/^\t+/gm, '') : text;
}

function literalWord(text: string, node: Node): ShWord {
  return { raw: text, line: line(node), parts: [{ kind: 'lit', value: text, quoted: false }], subs: [] };
}

function assignmentWord(node: Node): ShWord {
  const name = node.childForFieldName('name');
  const value = node.childForFieldName('value');
  if (!name) throw new Unsupported('assignment');
  const eq = children(node).find((c) => c.type === '=' || c.type === '+=');
  const prefix = name.text + (eq?.type ?? '=');
  if (name.type === 'subscript' || value?.type === 'array') {
    // `a[i]=v`, `a=(x y)`: a computed value; its substitutions still run. mvdan-sh lists those of
    // the value before those of the index, so a statement with both is left to it.
    const all = nestedSubs(node);
    if (name.type === 'subscript' && nestedSubs(name).length > 0 && all.length > nestedSubs(name).length) throw new Unsupported('assignment subscript');
    return { raw: node.text, line: line(node), parts: [{ kind: 'dynamic', quoted: false }], subs: all };
  }
  if (name.type !== 'variable_name') throw new Unsupported('assignment name');
  const inner = value ? word(value) : { raw: '', line: line(node), parts: [], subs: [] };
  return {
    raw: node.text,
    line: line(node),
    parts: normaliseParts([{ kind: 'lit', value: prefix, quoted: false }, ...inner.parts]),
    subs: inner.subs,
  };
}

/** Touching nodes that the shell reads as one word. */
function joinedWord(nodes: Node[]): ShWord {
  const parts: ShWordPart[] = [];
  const subs: ShStmt[][] = [];
  nodes.forEach((n, i) => wordParts(n, false, parts, subs, i === 0));
  return { raw: nodes.map((n) => n.text).join(''), line: line(nodes[0] as Node), parts: normaliseParts(parts), subs };
}

function word(node: Node): ShWord {
  const parts: ShWordPart[] = [];
  const subs: ShStmt[][] = [];
  wordParts(node, false, parts, subs, true);
  return { raw: node.text, line: line(node), parts: normaliseParts(parts), subs };
}

function wordParts(node: Node, quoted: boolean, parts: ShWordPart[], subs: ShStmt[][], atStart: boolean): void {
  if (node.isMissing || node.isError) throw new Unsupported('error node', node.startPosition.row);
  switch (node.type) {
    case 'word':
    case 'variable_name':
    case 'number':
    case 'extglob_pattern':
    case 'special_variable_name':
      if (quoted) parts.push({ kind: 'lit', value: node.text, quoted: true });
      else parts.push(...unquotedParts(node.text, atStart));
      return;
    case 'raw_string':
      parts.push({ kind: 'lit', value: node.text.slice(1, -1), quoted: true });
      return;
    case 'ansi_c_string': {
      const value = ansiCText(node.text.slice(2, -1));
      parts.push(value === null ? { kind: 'dynamic', quoted: true } : { kind: 'lit', value, quoted: true });
      return;
    }
    case 'string':
    case 'translated_string': {
      const inner = node.type === 'translated_string' ? node.namedChild(0) : node;
      if (!inner) throw new Unsupported('translated string');
      // Literal text is taken from the source between the expansions: the grammar leaves
      // whitespace-only runs and a trailing `$` out of its string_content nodes.
      const kids = children(inner);
      const open = kids[0];
      const close = kids[kids.length - 1];
      if (!open || !close || open.type !== '"' || close.type !== '"' || kids.length < 2) throw new Unsupported('string');
      // The root node starts at the first token, not at offset 0, when the script opens with blank
      // lines (as expanded RPM macros do), so offsets are taken relative to it.
      const root = inner.tree.rootNode;
      const source = root.text;
      let at = open.endIndex;
      const literalUpTo = (end: number): void => {
        if (end > at) parts.push({ kind: 'lit', value: doubleQuotedText(source.slice(at - root.startIndex, end - root.startIndex)), quoted: true });
      };
      parts.push({ kind: 'lit', value: '', quoted: true });
      for (const child of kids.slice(1, -1)) {
        if (child.type === 'string_content' || !child.isNamed) continue;
        literalUpTo(child.startIndex);
        wordParts(child, true, parts, subs, false);
        at = child.endIndex;
      }
      // The closing-quote token can absorb whitespace before it; the quote itself is its last character.
      literalUpTo(close.endIndex - 1);
      return;
    }
    case 'concatenation': {
      let first = atStart;
      for (const child of children(node)) {
        if (!child.isNamed) {
          // Unnamed pieces of a concatenation are literal punctuation such as `=` or `$`.
          parts.push(...unquotedParts(child.text, first));
        } else wordParts(child, quoted, parts, subs, first);
        first = false;
      }
      return;
    }
    case 'simple_expansion': {
      const name = node.namedChild(0);
      if (!name) throw new Unsupported('expansion');
      parts.push({ kind: 'param', name: name.text, plain: true, quoted });
      return;
    }
    case 'expansion':
      parts.push(expansionPart(node, quoted));
      subs.push(...nestedSubs(node));
      return;
    case 'command_substitution':
    case 'process_substitution':
      subs.push(statements(node, 0));
      parts.push({ kind: 'dynamic', quoted });
      return;
    case 'arithmetic_expansion':
    case 'brace_expression':
      subs.push(...nestedSubs(node));
      parts.push({ kind: 'dynamic', quoted });
      return;
    case 'regex':
      parts.push({ kind: 'pattern', value: node.text });
      return;
    default:
      throw new Unsupported(`word ${node.type}`);
  }
}

/** `${name}`, `${name:-}`, `${name-}` keep the value; every other operator changes it. */
function expansionPart(node: Node, quoted: boolean): ShWordPart {
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(:?-)?\}$/.exec(node.text);
  if (m?.[1]) return { kind: 'param', name: m[1], plain: true, quoted };
  const simple = /^\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)/.exec(node.text);
  return simple?.[1] ? { kind: 'param', name: simple[1], plain: false, quoted } : { kind: 'dynamic', quoted };
}

/** Command substitutions anywhere below `node` (inside `${x:-$(..)}`, `$(( $(..) ))`). */
function nestedSubs(node: Node): ShStmt[][] {
  const out: ShStmt[][] = [];
  const visit = (n: Node): void => {
    for (const child of children(n)) {
      if (child.type === 'command_substitution' || child.type === 'process_substitution') out.push(statements(child, 0));
      else visit(child);
    }
  };
  visit(node);
  return out;
}
