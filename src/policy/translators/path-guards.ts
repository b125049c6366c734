/**
 * The path tests a file operation runs under (`[ ! -e "$DPKG_ROOT/etc/subuid" ]`), as conditions
 * the applier decides on the built image. Guards on the script's arguments, `dpkg
 * --compare-versions`, $DPKG_ROOT and `command -v` are the classifier's business and are skipped
 * here; any other condition on the machine (a command's result, a compound test) cannot be
 * decided from the image, so the translation is refused.
 *
 * Only in a Debian postinst: there every file of the package (and, with apt, of the packages
 * unpacked with it) is in place, as on the built image. A preinst runs before its own package is
 * unpacked, so the image would answer a different question.
 */
import type { PathCondition } from '../../actions/action.js';
import type { Guard } from '../../shell/analysis.js';
import { dpkgRootPath } from './dpkg-root-path.js';
import type { Invocation } from './invocation.js';

const argumentTests: ReadonlySet<string> = new Set(['arg-equals', 'arg-compare', 'arg-empty', 'version-compare', 'dpkg-root', 'command-exists']);

const testLetter: Readonly<Record<string, PathCondition['test']>> = { '-e': 'e', '-a': 'e', '-f': 'f', '-d': 'd', '-h': 'h', '-L': 'h' };

const caseOnArgument = /^"?\$\{?\d\}?"?$/;

const dpkgRootOnly = /^(?:\[|test) +(?:-[zn] +"?\$\{?DPKG_ROOT\}?"?|"?\$\{?DPKG_ROOT\}?"? +!?= +(?:""|''))(?: +\])?$/;

const freshInstallOr = /^\[ -z "?\$\{?2\}?"? \] \|\| /;

/** `dpkg-statoverride --list /literal/path` alone, its output sent nowhere that matters. */
const statoverrideList = /^!?\s*dpkg-statoverride --list (\/[A-Za-z0-9._+@:\/-]+)(?:\s*>\s*\/dev\/null)?(?:\s+2>&1)?$/;

export function pathConditions(inv: Invocation): PathCondition[] {
  const out: PathCondition[] = [];
  const { scriptlet } = inv.ctx;
  for (const g of inv.command.guards) {
    const cond = condition(inv, g, `${scriptlet.package} ${scriptlet.phase}`);
    if (Array.isArray(cond)) out.push(...cond);
    else if (cond) out.push(cond);
  }
  if (out.length > 0 && !(scriptlet.format === 'deb' && scriptlet.phase === 'postinst')) {
    inv.fail(`a path test in a ${scriptlet.phase} is not decided on the built image (the package's own files are not unpacked when it runs)`);
  }
  return out;
}

