import type { Phase } from '../formats/types.js';
import type { RuleRef } from '../policy/verdict.js';

/** Where a planned action or step came from: the package, the script, and the rule that decided. */
export interface Provenance {
  package: string;
  phase: Phase;
  rule: RuleRef;
}
