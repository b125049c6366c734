/**
 * The meaning of each `match` field (except `js`, which the classifier runs through the sandbox).
 * Pure predicates over the scriptlet, its analysis and one command or segment.
 */
import { Minimatch } from 'minimatch';
import { isInstallPhase, type Scriptlet } from '../formats/types.js';
import type { Analysis, Command, Guard, Segment, Word } from '../shell/analysis.js';
import type { ArgsMatch, GuardMatch, Match, SegmentMatch } from './policy-schema.js';
import { dpkgRootPath } from './translators/dpkg-root-path.js';

type OneOrMany<T> = T | T[];

const list = <T>(v: OneOrMany<T>): T[] => (Array.isArray(v) ? v : [v]);

const globCache = new Map<string, (value: string) => boolean>();

/** Characters that give a minimatch pattern a meaning beyond its own text (globs, braces, extglobs, escapes). */
const GLOB_SYNTAX = /[*?[\]{}()!+@\\]/;
/** A path minimatch reads exactly as its text: no empty, `.` or `..` part, no trailing `/`. */
const PLAIN_PATH = /^(?!\.\.?(\/|$))(?!.*\/\.\.?(\/|$))(?!.*\/\/)(?!.*\/$)./s;

function plainPath(s: string): boolean {
  if (!s.includes('/')) return s !== '' && s !== '.' && s !== '..';
  return PLAIN_PATH.test(s);
}

/**
 * One compiled test per pattern. Most policy patterns are plain names (`useradd`), which match a
 * plain value exactly when the two are equal; minimatch's general matcher, which splits the value
 * into path parts each time, is kept for globs and for values it could read differently.
 */
function globMatcher(pattern: string): (value: string) => boolean {
  let test = globCache.get(pattern);
  if (!test) {
    const m = new Minimatch(pattern, { dot: true, nocomment: true });
    test =
      !GLOB_SYNTAX.test(pattern) && plainPath(pattern)
        ? (value) => value === pattern || (!plainPath(value) && m.match(value))
        : (value) => m.match(value);
    globCache.set(pattern, test);
  }
  return test;
}

const plainNameCache = new WeakMap<Match, ReadonlySet<string> | null>();

/** The names a `command` field can match when every pattern is a plain name; null otherwise. */
function plainCommandNames(m: Match): ReadonlySet<string> | null {
  let names = plainNameCache.get(m);
  if (names === undefined) {
    const patterns = m.command === undefined ? [] : list(m.command);
    names = patterns.length > 0 && patterns.every((p) => !GLOB_SYNTAX.test(p) && plainPath(p)) ? new Set(patterns) : null;
    plainNameCache.set(m, names);
  }
  return names;
}

/**
 * False when `commandFieldsMatch(m, command)` is false for every command of this name, whatever
 * its other fields: a cheap test on the name alone, so a classifier can skip the rules that name
 * other commands. True says nothing.
 */
export function commandNameMayMatch(m: Match, name: string | null): boolean {
  if (m.command === undefined) return true;
  if (name === null) return false;
  const names = plainCommandNames(m);
  if (names === null) return true;
  const base = name.slice(name.lastIndexOf('/') + 1);
  // A plain pattern matches a plain value only when the two are equal (see globMatcher).
  if (!plainPath(name) || !plainPath(base)) return true;
  return names.has(name) || names.has(base);
}

/** Path-style glob (minimatch): `*` stays within one `/`-separated part. */
export function globMatch(value: string, patterns: OneOrMany<string>): boolean {
  if (!Array.isArray(patterns)) return globMatcher(patterns)(value);
  for (const p of patterns) if (globMatcher(p)(value)) return true;
  return false;
}

const textCache = new Map<string, RegExp>();

/** Text glob for free text (guard conditions): `*` matches anything, `?` one character. */
function textMatch(value: string, patterns: OneOrMany<string>): boolean {
  return list(patterns).some((p) => {
    let re = textCache.get(p);
    if (!re) {
      const body = [...p].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')));
      re = new RegExp(`^${body.join('')}$`);
      textCache.set(p, re);
    }
    return re.test(value);
  });
}

/** Shell libraries the policies know the commands of. */
function knownLibrary(path: string): boolean {
  return path === '/usr/share/debconf/confmodule' || path.startsWith('/usr/share/dbconfig-common/') || path.startsWith('/usr/share/dpkg/sh/');
}

