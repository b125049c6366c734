/**
 * Whether the appliance can run what was deferred to it. A deferred script whose interpreter is
 * not in the image would fail at first boot, after the build said it worked; so a missing
 * interpreter is a build error naming the host package that provides it. Commands the scripts
 * call are checked too, when their guards say they run with the step's arguments, but only
 * warned about: the analysis cannot see every early `exit`, `|| true` or PATH change, and many
 * scripts cope with a missing tool.
 * Pure: the image arrives as an ImageView, the host's file owners as a lookup.
 */
import { ScriptletError } from '../errors.js';
import type { DeferredStep } from '../appliance/deferred-plan.js';
import { type ImageView, statPath } from '../apply/image-view.js';
import { runsForArgs } from '../policy/match-rule.js';
import type { Analysis } from '../shell/analysis.js';

/** Which host packages list a path (all of /bin/x, /usr/bin/x… variants are asked for). */
export type PathOwners = (path: string) => string[];

/** The PATH dpkg gives maintainer scripts, in its order. */
export const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** POSIX special and regular builtins, plus the ones dash and bash add, which need no file. */
const BUILTINS = new Set(
  (
    '. : [ alias bg break cd command continue echo eval exec exit export false fc fg getopts hash jobs kill ' +
    'local printf pwd read readonly return set shift test times trap true type ulimit umask unalias unset wait ' +
    'source declare typeset let shopt'
  ).split(' '),
);

function executableIn(view: ImageView, path: string): boolean {
  const st = statPath(view, path);
  return st?.type === 'file' && (st.mode & 0o111) !== 0;
}

/** The image path a command name runs, or undefined. */
export function findInPath(view: ImageView, name: string): string | undefined {
  if (name.includes('/')) return executableIn(view, name) ? name : undefined;
  return PATH_DIRS.map((d) => `${d}/${name}`).find((p) => executableIn(view, p));
}

/** The same path under every merged-/usr spelling, for asking which package ships it. */
export function pathSpellings(path: string): string[] {
  const base = path.split('/').pop() ?? path;
  if (!path.includes('/')) return PATH_DIRS.map((d) => `${d}/${base}`);
  const m = /^\/(?:usr\/)?(s?bin|lib[^/]*)\/(.*)$/.exec(path);
  return m ? [`/${m[1]}/${m[2]}`, `/usr/${m[1]}/${m[2]}`] : [path];
}

function providers(owners: PathOwners, path: string): string[] {
  return [...new Set(pathSpellings(path).flatMap(owners))].sort();
}

/**
 * Files scripts source whose work needs another program: debconf's confmodule re-executes the
 * script under /usr/share/debconf/frontend, a perl program (perl-base is Essential on Debian, so
 * no package depends on it and supermin does not add it).
 */
const SOURCED_NEEDS: ReadonlyMap<string, string> = new Map([['/usr/share/debconf/confmodule', '/usr/bin/perl']]);

/**
 * `name ()` (POSIX) or `function name` (bash, ksh), at the start of a line. A pattern, not the
 * shell analysis: a build whose verdicts all come from the classification cache never loads the
 * parsers, and only the names are wanted.
 */
const FUNCTION_DEFINITION = /^[ \t]*(?:function[ \t]+([A-Za-z_][A-Za-z0-9_-]*)|([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\(\))/gm;

/** Names of the shell functions the sourced files define, or undefined when one is not in the image. */
function functionsDefinedIn(view: ImageView, files: readonly string[]): string[] | undefined {
  const names: string[] = [];
  for (const file of files) {
    const text = view.readFile(file)?.toString('latin1');
    if (text === undefined) return undefined;
    for (const m of text.matchAll(FUNCTION_DEFINITION)) names.push((m[1] ?? m[2]) as string);
  }
  return names;
}

export interface DeferredToolCheck {
  errors: ScriptletError[];
  warnings: string[];
}

export function checkDeferredTools(
  steps: readonly DeferredStep[],
  view: ImageView,
  owners: PathOwners,
  analyses: ReadonlyMap<string, Analysis> = new Map(),
): DeferredToolCheck {
  const errors: ScriptletError[] = [];
  const warnings: string[] = [];
  for (const step of steps) {
    const program = step.interpreter[0];
    if (program === undefined) continue;
    if (!executableIn(view, program)) {
      const from = providers(owners, program);
      errors.push(
        new ScriptletError('E_BUILD', `the deferred ${step.phase} of ${step.package} needs ${program}, which is not in the appliance`, {
          package: step.package,
          hint: from.length > 0 ? `add ${from.join(' or ')} to the package list` : `no installed package provides ${program}; install one that does and add it`,
        }),
      );
      continue;
    }
    const analysis = analyses.get(step.id);
    for (const file of analysis?.sourced ?? []) {
      const needs = SOURCED_NEEDS.get(file);
      if (!needs || executableIn(view, needs) || !statPath(view, file)) continue;
      const from = providers(owners, needs);
      errors.push(
        new ScriptletError('E_BUILD', `the deferred ${step.phase} of ${step.package} sources ${file}, which needs ${needs}; it is not in the appliance`, {
          package: step.package,
          hint: from.length > 0 ? `add ${from.join(' or ')} to the package list` : `install the package that provides ${needs} and add it`,
        }),
      );
    }
    if (!analysis) continue;
    // A sourced file (debconf's confmodule) defines functions the script calls: read from the image.
    const sourcedFunctions = functionsDefinedIn(view, analysis.sourced);
    if (sourcedFunctions === undefined) continue;
    const functions = new Set([...analysis.functions.map((f) => f.name), ...sourcedFunctions]);
    const missing = new Set<string>();
    for (const c of analysis.commands) {
      if (c.name === null || BUILTINS.has(c.name) || functions.has(c.name)) continue;
      // Only commands certain to run with the step's arguments (`case "$1" in configure)` holds
      // for `configure`); one behind a file test or `command -v` may be meant to be missing.
      if (runsForArgs(c.guards, step.args) !== 'yes') continue;
      if (!findInPath(view, c.name)) missing.add(c.name);
    }
    for (const name of [...missing].sort()) {
      const from = providers(owners, name);
      warnings.push(
        `the deferred ${step.phase} of ${step.package} calls ${name}, which is not in the appliance` +
          (from.length > 0 ? ` (add ${from.join(' or ')})` : ''),
      );
    }
  }
  return { errors, warnings };
}
