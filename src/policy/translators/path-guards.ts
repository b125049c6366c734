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
    if (cond) out.push(cond);
  }
  if (out.length > 0 && !(scriptlet.format === 'deb' && scriptlet.phase === 'postinst')) {
    inv.fail(`a path test in a ${scriptlet.phase} is not decided on the built image (the package's own files are not unpacked when it runs)`);
  }
  return out;
}

function condition(inv: Invocation, g: Guard, script: string): PathCondition | undefined {
  if (g.kind === 'function') return undefined;
  if (g.kind === 'case') {
    if (caseOnArgument.test(g.subject.trim())) return undefined;
    return inv.fail(`condition \`${g.text}\` is not a path test`);
  }
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
