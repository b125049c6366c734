/**
 * `scriptlet verify` for people: what matched, by category; each difference explained by deferred
 * work with the step and its reason; each unexplained difference; the exclusions that applied.
 */
import type { Difference, StateCategory } from '../verify/compare-states.js';
import { type VerifyCommon, type VerifyResult, verifyPassed } from '../verify/verify-result.js';

export const CATEGORY_ORDER: readonly StateCategory[] = ['accounts', 'units', 'rc-links', 'alternatives', 'statoverride', 'diversions', 'etc', 'var', 'other'];

/** A difference's subject in words, with how many entries below it differ the same way. */
export function subjectText(d: Difference): string {
  const s = d.subject;
  const name = s.kind === 'file' ? s.path : `${s.kind} ${s.name}`;
  return d.below ? `${name} (and ${d.below} entr${d.below === 1 ? 'y' : 'ies'} below)` : name;
}

/** How many items of each category, in report order (`accounts 2, etc 5`). */
export function counts(items: readonly { category: StateCategory }[]): string {
  const by = new Map<StateCategory, number>();
  for (const i of items) by.set(i.category, (by.get(i.category) ?? 0) + 1);
  return CATEGORY_ORDER.filter((c) => by.has(c)).map((c) => `${c} ${by.get(c)}`).join(', ') || 'none';
}

/** The end both verify reports share: what nothing explains, then what was not compared and why. */
export function unexplainedAndExcluded(r: VerifyCommon): string[] {
  const out = [`Unexplained differences (${r.unexplained.length})`];
  for (const d of r.unexplained) out.push(`  [${d.category}] ${subjectText(d)}: ${d.change}`);
  for (const m of r.packageMismatch) out.push(`  [packages] ${m}`);
  out.push('', 'Not compared');
  for (const e of r.excluded) out.push(`  ${e.paths} path${e.paths === 1 ? '' : 's'} (${e.differing} differing): ${e.exclusion.reason}`);
  return out;
}

export function renderVerifyText(r: VerifyResult): string {
  const out: string[] = [];
  out.push(`Verified ${r.packages.join(' ')} on ${r.suite}: ${r.installed.length} packages installed by the reference${r.reference.cached ? ' (cached)' : ''}`);
  out.push(`  reference set: ${r.reference.dir}`);
  out.push(
    `  plan: ${r.plan.scripts} scripts, ${r.plan.dropped} dropped, ${r.plan.translated} translated, ${r.plan.deferred} deferred; ` +
      `${r.plan.actions} actions (${r.applied.done} applied, ${r.applied.nothing} with nothing to do, ${r.applied.deferred} left for first boot); ${r.plan.steps} deferred steps`,
  );
  if (r.withdrawn.length > 0) out.push(`  translations withdrawn (an action could not be applied): ${r.withdrawn.join(', ')}`);
  if (r.kept) out.push(`  kept: ${r.kept}`);
  out.push('');
  out.push(`Matches (${r.matches.length}): changes the scripts made that scriptlet's image has too: ${counts(r.matches)}`);
  out.push(`Untouched: ${r.untouched} paths no script changed`);
  out.push('');
  out.push(`Explained by deferred work (${r.explained.length})`);
  for (const d of r.explained) {
    out.push(`  [${d.category}] ${subjectText(d)}: ${d.change}`);
    for (const e of d.explainedBy) {
      out.push(`      <- ${e.step} (${e.package}${e.phase ? ` ${e.phase}` : ''}): ${e.via}`);
      out.push(`         deferred because ${e.reason}`);
    }
  }
  out.push('');
  out.push(...unexplainedAndExcluded(r));
  out.push('');
  out.push(
    verifyPassed(r)
      ? `PASS: every difference from the reference install is explained by a step deferred to first boot (${r.explained.length} explained)`
      : `FAIL: ${r.unexplained.length + r.packageMismatch.length} unexplained difference${r.unexplained.length + r.packageMismatch.length === 1 ? '' : 's'}`,
  );
  return `${out.join('\n')}\n`;
}
