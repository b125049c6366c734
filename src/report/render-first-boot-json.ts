/**
 * `scriptlet verify --first-boot --json`: the whole result, with a schema version and the verdict.
 * Modes are octal strings, as in `verify --json`.
 */
import { type FirstBootResult, firstBootPassed } from '../verify/first-boot-result.js';
import { difference, octalModes } from './render-verify-json.js';

export const firstBootJsonVersion = 1;

export function renderFirstBootJson(r: FirstBootResult): string {
  const doc = {
    schemaVersion: firstBootJsonVersion,
    mode: 'first-boot',
    passed: firstBootPassed(r),
    packages: r.packages,
    suite: r.suite,
    reference: r.reference,
    installed: r.installed,
    packageMismatch: r.packageMismatch,
    plan: r.plan,
    applied: r.applied,
    withdrawn: r.withdrawn,
    steps: r.steps,
    agent: r.agent,
    matches: r.matches,
    accepted: r.accepted.map((d) => ({ ...difference(d), rule: d.rule, why: d.why })),
    unexplained: r.unexplained.map(difference),
    excluded: r.excluded.map((e) => ({ patterns: e.exclusion.patterns, reason: e.exclusion.reason, paths: e.paths, differing: e.differing })),
    untouched: r.untouched,
    warnings: r.warnings,
    ...(r.kept ? { kept: r.kept } : {}),
  };
  return `${JSON.stringify(doc, octalModes, 2)}\n`;
}
