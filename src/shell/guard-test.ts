import type { GuardTest } from './analysis.js';
import type { ShStmt, ShWord } from './sh-ast.js';
import { literalValue, positionalParam, withoutLiteralPrefix } from './sh-word.js';

/**
 * The meaning of one condition command. `flip` is true when the shape tests the opposite of `test`
 * (`!=`, `-n`, `-ne`), so the caller folds it into the guard's `negated`.
 */
export interface RecognisedTest {
  test: GuardTest;
  flip: boolean;
}

const other: RecognisedTest = { test: { type: 'other' }, flip: false };

const pathOps = new Set(['-e', '-f', '-d', '-L', '-h', '-x', '-s', '-r', '-w', '-S', '-p', '-b', '-c', '-g', '-u', '-k', '-O', '-G']);

/** The command words of a condition statement: `[ .. ]`, `test ..`, `[[ .. ]]` or a plain command. */
function conditionWords(stmt: ShStmt): { name: string | null; args: ShWord[] } | null {
  const node = stmt.node;
  if (node.type === 'test') return { name: '[[', args: node.words.slice(0, -1) };
  if (node.type !== 'simple' || node.words.length === 0) return null;
  const [first, ...rest] = node.words;
  const name = first ? literalValue(first) : null;
  if (name === '[' && rest.length > 0 && literalValue(rest[rest.length - 1] as ShWord) === ']') {
    return { name, args: rest.slice(0, -1) };
  }
  return { name, args: rest };
}

function mentionsDpkgRoot(words: ShWord[]): boolean {
  return words.some((w) => w.parts.some((p) => p.kind === 'param' && p.name === 'DPKG_ROOT'));
}

