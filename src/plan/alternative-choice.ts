import type { Provenance } from './provenance.js';

export interface AlternativeCandidate {
  path: string;
  priority: number;
  from: Provenance;
}

/**
 * update-alternatives in auto mode points a name at its highest-priority path; several packages
 * offering one name is normal, not a conflict. Candidates are listed highest priority first
 * (ties in install order); `winner` is the first.
 */
export interface AlternativeChoice {
  name: string;
  link: string;
  winner: AlternativeCandidate;
  candidates: AlternativeCandidate[];
}
