/**
 * One unit of `audit` work: read one package file (or take a package already read from an
 * installed database), analyse and classify its scripts, and return its report entry. The same
 * runner serves `--jobs 1` on the main thread and every worker thread, so both give the same
 * entries and the same errors.
 */
import { readPackageFile } from '../formats/read-package-file.js';
import { isInstallPhase, type Package } from '../formats/types.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load-policy.js';
import { policyForFormat } from '../policy/policy-for-format.js';
import type { AuditPackage } from './audit-result.js';
import { assessPackages } from './assess-packages.js';
import { auditPackage } from './build-audit-result.js';
import { toThreadError, type ThreadError } from './thread-error.js';

export interface AuditTaskOptions {
  /** Report only install-time scripts. */
  installOnly: boolean;
  /** `--policy` for every package; else each format's shipped policy. */
  policy?: string;
  /** Base for a relative policy path. */
  cwd: string;
}

export interface AuditTask {
  /** Position in the run's input order; results are merged by it. */
  index: number;
  source: { file: string } | { pkg: Package };
  /**
   * Only read, do not analyse: the run has already failed in analysis, and only a read error of
   * a later file could still take precedence (reading all files came before analysing any).
   */
  readOnly: boolean;
}

export type AuditTaskResult =
  | { index: number; kind: 'ok'; entry: AuditPackage | null }
  | { index: number; kind: 'read-error'; error: ThreadError }
  | { index: number; kind: 'assess-error'; error: ThreadError };

export interface AuditTaskRunner {
  run(task: AuditTask): Promise<AuditTaskResult>;
  /** Frees the policies' sandboxes. */
  dispose(): void;
}

export function auditTaskRunner(options: AuditTaskOptions): AuditTaskRunner {
  const policies = new Map<string, LoadedPolicy>();
  const choosePolicy = (format: Package['format']): LoadedPolicy => {
    const ref = options.policy ?? policyForFormat[format];
    let loaded = policies.get(ref);
    if (!loaded) {
      loaded = loadPolicy(ref, { cwd: options.cwd });
      policies.set(ref, loaded);
    }
    return loaded;
  };
  return {
    async run({ index, source, readOnly }) {
      let pkg: Package;
      if ('pkg' in source) {
        pkg = source.pkg;
      } else {
        try {
          pkg = await readPackageFile(source.file);
        } catch (e) {
          return { index, kind: 'read-error', error: toThreadError(e) };
        }
      }
      if (readOnly) return { index, kind: 'ok', entry: null };
      if (options.installOnly) pkg = { ...pkg, scriptlets: pkg.scriptlets.filter((s) => isInstallPhase(s.phase)) };
      try {
        const assessments = await assessPackages([pkg], choosePolicy);
        return { index, kind: 'ok', entry: auditPackage(pkg, assessments) };
      } catch (e) {
        return { index, kind: 'assess-error', error: toThreadError(e) };
      }
    },
    dispose() {
      for (const loaded of policies.values()) loaded.runtime.dispose();
      policies.clear();
    },
  };
}
