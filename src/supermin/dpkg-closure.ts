/**
 * The packages supermin puts into an appliance on a dpkg host, computed the way supermin 5.2's
 * dpkg handler does (src/ph_dpkg.ml, read, not copied), so that the scripts of every package in
 * the image are classified and nothing else:
 * - a name counts only when an installed package of the primary architecture (or `all`) has it;
 *   other names (virtual packages, removed packages) are silently dropped;
 * - dependencies are `Depends` and `Pre-Depends` of every installed stanza with that name, with
 *   version constraints removed and only the FIRST alternative of each `a | b` group kept (supermin
 *   strips the rest with sed), the name taken as written, so `perl:any` matches nothing;
 * - repeated until nothing is added. Recommends and Suggests are never followed.
 * Pure: the installed database arrives as data.
 */
import type { DependencyGroup } from '../formats/types.js';

export interface InstalledStanza {
  name: string;
  version: string;
  arch: string;
  /** dpkg's state; only `installed` counts, as for supermin. */
  installed: boolean;
  depends: readonly DependencyGroup[];
  preDepends: readonly DependencyGroup[];
}

export interface ClosurePackage {
  name: string;
  version: string;
  arch: string;
}

/** How supermin's sed leaves a dependency word: the name with its `:arch` qualifier, if any. */
function wordOf(group: DependencyGroup): string | undefined {
  const first = group[0];
  if (!first) return undefined;
  return first.arch ? `${first.name}:${first.arch}` : first.name;
}

export function dpkgClosure(names: readonly string[], stanzas: readonly InstalledStanza[], primaryArch: string): ClosurePackage[] {
  const installed = new Map<string, InstalledStanza>();
  const requires = new Map<string, string[]>();
  for (const s of stanzas) {
    const words = [...s.depends, ...s.preDepends].map(wordOf).filter((w): w is string => w !== undefined);
    requires.set(s.name, [...(requires.get(s.name) ?? []), ...words]);
    if (s.installed && (s.arch === primaryArch || s.arch === 'all') && !installed.has(s.name)) installed.set(s.name, s);
  }
  const chosen = new Map<string, InstalledStanza>();
  let todo = [...names];
  while (todo.length > 0) {
    const next: string[] = [];
    for (const name of todo) {
      const s = installed.get(name);
      if (!s || chosen.has(name)) continue;
      chosen.set(name, s);
      next.push(...(requires.get(name) ?? []));
    }
    todo = next;
  }
  return [...chosen.values()]
    .map((s) => ({ name: s.name, version: s.version, arch: s.arch }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
