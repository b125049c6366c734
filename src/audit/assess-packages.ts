/**
 * Runs analysis and classification over every scriptlet of a package set. No filesystem or
 * process access: policies arrive loaded, packages arrive read.
 */
import type { Package, PackageFormat, Scriptlet } from '../formats/types.js';
import { classify } from '../policy/classify.js';
import type { LoadedPolicy } from '../policy/load-policy.js';
import { analyse } from '../shell/analyse.js';
import type { ScriptAssessment } from './build-audit-result.js';

export type PolicyChooser = (format: PackageFormat) => LoadedPolicy;

export interface AssessProgress {
  (done: number, total: number, pkg: Package): void;
}

export async function assessPackages(
  packages: readonly Package[],
  choosePolicy: PolicyChooser,
  onProgress?: AssessProgress,
): Promise<Map<Scriptlet, ScriptAssessment>> {
  const out = new Map<Scriptlet, ScriptAssessment>();
  let done = 0;
  for (const pkg of packages) {
    for (const s of pkg.scriptlets) {
      const analysis = await analyse(s);
      const { policy, runtime } = choosePolicy(s.format);
      out.set(s, { analysis, verdict: classify(s, analysis, policy, runtime) });
    }
    onProgress?.(++done, packages.length, pkg);
  }
  return out;
}
