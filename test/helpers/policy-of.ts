/**
 * Builds a ResolvedPolicy from rules or policy text without touching the disk, for tests of the
 * classifier and of translators wired through rules.
 */
import { parsePolicyText } from '../../src/policy/parse-policy.js';
import type { Rule } from '../../src/policy/policy-schema.js';
import type { ResolvedPolicy } from '../../src/policy/resolved-policy.js';

/** Policy text (JSON5) to a ResolvedPolicy; throws the first problem. No `extends`. */
export function policyFromText(text: string, file = '/test/policy.json5'): ResolvedPolicy {
  const parsed = parsePolicyText(text, file);
  if (parsed.problems.length > 0 || !parsed.doc) throw parsed.problems[0];
  const doc = parsed.doc;
  return {
    name: doc.name,
    family: doc.family,
    file,
    files: [file],
    rules: doc.rules.map((rule, i) => {
      const at = parsed.locate(`/rules/${i}`);
      return { rule, policy: doc.name, file, line: at.line, column: at.column };
    }),
  };
}

/** Rules (in order) to a single-file policy, validated like a file would be. */
export function policyOf(rules: Rule[], name = 'test'): ResolvedPolicy {
  return policyFromText(JSON.stringify({ name, family: 'any', rules }), `/test/${name}.json5`);
}

/** Several policies chained: the first's rules first (as `extends` would order them). */
export function chain(...policies: ResolvedPolicy[]): ResolvedPolicy {
  const first = policies[0]!;
  return { ...first, rules: policies.flatMap((p) => p.rules), files: policies.map((p) => p.file) };
}
