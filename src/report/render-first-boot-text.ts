/**
 * `scriptlet verify --first-boot` for people: how the guest agent's run went (each failed step with
 * the end of its log), what matched, each accepted difference with its rule, each unexplained one.
 */
import type { FirstBootRule } from '../verify/explain-first-boot.js';
import { type FirstBootResult, firstBootPassed } from '../verify/first-boot-result.js';
import { counts, subjectText, unexplainedAndExcluded } from './render-verify-text.js';

const RULE_TITLES: Record<FirstBootRule, string> = {
  'per-machine': 'per-machine state (content differs on every install)',
  scriptlet: "scriptlet's own files",
  'id-order': 'dynamic ids handed out in another order',
  'line-order': 'the same lines in another order',
};

const AGENT_VERDICT: Record<'failed' | 'incomplete' | 'not-run', string> = {
  failed: "the guest agent's run failed",
  incomplete: "the guest agent's run is incomplete",
  'not-run': 'the guest agent did not complete its run',
};

export function renderFirstBootText(r: FirstBootResult): string {
  const out: string[] = [];
  out.push(`Verified the first boot of ${r.packages.join(' ')} on ${r.suite}: ${r.installed.length} packages installed by the reference${r.reference.cached ? ' (cached)' : ''}`);
  out.push(`  reference set: ${r.reference.dir}`);
  out.push(
    `  plan: ${r.plan.scripts} scripts, ${r.plan.dropped} dropped, ${r.plan.translated} translated, ${r.plan.deferred} deferred; ` +
      `${r.plan.actions} actions (${r.applied.done} applied, ${r.applied.nothing} with nothing to do, ${r.applied.deferred} left for first boot)`,
  );
  if (r.withdrawn.length > 0) out.push(`  translations withdrawn (an action could not be applied): ${r.withdrawn.join(', ')}`);
  if (r.kept) out.push(`  kept: ${r.kept}`);
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  out.push('');
  const a = r.agent;
  out.push(`Guest agent: ${a.result}, ${a.ok} of ${r.steps} steps ok`);
  if (a.problem) out.push(...a.problem.split('\n').map((l) => `  ${l}`));
  for (const s of a.failed) {
    out.push(`  FAILED ${s.id} (${s.package} ${s.phase}): ${s.state}${s.exitCode === null ? '' : `, exit ${s.exitCode}`}${s.note ? `, ${s.note}` : ''}`);
    for (const l of s.logTail) out.push(`      | ${l}`);
  }
  out.push('');
  out.push(`Matches (${r.matches.length}): changes the scripts made that the booted image has too: ${counts(r.matches)}`);
  out.push(`Untouched: ${r.untouched} paths no script changed`);
  for (const rule of Object.keys(RULE_TITLES) as FirstBootRule[]) {
    const of = r.accepted.filter((d) => d.rule === rule);
    out.push('');
    out.push(`Accepted, ${RULE_TITLES[rule]} (${of.length})`);
    for (const d of of) out.push(`  [${d.category}] ${subjectText(d)}: ${d.change}`, `      ${d.why}`);
  }
  out.push('');
  out.push(...unexplainedAndExcluded(r));
  out.push('');
  const problems = r.unexplained.length + r.packageMismatch.length;
  out.push(
    firstBootPassed(r)
      ? `PASS: after first boot the image matches the reference install (${r.accepted.length} accepted differences)`
      : `FAIL: ${[
          ...(problems > 0 ? [`${problems} unexplained difference${problems === 1 ? '' : 's'}`] : []),
          ...(a.result !== 'ok' ? [`${AGENT_VERDICT[a.result]}${a.failed.length > 0 ? ` (${a.failed.length} step${a.failed.length === 1 ? '' : 's'} not ok)` : ''}`] : []),
        ].join('; ')}`,
  );
  return `${out.join('\n')}\n`;
}
