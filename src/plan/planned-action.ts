import type { Action } from '../actions/action.js';
import type { Provenance } from './provenance.js';

/**
 * One action of the merged list. Exact duplicates collapse into one entry whose `from` lists every
 * script that asked for it, first asker first (ten libraries asking for `ldconfig` become one cache
 * action with ten provenances).
 */
export interface PlannedAction {
  action: Action;
  from: Provenance[];
}
