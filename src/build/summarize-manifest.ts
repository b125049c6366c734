import type { Manifest } from './build-manifest.js';

/** One line for the terminal: what the prepared appliance holds. */
export function summarizeManifest(m: Manifest): string {
  const count = (o: string): number => m.scripts.filter((s) => s.outcome === o).length;
  const applied = m.actions.filter((a) => a.result === 'done').length;
  return (
    `${m.packages.length} packages, ${m.scripts.length} install scripts (${count('drop')} dropped, ${count('translate')} translated, ` +
    `${count('defer')} deferred), ${applied} actions applied, ${m.deferred.length} deferred steps, init: ${m.init}`
  );
}
