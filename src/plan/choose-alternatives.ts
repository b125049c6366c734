import type { AlternativeCandidate, AlternativeChoice } from './alternative-choice.js';
import type { PlannedAction } from './planned-action.js';

/**
 * update-alternatives in auto mode: for each name the highest priority wins, whichever package
 * offered it. Candidates of a name whose master link differs from the first offer's are left out
 * (that is a conflict, reported by detect-conflicts.ts). Sorted by name.
 */
export function chooseAlternatives(actions: readonly PlannedAction[]): AlternativeChoice[] {
  const byName = new Map<string, { link: string; candidates: AlternativeCandidate[] }>();
  for (const a of actions) {
    if (a.action.kind !== 'alternative') continue;
    const { name, link, path, priority } = a.action;
    let entry = byName.get(name);
    if (!entry) {
      entry = { link, candidates: [] };
      byName.set(name, entry);
    }
    if (entry.link !== link) continue;
    for (const from of a.from) entry.candidates.push({ path, priority, from });
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, { link, candidates }]) => {
      // A stable sort keeps install order among equal priorities.
      const sorted = [...candidates].sort((x, y) => y.priority - x.priority);
      return { name, link, winner: sorted[0]!, candidates: sorted };
    });
}
