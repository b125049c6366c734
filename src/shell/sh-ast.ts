/**
 * The small shell syntax tree both parser adapters (tree-sitter, mvdan-sh) produce. It keeps only
 * what the analysis needs, so the command walker is written once and the two parsers can be
 * cross-checked on the same shapes. Lines are 1-based.
 */

/** A piece of a word after parsing; quoting is folded into `quoted`. */
export type ShWordPart =
  /** Literal text, escapes and quotes already removed. */
  | { kind: 'lit'; value: string; quoted: boolean }
  /** Unquoted glob or tilde text that the shell expands (`*`, `?`, `[..]`, leading `~`, `{a,b}`). */
  | { kind: 'pattern'; value: string }
  /**
   * `$1`, `${1}`, `${1:-}`: `plain` is true when the value is the parameter itself (an empty default
   * changes nothing), false for other operators such as `${x#prefix}` or `${#x}`.
   */
  | { kind: 'param'; name: string; plain: boolean; quoted: boolean }
  /** Command or process substitution, arithmetic, anything else computed at run time. */
  | { kind: 'dynamic'; quoted: boolean };

export interface ShWord {
  /** Source text exactly as written. */
  raw: string;
  line: number;
  parts: ShWordPart[];
  /** Statement lists of every `$(..)`, backtick and `<(..)` inside the word, in source order. */
  subs: ShStmt[][];
}

export interface ShRedirect {
  /** Operator as written without the fd number: `>`, `>>`, `<`, `>&`, `<<`, `<<-`, `<<<`, `&>`… */
  op: string;
  /** The fd number written before the operator, if any. */
  fd?: string;
  target: ShWord | null;
  line: number;
  /** `endLine` is the line of the closing delimiter. */
  heredoc?: { delimiter: string; body: string; endLine: number };
}

export interface ShIfClause {
  cond: ShStmt[];
  body: ShStmt[];
}

export interface ShCaseArm {
  patterns: ShWord[];
  body: ShStmt[];
  line: number;
}

export type ShNode =
  | { type: 'simple'; assigns: ShWord[]; words: ShWord[] }
  /** `local x=1`, `export A B`: `variant` is the keyword, args the operands as words. */
  | { type: 'decl'; variant: string; args: ShWord[] }
  /** `[[ .. ]]` flattened into words (operators become literal words), closing `]]` included. */
  | { type: 'test'; words: ShWord[] }
  | { type: 'pipeline'; negated: boolean; stmts: ShStmt[] }
  | { type: 'andor'; op: '&&' | '||'; left: ShStmt; right: ShStmt }
  | { type: 'if'; clauses: ShIfClause[]; elseBody: ShStmt[] | null }
  | { type: 'case'; subject: ShWord; arms: ShCaseArm[] }
  | { type: 'loop'; until: boolean; cond: ShStmt[]; body: ShStmt[] }
  | { type: 'for'; variable: string | null; items: ShWord[]; body: ShStmt[] }
  | { type: 'block'; subshell: boolean; body: ShStmt[] }
  | { type: 'function'; name: string; body: ShStmt }
  /** `(( .. ))`, `let`-style arithmetic and anything else with no command of its own. */
  | { type: 'other'; subs: ShStmt[][] };

export interface ShStmt {
  node: ShNode;
  line: number;
  endLine: number;
  /** Source text of the statement (without a trailing `;` or `&`). */
  text: string;
  background: boolean;
  redirects: ShRedirect[];
}

export interface ShScript {
  stmts: ShStmt[];
}
