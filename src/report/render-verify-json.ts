/**
 * `scriptlet verify --json`: the whole result, with a schema version and the pass/fail verdict.
 * Modes are written as octal strings ("0644"), as people read them.
 */
import type { Difference } from '../verify/compare-states.js';
import { type VerifyCommon, type VerifyResult, verifyPassed } from '../verify/verify-result.js';

export const verifyJsonVersion = 1;

export function octalModes(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'mode' in value && typeof (value as { mode: unknown }).mode === 'number') {
    return { ...value, mode: (value as { mode: number }).mode.toString(8).padStart(4, '0') };
  }
  return value;
}

export function difference(d: Difference): Record<string, unknown> {
  const s = d.subject;
  return {
    category: d.category,
    kind: s.kind,
    subject: s.kind === 'file' ? s.path : s.name,
    change: d.change,
    ...(d.below ? { below: d.below } : {}),
    reference: s.reference ?? null,
    scriptlet: s.scriptlet ?? null,
  };
}

/** The fields both verify modes write, in this order, between their verdict and their own. */
export function commonJson(r: VerifyCommon): Record<string, unknown> {
  return { packages: r.packages, suite: r.suite, reference: r.reference, installed: r.installed, packageMismatch: r.packageMismatch, plan: r.plan, withdrawn: r.withdrawn, applied: r.applied };
}

export function excludedJson(r: VerifyCommon): Record<string, unknown>[] {
  return r.excluded.map((e) => ({ patterns: e.exclusion.patterns, reason: e.exclusion.reason, paths: e.paths, differing: e.differing }));
}

export function renderVerifyJson(r: VerifyResult): string {
  const doc = {
    schemaVersion: verifyJsonVersion,
    passed: verifyPassed(r),
    ...commonJson(r),
    matches: r.matches,
    explained: r.explained.map((d) => ({ ...difference(d), explainedBy: d.explainedBy })),
    unexplained: r.unexplained.map(difference),
    excluded: excludedJson(r),
    untouched: r.untouched,
    ...(r.kept ? { kept: r.kept } : {}),
  };
  return `${JSON.stringify(doc, octalModes, 2)}\n`;
}
