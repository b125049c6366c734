/**
 * Every failure a user can cause (bad input, bad policy, failing tool) is a ScriptletError with a
 * stable `code`. The CLI catches them once and prints one line; anything else is a bug.
 */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_IO'
  | 'E_FORMAT_UNKNOWN'
  | 'E_FORMAT_CORRUPT'
  | 'E_FORMAT_LIMIT'
  | 'E_ARCHIVE_PATH'
  | 'E_POLICY_SYNTAX'
  | 'E_POLICY_SCHEMA'
  | 'E_POLICY_REF'
  | 'E_POLICY_SANDBOX'
  | 'E_POLICY_TEST'
  | 'E_SHELL_PARSE'
  /** A translator met a command it cannot turn into actions faithfully: that part defers. */
  | 'E_TRANSLATE'
  | 'E_PLAN_CONFLICT'
  | 'E_TOOL_MISSING'
  | 'E_TOOL_FAILED'
  | 'E_BUILD'
  | 'E_LOCKED'
  /** A booted appliance did not report that its guest agent finished (timeout, no report, crash). */
  | 'E_BOOT';

export interface ErrorContext {
  /** File the problem is in (package file, policy file, output path). */
  file?: string;
  /** Byte offset inside `file`, for binary formats. */
  offset?: number;
  /** 1-based line and column, for text formats. */
  line?: number;
  column?: number;
  /** Package the problem concerns, when known. */
  package?: string;
  /** Member inside an archive (e.g. `control.tar.xz/postinst`). */
  member?: string;
  /** Policy rule id, when a rule caused it. */
  rule?: string;
  /** What the user can do about it. */
  hint?: string;
}

export class ScriptletError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }

  /** One line, `file:line:col: message` or `file (offset N): message`, for the CLI. */
  toOneLine(): string {
    const c = this.context;
    let where = c.file ?? c.package ?? '';
    if (c.member) where += where ? `:${c.member}` : c.member;
    if (c.line !== undefined) where += `:${c.line}${c.column !== undefined ? `:${c.column}` : ''}`;
    else if (c.offset !== undefined) where += ` (offset ${c.offset})`;
    const rule = c.rule ? ` [rule ${c.rule}]` : '';
    return `${where ? `${where}: ` : ''}${this.message}${rule}`;
  }
}

export class UsageError extends ScriptletError {
  constructor(message: string, context: ErrorContext = {}) {
    super('E_USAGE', message, context);
  }
}

/** A package file that is not what it claims, truncated, or hostile. */
export class FormatError extends ScriptletError {
  constructor(
    code: 'E_FORMAT_UNKNOWN' | 'E_FORMAT_CORRUPT' | 'E_FORMAT_LIMIT' | 'E_ARCHIVE_PATH',
    message: string,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, context, options);
  }
}

export class PolicyError extends ScriptletError {
  constructor(
    code: 'E_POLICY_SYNTAX' | 'E_POLICY_SCHEMA' | 'E_POLICY_REF' | 'E_POLICY_SANDBOX' | 'E_POLICY_TEST',
    message: string,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, context, options);
  }
}

export class ToolError extends ScriptletError {
  constructor(code: 'E_TOOL_MISSING' | 'E_TOOL_FAILED', message: string, context: ErrorContext = {}) {
    super(code, message, context);
  }
}

/** Booting an appliance gave no usable answer from its guest agent. */
export class BootError extends ScriptletError {
  constructor(message: string, context: ErrorContext = {}) {
    super('E_BOOT', message, context);
  }
}

export class IoError extends ScriptletError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('E_IO', message, context, options);
  }
}

export function isScriptletError(e: unknown): e is ScriptletError {
  return e instanceof ScriptletError;
}