function condition(inv: Invocation, g: Guard, script: string): PathCondition | PathCondition[] | undefined {
  if (g.kind === 'function') return undefined;
  if (g.kind === 'case') {
    if (caseOnArgument.test(g.subject.trim())) return undefined;
    return inv.fail(`condition \`${g.text}\` is not a path test`);
  }
  const compound = compoundConditions(inv, g, script);
  if (compound) return compound;
  const t = g.test;
  // The analysis files any test naming $DPKG_ROOT under dpkg-root, a compound
  // `[ "$1" = configure -a ! -e "$DPKG_ROOT/x" ]` too; only a test of DPKG_ROOT itself is skipped.
  if (t?.type === 'dpkg-root' && !dpkgRootOnly.test(g.text.trim())) return inv.fail(`condition \`${g.text}\` is not a path test`);
  if (t !== undefined && argumentTests.has(t.type)) return undefined;
  // `[ -z "$2" ] || dpkg --compare-versions "$2" lt X`: an or-list that a fresh install (no old
  // version in $2) passes by its first test.
  if (!g.negated && freshInstallOr.test(g.text)) return undefined;
  // `if ! dpkg-statoverride --list P`: whether the admin (or an earlier script) overrode P.
  const so = statoverrideList.exec(g.text);
  if (so && (g.kind === 'if' || g.kind === 'and' || g.kind === 'or')) {
    const path = so[1]!;
    if (path.split('/').includes('..')) return inv.fail(`tested path ${path} contains ..`);
    return { path, test: 'statoverride', holds: !g.negated, scope: `${script}: ${g.text}` };
  }
  if (t === undefined || t.type !== 'path-test') return inv.fail(`condition \`${g.text}\` is not a path test`);
  const test = testLetter[t.op];
  if (test === undefined) return inv.fail(`path test ${t.op} is not decided on the image`);
  const path = /^\/[^$`"'\\*?[\s]*$/.test(t.path) ? t.path : dpkgRootPath(t.path);
  if (path === undefined || path.split('/').includes('..')) return inv.fail(`tested path ${t.path} is not literal`);
  return { path: path.replace(/\/+$/, '') || '/', test, holds: !g.negated, scope: `${script}: ${g.text}` };
}

/** `[ A -a B ]` or `test A -a B`: the words between the brackets, quotes kept. */
const compoundTest = /^(?:\[\s+(.*)\s+\]|test\s+(.*))$/;

/** Values of the script's arguments on a fresh install (`postinst configure ''`). */
const freshArgument: Readonly<Record<string, string>> = { '1': 'configure', '2': '' };

/**
 * `[ -d /etc/x -a ! -e /etc/x/y ]`: a conjunction of simple tests, split into one path condition
 * per path test, all under the guard's scope. A test of $1 or $2 is decided for a fresh install
 * (`configure`, empty old version); one that fails there would keep the command from running at
 * all, so it is refused rather than guessed. The else side of a conjunction is a disjunction,
 * which conditions that must all hold cannot say, so it is refused too. `-o`, parentheses and
 * anything else are not split. Returns undefined when the guard is not such a conjunction.
 */
function compoundConditions(inv: Invocation, g: Guard, script: string): PathCondition[] | undefined {
  if (g.kind === 'case' || g.kind === 'function') return undefined;
  const m = compoundTest.exec(g.text.trim());
  if (!m) return undefined;
  const words = (m[1] ?? m[2]!).match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  const clauses: string[][] = [[]];
  for (const w of words) {
    // `-a` is the conjunction only between operands; at a clause's start it is the unary exists test.
    if (w === '-a' && clauses.at(-1)!.length > 0) clauses.push([]);
    else clauses.at(-1)!.push(w);
  }
  if (clauses.length < 2) return undefined;
  if (g.negated) return inv.fail(`condition \`${g.text}\` is negated: the else side of a compound test is a disjunction`);
  const out: PathCondition[] = [];
  for (const c of clauses) {
    const negated = c[0] === '!';
    const [op, operand, ...rest] = negated ? c.slice(1) : c;
    if (op === undefined || operand === undefined) return inv.fail(`condition \`${g.text}\` is not a path test`);
    const arg = /^"?\$\{?([12])\}?"?$/.exec(op);
    if (arg && (operand === '=' || operand === '!=') && rest.length === 1) {
      const value = rest[0]!.replace(/^(["'])(.*)\1$/, '$2');
      const holds = (freshArgument[arg[1]!] === value) === (operand === '=') !== negated;
      if (!holds) return inv.fail(`condition \`${g.text}\` does not hold on a fresh install, so the command would not run`);
      continue;
    }
    if ((op === '-z' || op === '-n') && rest.length === 0 && /^"?\$\{?2\}?"?$/.test(operand)) {
      if ((op === '-z') === negated) return inv.fail(`condition \`${g.text}\` does not hold on a fresh install, so the command would not run`);
      continue;
    }
    const test = testLetter[op];
    if (test === undefined || rest.length > 0) return inv.fail(`condition \`${g.text}\` is not a conjunction of path tests`);
    const unquoted = operand.replace(/^"([^"$`\\]*)"$/, '$1');
    const path = /^\/[^$`"'\\*?[\s]*$/.test(unquoted) ? unquoted : dpkgRootPath(operand);
    if (path === undefined || path.split('/').includes('..')) return inv.fail(`tested path ${operand} is not literal`);
    out.push({ path: path.replace(/\/+$/, '') || '/', test, holds: !negated, scope: `${script}: ${g.text}` });
  }
  return out;
}