function textOf(word: ShWord): string {
  return literalValue(word) ?? word.raw.replace(/^["']|["']$/g, '');
}

/** `$N` on one side: directly, or with the same literal prefix on both sides (`"x$1" = xconfigure`). */
function argComparison(left: ShWord, right: ShWord): { arg: number; value: string } | null {
  for (const [a, b] of [
    [left, right],
    [right, left],
  ] as const) {
    const direct = positionalParam(a);
    const value = literalValue(b);
    if (direct !== null && value !== null) return { arg: direct, value };
    const first = a.parts[0];
    if (first?.kind === 'lit' && value !== null && value.startsWith(first.value) && first.value !== '') {
      const stripped = withoutLiteralPrefix(a, first.value);
      const n = stripped ? positionalParam(stripped) : null;
      if (n !== null) return { arg: n, value: value.slice(first.value.length) };
    }
  }
  return null;
}

function testExpression(args: ShWord[]): RecognisedTest {
  // `-o` joins alternatives: all of them must compare the same argument for equality.
  const ors = splitOn(args, '-o');
  if (ors.length > 1) {
    const parts = ors.map(testExpression);
    return mergeArgEquals(parts) ?? other;
  }
  const ops = args.map(literalValue);
  if (args.length === 1) {
    const w = args[0] as ShWord;
    if (mentionsDpkgRoot(args)) return { test: { type: 'dpkg-root' }, flip: true };
    const n = positionalParam(w);
    return n !== null ? { test: { type: 'arg-empty', arg: n }, flip: true } : other;
  }
  if (args.length === 2) {
    const op = ops[0];
    const operand = args[1] as ShWord;
    if (op === '-z' || op === '-n') {
      if (mentionsDpkgRoot([operand])) return { test: { type: 'dpkg-root' }, flip: op === '-n' };
      const n = positionalParam(operand);
      if (n !== null) return { test: { type: 'arg-empty', arg: n }, flip: op === '-n' };
      return other;
    }
    if (op && pathOps.has(op)) return { test: { type: 'path-test', op, path: textOf(operand) }, flip: false };
    if (op === '!') {
      const inner = testExpression(args.slice(1));
      return { test: inner.test, flip: !inner.flip };
    }
    return other;
  }
  if (args.length === 3) {
    const op = ops[1];
    const left = args[0] as ShWord;
    const right = args[2] as ShWord;
    if (op === '=' || op === '==' || op === '!=' || op === '-eq' || op === '-ne') {
      const flip = op === '!=' || op === '-ne';
      if (mentionsDpkgRoot([left, right])) {
        // Un-negated dpkg-root means "DPKG_ROOT is empty": comparing it with '' keeps that sense.
        const againstEmpty = literalValue(left) === '' || literalValue(right) === '';
        return { test: { type: 'dpkg-root' }, flip: againstEmpty ? flip : !flip };
      }
      const cmp = argComparison(left, right);
      if (cmp && cmp.value === '' && !op.startsWith('-')) return { test: { type: 'arg-empty', arg: cmp.arg }, flip };
      if (cmp) return { test: { type: 'arg-equals', arg: cmp.arg, values: [cmp.value] }, flip };
      return other;
    }
    if (op === '-lt' || op === '-le' || op === '-gt' || op === '-ge') {
      const cmp = argCompare(left, op.slice(1) as CompareOp, right);
      if (cmp) return { test: cmp, flip: false };
      return other;
    }
    if (ops[0] === '!') {
      const inner = testExpression(args.slice(1));
      return { test: inner.test, flip: !inner.flip };
    }
  }
  if (mentionsDpkgRoot(args)) {
    // `[ "$1" = configure -a ! -e "$DPKG_ROOT/usr/bin/touch" ]` names DPKG_ROOT but tests a file
    // of the machine: filed as a test of DPKG_ROOT it would read as decided by the environment.
    const clauses = splitOn(args, '-a');
    if (clauses.length > 1 && clauses.some((c) => c.length > 0 && ['path-test', 'other'].includes(testExpression(c).test.type))) return other;
    return { test: { type: 'dpkg-root' }, flip: false };
  }
  return other;
}

type CompareOp = Extract<GuardTest, { type: 'arg-compare' }>['op'];

const mirrored: Record<CompareOp, CompareOp> = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };

/** `$N -gt 1` or `1 -lt $N`: an integer comparison with the argument on either side. */
function argCompare(left: ShWord, op: CompareOp, right: ShWord): GuardTest | null {
  const integer = (w: ShWord): number | null => {
    const v = literalValue(w);
    return v !== null && /^-?\d{1,9}$/.test(v) ? Number(v) : null;
  };
  const l = positionalParam(left);
  const rv = integer(right);
  if (l !== null && rv !== null) return { type: 'arg-compare', arg: l, op, value: rv };
  const r = positionalParam(right);
  const lv = integer(left);
  if (r !== null && lv !== null) return { type: 'arg-compare', arg: r, op: mirrored[op], value: lv };
  return null;
}

function splitOn(args: ShWord[], op: string): ShWord[][] {
  const out: ShWord[][] = [[]];
  for (const w of args) {
    if (literalValue(w) === op && w.parts[0]?.kind === 'lit' && !w.parts[0].quoted) out.push([]);
    else out[out.length - 1]?.push(w);
  }
  return out;
}

/** Alternatives that all test `$N = value` become one arg-equals with every value. */
export function mergeArgEquals(parts: RecognisedTest[]): RecognisedTest | null {
  let arg: number | null = null;
  const values: string[] = [];
  for (const p of parts) {
    if (p.flip || p.test.type !== 'arg-equals') return null;
    if (arg !== null && p.test.arg !== arg) return null;
    arg = p.test.arg;
    values.push(...p.test.values);
  }
  if (arg === null) return null;
  return { test: { type: 'arg-equals', arg, values }, flip: false };
}

const versionOpFlip: Record<string, string> = {
  lt: 'gt',
  gt: 'lt',
  le: 'ge',
  ge: 'le',
  eq: 'eq',
  ne: 'ne',
  'lt-nl': 'gt-nl',
  'gt-nl': 'lt-nl',
  'le-nl': 'ge-nl',
  'ge-nl': 'le-nl',
  '<<': '>>',
  '>>': '<<',
  '<=': '>=',
  '>=': '<=',
  '=': '=',
  '<': '>',
  '>': '<',
};

/** Recognise what one condition command tests. */
export function recogniseTest(stmt: ShStmt, resolve: (word: ShWord) => ShWord = (w) => w): RecognisedTest {
  const cmd = conditionWords(stmt);
  if (!cmd) return other;
  const { name } = cmd;
  const args = cmd.args.map(resolve);
  if (name === '[' || name === 'test' || name === '[[') {
    if (name === '[[') {
      // `[[ a == b || c ]]` uses `||`/`&&` where `[` uses -o/-a.
      const normalised = args.map((w) => (literalValue(w) === '||' ? { ...w, parts: [{ kind: 'lit' as const, value: '-o', quoted: false }] } : w));
      return testExpression(normalised);
    }
    return testExpression(args);
  }
  const values = args.map(literalValue);
  if (name === 'command' && (values[0] === '-v' || values[0] === '-V') && args.length === 2 && values[1]) {
    return { test: { type: 'command-exists', command: values[1] }, flip: false };
  }
  if ((name === 'which' || name === 'type') && args.length === 1 && values[0]) {
    return { test: { type: 'command-exists', command: values[0] }, flip: false };
  }
  if (name === 'dpkg' && values[0] === '--compare-versions' && args.length === 4) {
    const [, a, opWord, b] = args as [ShWord, ShWord, ShWord, ShWord];
    const op = literalValue(opWord);
    if (op === null) return other;
    const left = positionalParam(a);
    if (left !== null) return { test: { type: 'version-compare', arg: left, op, version: textOf(b) }, flip: false };
    const right = positionalParam(b);
    const flipped = versionOpFlip[op];
    if (right !== null && flipped) return { test: { type: 'version-compare', arg: right, op: flipped, version: textOf(a) }, flip: false };
    return other;
  }
  return other;
}