/** The fields that look at the scriptlet as a whole. */
export function scriptFieldsMatch(m: Match, scriptlet: Scriptlet, analysis: Analysis, commandCount: number): boolean {
  if (m.package !== undefined && !globMatch(scriptlet.package, m.package)) return false;
  if (m.format !== undefined && !list(m.format).includes(scriptlet.format)) return false;
  if (m.phase !== undefined && !list<string>(m.phase).includes(scriptlet.phase)) return false;
  if (m.installPhase !== undefined && isInstallPhase(scriptlet.phase) !== m.installPhase) return false;
  if (m.language !== undefined && !list<string>(m.language).includes(analysis.language)) return false;
  if (m.parseError !== undefined && (analysis.parseError !== undefined) !== m.parseError) return false;
  if (m.sourcesLibrary !== undefined && analysis.sourced.some((p) => !knownLibrary(p)) !== m.sourcesLibrary) return false;
  if (m.empty !== undefined) {
    const empty = analysis.parseError === undefined && analysis.parser !== 'none' && commandCount === 0;
    if (empty !== m.empty) return false;
  }
  return true;
}

export function segmentMatches(m: SegmentMatch, segment: Segment | undefined): boolean {
  const kind = segment?.kind ?? 'plain';
  if (m.kind !== undefined && !list<string>(m.kind).includes(kind)) return false;
  if (m.helper !== undefined && !(segment?.kind === 'debhelper' && globMatch(segment.helper, m.helper))) return false;
  if (m.template !== undefined) {
    if (!(segment?.kind === 'debhelper' && segment.template !== undefined && globMatch(segment.template, m.template))) {
      return false;
    }
  }
  if (m.macro !== undefined && !(segment?.kind === 'rpm-macro' && globMatch(segment.macro, m.macro))) return false;
  return true;
}

/** The fields that look at one command (command, args, guard, inFunction, callsFunction, writesFiles, segment). */
export function commandFieldsMatch(m: Match, command: Command, analysis: Analysis): boolean {
  if (m.segment !== undefined && !segmentMatches(m.segment, analysis.segments[command.segment])) return false;
  if (m.command !== undefined) {
    const name = command.name;
    if (name === null) return false;
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (!globMatch(name, m.command) && !(base !== name && globMatch(base, m.command))) return false;
  }
  if (m.commandDynamic !== undefined && (command.name === null) !== m.commandDynamic) return false;
  if (m.args !== undefined && !argsMatch(m.args, command.args)) return false;
  if (m.guard !== undefined && !guardMatch(m.guard, command.guards)) return false;
  if (m.inFunction !== undefined && !(command.inFunction !== undefined && globMatch(command.inFunction, m.inFunction))) {
    return false;
  }
  if (m.callsFunction !== undefined) {
    const defined = command.name !== null && analysis.functions.some((f) => f.name === command.name);
    if (defined !== m.callsFunction) return false;
  }
  if (m.written !== undefined && !textMatch(writtenText(command), m.written)) return false;
  if (m.writesFiles !== undefined && writesFiles(command) !== m.writesFiles) return false;
  return true;
}

/** The command as the script spells it: words before constant propagation, redirections as `OPTARGET`. */
export function writtenText(command: Command): string {
  const words = [
    ...(command.name !== null ? [command.name] : []),
    ...command.args.map((w) => w.source ?? w.text),
    ...command.redirects.map((r) => `${r.op}${r.target.source ?? r.target.text}`),
  ];
  return words.join(' ');
}

function beforeDoubleDash(args: Word[]): Word[] {
  const end = args.findIndex((a) => a.literal && a.text === '--');
  return end < 0 ? args : args.slice(0, end);
}

function hasFlag(args: Word[], flag: string): boolean {
  const short = /^-[A-Za-z0-9]$/.test(flag) ? flag[1]! : null;
  return beforeDoubleDash(args).some(
    (a) =>
      a.literal &&
      (a.text === flag ||
        (flag.startsWith('--') && a.text.startsWith(`${flag}=`)) ||
        (short !== null && /^-[A-Za-z]{2,}$/.test(a.text) && a.text.includes(short))),
  );
}

function positional(args: Word[]): Word[] {
  const dash = args.findIndex((a) => a.literal && a.text === '--');
  const head = (dash < 0 ? args : args.slice(0, dash)).filter((a) => !(a.text.startsWith('-') && a.text !== '-'));
  return dash < 0 ? head : [...head, ...args.slice(dash + 1)];
}

function argsMatch(m: ArgsMatch, args: Word[]): boolean {
  if (m.hasFlag !== undefined && !list(m.hasFlag).some((f) => hasFlag(args, f))) return false;
  if (m.noFlag !== undefined && list(m.noFlag).some((f) => hasFlag(args, f))) return false;
  if (m.first !== undefined && !(args[0] !== undefined && args[0].literal && globMatch(args[0].text, m.first))) return false;
  if (m.positional !== undefined) {
    const pos = positional(args);
    const ok = m.positional.every((globs, i) => {
      const w = pos[i];
      return w !== undefined && w.literal && globMatch(w.text, globs);
    });
    if (!ok) return false;
  }
  if (m.any !== undefined && !args.some((a) => a.literal && globMatch(a.text, m.any!))) return false;
  if (m.literal !== undefined && args.every((a) => a.literal) !== m.literal) return false;
  if (m.literalUnderRoot !== undefined && args.every((a) => a.literal || dpkgRootPath(a.text) !== undefined) !== m.literalUnderRoot) {
    return false;
  }
  if (m.count?.min !== undefined && args.length < m.count.min) return false;
  if (m.count?.max !== undefined && args.length > m.count.max) return false;
  return true;
}

