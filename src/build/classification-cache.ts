import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptAssessment } from '../audit/build-audit-result.js';
import type { Package, Scriptlet } from '../formats/types.js';
import type { ResolvedPolicy } from '../policy/resolved-policy.js';

/** Bumped when an entry's layout changes, so old entries are never read as new ones. */
const ENTRY_FORMAT = 1;

/**
 * What a policy's verdicts depend on: the resolved policy (every rule with the file and line it
 * came from, as verdicts cite them) and the bytes of every file of its chain and of every
 * JavaScript module its rules run.
 */
export function policyFingerprint(policy: ResolvedPolicy, readFile: (path: string) => Buffer = readFileSync): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(policy));
  const files = new Set([...policy.files, ...policy.rules.flatMap((r) => [r.matchModule, r.translateModule].filter((m): m is string => m !== undefined))]);
  for (const file of [...files].sort()) {
    hash.update(`\0${file}\0`);
    hash.update(readFile(file));
  }
  return hash.digest('hex');
}

/** The key of one script's result: every input of its analysis and verdict. */
export function classificationKey(code: string, policy: string, pkg: Pick<Package, 'name' | 'version' | 'arch'>, script: Scriptlet): string {
  return createHash('sha256')
    .update(JSON.stringify([ENTRY_FORMAT, code, policy, pkg.name, pkg.version, pkg.arch, script]))
    .digest('hex');
}

function isAssessment(v: unknown): v is ScriptAssessment {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return typeof a.analysis === 'object' && a.analysis !== null && typeof a.verdict === 'object' && a.verdict !== null;
}

/**
 * Analyses and verdicts of earlier builds, one JSON file per script under the cache home, so a
 * rebuild does not parse and classify unchanged scripts again. Entries are never stale, only
 * unused: a change to the script, its package's identity, the policy or scriptlet itself gives a
 * different key.
 */
export class ClassificationCache {
  constructor(private readonly dir: string) {}

  get(key: string): ScriptAssessment | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, `${key}.json`), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const v: unknown = JSON.parse(text);
      return isAssessment(v) ? v : undefined;
    } catch {
      // A torn or foreign file is a miss; the script is classified and the entry rewritten.
      return undefined;
    }
  }

  /**
   * Best effort: a cache that cannot be written (read-only, full disk) costs the next build time,
   * not this one its result. Written under a unique name and renamed, so concurrent builds never
   * read half an entry.
   */
  put(key: string, assessment: ScriptAssessment): void {
    const file = join(this.dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, JSON.stringify({ analysis: assessment.analysis, verdict: assessment.verdict }));
      renameSync(tmp, file);
    } catch {
      return;
    }
  }
}
