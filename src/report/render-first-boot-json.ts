/**
 * `scriptlet verify --first-boot --json`: the whole result, with a schema version and the verdict.
 * Modes are octal strings, as in `verify --json`.
 */
import { type FirstBootResult, firstBootPassed } from '../verify/first-boot-result.js';
import { commonJson, difference, excludedJson, octalModes } from './render-verify-json.js';

export const firstBootJsonVersion = 1;

export function renderFirstBootJson(r: FirstBootResult): string {
  const doc = {
    schemaVersion: firstBootJsonVersion,
    mode: 'first-boot',
    passed: firstBootPassed(r),
    ...commonJson(r),
    steps: r.steps,
    agent: r.agent,
    matches: r.matches,
    accepted: r.accepted.map((d) => ({ ...difference(d), rule: d.rule, why: d.why })),
    unexplained: r.unexplained.map(difference),
    excluded: excludedJson(r),
    untouched: r.untouched,
    warnings: r.warnings,
    ...(r.kept ? { kept: r.kept } : {}),
  };
  return `${JSON.stringify(doc, octalModes, 2)}\n`;
}
