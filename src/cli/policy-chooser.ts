import type { PackageFormat } from '../formats/types.js';
import { loadPolicy, type LoadedPolicy } from '../policy/load-policy.js';
import { policyForFormat } from '../policy/policy-for-format.js';
import type { CliIo } from './io.js';

/**
 * Loads each policy once per run, into `cache` (whose runtimes the caller disposes); formats share
 * a policy when `--policy` names one, else each format gets its shipped policy.
 */
export function policyChooser(io: CliIo, override: string | undefined, cache: Map<string, LoadedPolicy>): (format: PackageFormat) => LoadedPolicy {
  return (format) => {
    const ref = override ?? policyForFormat[format];
    let loaded = cache.get(ref);
    if (!loaded) {
      loaded = loadPolicy(ref, { cwd: io.cwd });
      cache.set(ref, loaded);
    }
    return loaded;
  };
}
