/**
 * Errors crossing a worker-thread boundary. Structured cloning keeps only an Error's message, so a
 * ScriptletError travels as plain data and is rebuilt as the same class with the same code and
 * context: the CLI prints it exactly as if it had been thrown on the main thread.
 */
import {
  FormatError,
  IoError,
  PolicyError,
  ScriptletError,
  ToolError,
  UsageError,
  isScriptletError,
  type ErrorCode,
  type ErrorContext,
} from '../errors.js';

export type ThreadError =
  | { kind: 'scriptlet'; name: string; code: ErrorCode; message: string; context: ErrorContext }
  /** Anything else is a bug; its stack is kept for the report. */
  | { kind: 'bug'; message: string; stack?: string };

export function toThreadError(e: unknown): ThreadError {
  if (isScriptletError(e)) return { kind: 'scriptlet', name: e.name, code: e.code, message: e.message, context: { ...e.context } };
  if (e instanceof Error) return e.stack === undefined ? { kind: 'bug', message: e.message } : { kind: 'bug', message: e.message, stack: e.stack };
  return { kind: 'bug', message: String(e) };
}

export function fromThreadError(t: ThreadError): Error {
  if (t.kind === 'bug') {
    const e = new Error(t.message);
    if (t.stack !== undefined) e.stack = t.stack;
    return e;
  }
  switch (t.name) {
    case 'UsageError':
      return new UsageError(t.message, t.context);
    case 'FormatError':
      return new FormatError(t.code as ConstructorParameters<typeof FormatError>[0], t.message, t.context);
    case 'PolicyError':
      return new PolicyError(t.code as ConstructorParameters<typeof PolicyError>[0], t.message, t.context);
    case 'ToolError':
      return new ToolError(t.code as ConstructorParameters<typeof ToolError>[0], t.message, t.context);
    case 'IoError':
      return new IoError(t.message, t.context);
    default:
      return new ScriptletError(t.code, t.message, t.context);
  }
}
