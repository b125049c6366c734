import type { Dependency, DependencyGroup, Package } from '../formats/types.js';

/**
 * Which packages of a set satisfy a dependency name: the package of that name, else the packages
 * providing it. Versions are not compared: an ordering only needs to know which package of the set
 * a dependency refers to, and a set that cannot satisfy a versioned dependency is the package
 * manager's error to report, not the plan's.
 */
export class ProviderIndex {
  readonly #byName = new Map<string, number[]>();
  readonly #byProvide = new Map<string, number[]>();

  constructor(readonly packages: readonly Package[]) {
    packages.forEach((p, i) => {
      push(this.#byName, p.name, i);
      for (const d of p.provides) push(this.#byProvide, d.name, i);
    });
  }

  /** Indices of the packages satisfying `dep`, best first: real packages, then providers, by name. */
  providers(dep: Dependency): number[] {
    const real = this.#byName.get(dep.name) ?? [];
    const virtual = (this.#byProvide.get(dep.name) ?? []).filter((i) => !real.includes(i));
    return [...real, ...virtual.sort((a, b) => compareByName(this.packages, a, b))];
  }

  /**
   * The package a group (`a | b`) refers to: the first alternative that some other package of the
   * set satisfies, as apt prefers the first alternative. Undefined when the group is satisfied only
   * outside the set (or only by `self`).
   */
  resolve(group: DependencyGroup, self: number): number | undefined {
    for (const alt of group) {
      const found = this.providers(alt).find((i) => i !== self);
      if (found !== undefined) return found;
      // The package satisfies its own dependency: nothing to order.
      if (this.providers(alt).includes(self)) return undefined;
    }
    return undefined;
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map.set(key, [value]);
}

/** Name, then version, then source, then input position: a total order for ties. */
export function compareByName(packages: readonly Package[], a: number, b: number): number {
  const pa = packages[a]!;
  const pb = packages[b]!;
  return cmp(pa.name, pb.name) || cmp(pa.version, pb.version) || cmp(pa.arch, pb.arch) || cmp(pa.source, pb.source) || a - b;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
