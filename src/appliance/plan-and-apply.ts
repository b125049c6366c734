/**
 * The plan a build realises: planned and applied until every action is either applied or stood
 * for by a deferred step. An action the appliers cannot realise at build time withdraws the
 * translation of the scripts that asked for it: those scripts run at first boot instead, and the
 * plan is made again. Shared by `scriptlet prepare` and `scriptlet verify --first-boot`, so that
 * what verify boots is what a build would leave. Pure: the image is read through a view.
 */
import { applyActions, type ApplyResult } from '../apply/apply-actions.js';
import type { ImageView } from '../apply/image-view.js';
import type { ScriptAssessment } from '../audit/build-audit-result.js';
import type { Package, Scriptlet } from '../formats/types.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import type { Verdict } from '../policy/verdict.js';

export interface Classified {
  packages: Package[];
  assessments: Map<Scriptlet, ScriptAssessment>;
}

export interface PlannedAndApplied {
  plan: Plan;
  applied: ApplyResult;
  verdicts: Map<Scriptlet, Verdict>;
  /** Scripts the policy translated whose translation could not be applied: they are deferred. */
  withdrawn: Set<Scriptlet>;
}

function withdrawnVerdict(v: Verdict, reason: string): Verdict {
  return { ...v, outcome: 'defer', reason: `${reason} (the policy translated it: ${v.reason})` };
}

export function planAndApply(
  c: Classified,
  view: ImageView,
  options: { epoch: number; sysvinit: boolean; timeoutSeconds: number },
): PlannedAndApplied {
  const verdicts = new Map<Scriptlet, Verdict>([...c.assessments].map(([s, a]) => [s, a.verdict]));
  const withdrawn = new Set<Scriptlet>();
  const byKey = new Map<string, Scriptlet>();
  for (const p of c.packages) for (const s of p.scriptlets) byKey.set(`${s.package}\0${s.phase}`, s);
  for (;;) {
    const plan = buildPlan(c.packages, verdicts, { timeoutSeconds: options.timeoutSeconds });
    const applied = applyActions(
      plan.actions.map((a) => a.action),
      view,
      { family: 'debian', epoch: options.epoch, sysvinit: options.sysvinit },
    );
    let changed = false;
    for (const work of applied.deferred) {
      if (work.command) continue;
      for (const action of work.actions) {
        const from = plan.actions.find((a) => a.action === action)?.from ?? [];
        for (const p of from) {
          const s = byKey.get(`${p.package}\0${p.phase}`);
          const v = s && verdicts.get(s);
          if (!s || !v || v.outcome === 'defer') continue;
          verdicts.set(s, withdrawnVerdict(v, `an action could not be applied at build time: ${work.reason}`));
          withdrawn.add(s);
          changed = true;
        }
      }
    }
    if (!changed) return { plan, applied, verdicts, withdrawn };
  }
}
