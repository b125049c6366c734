/**
 * A policy after loading: its `extends` chain flattened into one ordered rule list, every rule
 * carrying where it came from (for verdicts, explain output and errors).
 */
import type { Family, Rule } from './policy-schema.js';

export interface ResolvedRule {
  rule: Rule;
  /** Name of the policy that declares the rule, and its file. */
  policy: string;
  file: string;
  /** Where the rule starts in `file` (1-based). */
  line: number;
  column: number;
  /** Absolute paths of the rule's JavaScript modules, resolved against `file`. */
  matchModule?: string;
  translateModule?: string;
}

export interface ResolvedPolicy {
  name: string;
  family: Family;
  file: string;
  description?: string;
  /** The policy's own rules first, then each parent's (first listed parent first), base last. */
  rules: ResolvedRule[];
  /** Every file of the chain, in the same order. */
  files: string[];
}
