import { ScriptletError } from '../../src/errors.js';
import { InvariantBroken, NEVER_THROWS, type FuzzTarget } from './fuzz-targets.js';

export type BugKind =
  /** Something other than a ScriptletError escaped (TypeError, RangeError, a library's own error). */
  | 'exception'
  /** Accepted, but the result breaks a promise the reader makes. */
  | 'invariant'
  /** A ScriptletError whose one-line form is not one line, or does not name the file or position. */
  | 'message'
  /** Refused an input it must accept (shell analysis must never throw). */
  | 'refused'
  | 'timeout'
  | 'memory'
  | 'worker-crash';

export type Outcome =
  | { kind: 'accepted' }
  | { kind: 'refused'; code: string; oneLine: string }
  | { kind: 'bug'; bug: BugKind; message: string; stack?: string };

/** Digits and quoted parts vary between inputs that hit the same bug; the signature ignores them. */
export function bugSignature(outcome: Extract<Outcome, { kind: 'bug' }>): string {
  const text = outcome.message
    .replace(/"(?:[^"\\]|\\.)*"/g, 'S')
    .replace(/'[^']*'/g, 'S')
    .replace(/[0-9]+/g, 'N')
    .slice(0, 160);
  const frame = /\n\s+at (?:[^\n]*?)\(?([^\s()]+?):[0-9]+:[0-9]+\)?/.exec(outcome.stack ?? '')?.[1]?.replace(/^.*\/(src|node_modules)\//, '$1/') ?? '';
  return `${outcome.bug}|${text}|${frame}`;
}

/** The oracle: every input is accepted or refused with a well-formed ScriptletError; anything else is a bug. */
export function classifyError(target: FuzzTarget, e: unknown): Outcome {
  if (e instanceof InvariantBroken) return { kind: 'bug', bug: 'invariant', message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  if (!(e instanceof ScriptletError)) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { kind: 'bug', bug: 'exception', message: `${err.name}: ${err.message}`, ...(err.stack ? { stack: err.stack } : {}) };
  }
  const oneLine = e.toOneLine();
  const bad = (why: string): Outcome => ({ kind: 'bug', bug: 'message', message: `${why}: ${JSON.stringify(oneLine.slice(0, 300))}`, ...(e.stack ? { stack: e.stack } : {}) });
  if (NEVER_THROWS.has(target.name)) return { kind: 'bug', bug: 'refused', message: `${e.code}: ${oneLine}`, ...(e.stack ? { stack: e.stack } : {}) };
  if (/[\n\r\u2028\u2029]/.test(oneLine)) return bad('one-line message spans lines');
  if (!oneLine.startsWith(target.file)) return bad(`message does not start with the file ${target.file}`);
  if (e.context.file !== target.file) return bad(`context.file is ${JSON.stringify(e.context.file)}`);
  if (target.where === 'offset' && e.context.offset === undefined) return bad('binary-format error without an offset');
  if (target.where === 'line' && e.context.line === undefined) return bad('text-format error without a line');
  return { kind: 'refused', code: e.code, oneLine };
}