/** A test on a positional parameter: the values (or case patterns) it lets through. */
interface ArgTest {
  patterns: string[];
  /** Case patterns are globs; `[ "$1" = x ]` values are literal. */
  glob: boolean;
  negated: boolean;
  /** `[ $1 -gt 1 ]`: an integer comparison instead of patterns (which are then empty). */
  compare?: { op: 'lt' | 'le' | 'gt' | 'ge'; value: number };
  /** `[ -z "$2" ]`: holds for the empty value (patterns are then empty). */
  empty?: true;
  /** `dpkg --compare-versions "$2" lt 1.0`: decided only for the empty value (patterns are then empty). */
  version?: { op: string; version: string };
}

const caseSubject = /^"?\$\{?(\d)\}?"?$/;

/** The test one guard makes of a script argument, with that argument's number, if it makes one. */
function argTestOf(g: Guard): { arg: number; test: ArgTest } | undefined {
  if (g.kind === 'case') {
    const m = caseSubject.exec(g.subject.trim());
    return m ? { arg: Number(m[1]), test: { patterns: g.patterns, glob: true, negated: false } } : undefined;
  }
  if (g.kind === 'function' || g.test === undefined) return undefined;
  const t = g.test;
  const base = { patterns: [], glob: false, negated: g.negated };
  switch (t.type) {
    case 'arg-equals':
      return { arg: t.arg, test: { ...base, patterns: t.values } };
    case 'arg-compare':
      return { arg: t.arg, test: { ...base, compare: { op: t.op, value: t.value } } };
    case 'arg-empty':
      return { arg: t.arg, test: { ...base, empty: true } };
    case 'version-compare':
      return { arg: t.arg, test: { ...base, version: { op: t.op, version: t.version } } };
    default:
      return undefined;
  }
}

function argTests(guards: readonly Guard[], arg: number): ArgTest[] {
  return guards.flatMap((g) => {
    const a = argTestOf(g);
    return a !== undefined && a.arg === arg ? [a.test] : [];
  });
}

