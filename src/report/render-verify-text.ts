/**
 * `scriptlet verify` for people: what matched, by category; each difference explained by deferred
 * work with the step and its reason; each unexplained difference; the exclusions that applied.
 */
import type { Difference, StateCategory } from '../verify/compare-states.js';
import { type VerifyResult, verifyPassed } from '../verify/verify-result.js';

const CATEGORY_ORDER: readonly StateCategory[] = ['accounts', 'units', 'rc-links', 'alternatives', 'statoverride', 'diversions', 'etc', 'var', 'other'];

function subjectText(d: Difference): string {
  const s = d.subject;
  const name = s.kind === 'file' ? s.path : `${s.kind} ${s.name}`;
  return d.below ? `${name} (and ${d.below} entr${d.below === 1 ? 'y' : 'ies'} below)` : name;
}

function counts(items: readonly { category: StateCategory }[]): string {
  const by = new Map<StateCategory, number>();
  for (const i of items) by.set(i.category, (by.get(i.category) ?? 0) + 1);
  return CATEGORY_ORDER.filter((c) => by.has(c)).map((c) => `${c} ${by.get(c)}`).join(', ') || 'none';
}

export function renderVerifyText(r: VerifyResult): string {
  const out: string[] = [];
  out.push(`Verified ${r.packages.join(' ')} on ${r.suite}: ${r.installed.length} packages installed by the reference${r.reference.cached ? ' (cached)' : ''}`);
  out.push(`  reference set: ${r.reference.dir}`);
  out.push(
    `  plan: ${r.plan.scripts} scripts, ${r.plan.dropped} dropped, ${r.plan.translated} translated, ${r.plan.deferred} deferred; ` +
      `${r.plan.actions} actions (${r.applied.done} applied, ${r.applied.nothing} with nothing to do, ${r.applied.deferred} left for first boot); ${r.plan.steps} deferred steps`,
  );
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
  out.push(`Unexplained differences (${r.unexplained.length})`);
  for (const d of r.unexplained) out.push(`  [${d.category}] ${subjectText(d)}: ${d.change}`);
  for (const m of r.packageMismatch) out.push(`  [packages] ${m}`);
  out.push('');
  out.push('Not compared');
  for (const e of r.excluded) out.push(`  ${e.paths} path${e.paths === 1 ? '' : 's'} (${e.differing} differing): ${e.exclusion.reason}`);
  out.push('');
  out.push(
    verifyPassed(r)
      ? `PASS: every difference from the reference install is explained by a step deferred to first boot (${r.explained.length} explained)`
      : `FAIL: ${r.unexplained.length + r.packageMismatch.length} unexplained difference${r.unexplained.length + r.packageMismatch.length === 1 ? '' : 's'}`,
  );
  return `${out.join('\n')}\n`;
}