const globChars = /[*?[]/;

function compares(c: NonNullable<ArgTest['compare']>, value: string): boolean {
  // `test` fails (so the guarded command does not run) on a value that is not an integer.
  if (!/^-?\d+$/.test(value)) return false;
  const n = Number(value);
  return c.op === 'lt' ? n < c.value : c.op === 'le' ? n <= c.value : c.op === 'gt' ? n > c.value : n >= c.value;
}

/**
 * `dpkg --compare-versions "" OP V` for a non-empty V: an empty version is earlier than any other,
 * except for the `-nl` operators, which treat it as later than any other (dpkg(1)).
 */
const emptyVersionHolds: Readonly<Record<string, boolean>> = {
  lt: true,
  le: true,
  '<<': true,
  '<=': true,
  '<': true,
  ne: true,
  gt: false,
  ge: false,
  '>>': false,
  '>=': false,
  '>': false,
  eq: false,
  '=': false,
  'lt-nl': false,
  'le-nl': false,
  'gt-nl': true,
  'ge-nl': true,
};

/** A version that is certainly not empty: no expansion or quoting left in it. */
const plainVersion = /^[A-Za-z0-9.+~:-]+$/;

/** Whether the test holds for the value; undefined when only dpkg's full version ordering could tell. */
function verdict(t: ArgTest, value: string): boolean | undefined {
  if (t.version) {
    const known = Object.hasOwn(emptyVersionHolds, t.version.op) ? emptyVersionHolds[t.version.op] : undefined;
    if (value !== '' || known === undefined || !plainVersion.test(t.version.version)) return undefined;
    return t.negated ? !known : known;
  }
  if (t.empty) return t.negated ? value !== '' : value === '';
  const hit = t.compare
    ? compares(t.compare, value)
    : t.patterns.some((p) => (t.glob && globChars.test(p) ? textMatch(value, p) : p === value));
  return t.negated ? !hit : hit;
}

/** Whether the guarded command may run for the value (an undecided version comparison: it may). */
function passes(t: ArgTest, value: string): boolean {
  return verdict(t, value) ?? true;
}

/**
 * Whether a command runs when the script is given these arguments, as far as its guards tell:
 * `no` when a test of an argument rules it out, `yes` when every guard is such a test and holds,
 * `maybe` when a guard looks at anything else (a file, another command's result, whether the
 * function it sits in is called) or cannot be decided (a `case` glob an earlier arm may take).
 */
export function runsForArgs(guards: readonly Guard[], args: readonly string[]): 'yes' | 'no' | 'maybe' {
  let result: 'yes' | 'maybe' = 'yes';
  for (const g of guards) {
    const a = argTestOf(g);
    const holds = a === undefined ? undefined : verdict(a.test, args[a.arg - 1] ?? '');
    if (holds === false) return 'no';
    // A glob arm that matches may still lose the value to an earlier arm.
    if (holds === undefined || (a?.test.glob === true && a.test.patterns.some((p) => globChars.test(p)))) result = 'maybe';
  }
  return result;
}

function guardMatch(m: GuardMatch, guards: Guard[]): boolean {
  const arg = m.arg ?? 1;
  const tests = argTests(guards, arg);
  if (m.argEquals !== undefined) {
    if (tests.length === 0) return false;
    if (!list(m.argEquals).some((v) => tests.every((t) => passes(t, v)))) return false;
  }
  if (m.argExcludes !== undefined) {
    // Guards hold together, so one test that rejects a value keeps the command from running for it.
    if (!list(m.argExcludes).every((v) => tests.some((t) => !passes(t, v)))) return false;
  }
  if (m.argOnly !== undefined) {
    const allowed = new Set(list(m.argOnly));
    const restricts = tests.some(
      (t) => !t.negated && t.patterns.length > 0 && t.patterns.every((p) => !(t.glob && globChars.test(p)) && allowed.has(p)),
    );
    if (!restricts) return false;
  }
  if (m.caseDefault !== undefined) {
    const inDefault = tests.some((t) => t.glob && t.patterns.includes('*'));
    if (inDefault !== m.caseDefault) return false;
  }
  const positive = guards.filter((g) => !g.negated);
  const testsOf = positive.flatMap((g) => (g.kind !== 'case' && g.kind !== 'function' && g.test ? [g.test] : []));
  if (m.argEmpty !== undefined && !testsOf.some((t) => t.type === 'arg-empty' && t.arg === m.argEmpty)) return false;
  if (m.commandExists !== undefined) {
    if (!testsOf.some((t) => t.type === 'command-exists' && globMatch(t.command, m.commandExists!))) return false;
  }
  if (m.commandMissing !== undefined) {
    // The else side of `if command -v X` or `which X ||`: the command runs only when X is not found.
    const missing = guards.some(
      (g) => g.kind !== 'case' && g.kind !== 'function' && g.negated && g.test?.type === 'command-exists' && globMatch(g.test.command, m.commandMissing!),
    );
    if (!missing) return false;
  }
  if (m.pathTest !== undefined && !testsOf.some((t) => t.type === 'path-test' && globMatch(t.path, m.pathTest!))) {
    return false;
  }
  const anyTest = (type: string) =>
    guards.some((g) => g.kind !== 'case' && g.kind !== 'function' && g.test?.type === type);
  if (m.dpkgRoot !== undefined && anyTest('dpkg-root') !== m.dpkgRoot) return false;
  if (m.versionCompare !== undefined && anyTest('version-compare') !== m.versionCompare) return false;
  if (m.stateDependent !== undefined && guards.some(dependsOnState) !== m.stateDependent) return false;
  if (m.text !== undefined && !guards.some((g) => g.kind !== 'function' && textMatch(g.text, m.text!))) return false;
  if (m.unguarded !== undefined && guards.every((g) => g.kind === 'function') !== m.unguarded) return false;
  return true;
}

/** Guard types whose truth the script's arguments or environment decide, not the machine's files. */
const argumentTests: ReadonlySet<string> = new Set(['arg-equals', 'arg-compare', 'arg-empty', 'version-compare', 'dpkg-root', 'command-exists']);

function dependsOnState(g: Guard): boolean {
  if (g.kind === 'function') return false;
  // `case "$1" in *)` has glob patterns (so no test) but still only looks at an argument.
  if (g.kind === 'case') return g.test === undefined && !caseSubject.test(g.subject.trim());
  return g.test === undefined || !argumentTests.has(g.test.type);
}

const standardStreams = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

/** True when the command sends output into a file (standard streams and /dev/null excepted). */
export function writesFiles(command: Command): boolean {
  return command.redirects.some((r) => {
    if (!r.op.includes('>')) return false;
    if (!r.target.literal) return true;
    const target = r.target.text;
    if (/^&?(\d+|-)$/.test(target) && (r.op.includes('&') || target.startsWith('&'))) return false;
    return !standardStreams.has(target);
  });
}
