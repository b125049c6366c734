/**
 * The order a package manager configures a set of packages in: every dependency inside the set
 * before its dependant. Relations counted per format:
 * - deb: Pre-Depends and Depends (alternatives `a | b` and Provides resolved within the set);
 * - rpm: Requires, with the pre-requires (Requires(pre) and friends, kept in `preDepends`);
 * - arch: depends.
 * Dependencies on packages outside the set are ignored. Ties go by name (then version, arch,
 * source), so the order is the same whatever order the packages were read in.
 *
 * Cycles: dpkg configures one member of a Depends cycle before its dependency (findbreakcycle) and
 * rpm's ordering drops plain Requires before pre-requires. The rule here, applied only when no
 * package is free: among the packages of strongly connected components that depend on nothing
 * outside themselves, take the one with the fewest unplaced pre-dependencies, then the fewest
 * unplaced dependencies, then by name; its unplaced dependencies are recorded as broken.
 */
import type { Package } from '../formats/types.js';
import { compareByName, ProviderIndex } from './provider-index.js';

export interface PackageDependencies {
  /** Packages of the set this one pre-depends on (needed configured before it is unpacked). */
  pre: Package[];
  /** Packages of the set this one depends on (needed configured before it is configured). */
  plain: Package[];
}

export interface BrokenDependency {
  package: string;
  /** The dependency ignored to break the cycle. */
  on: string;
  pre: boolean;
}

export interface InstallOrder {
  packages: Package[];
  dependencies: Map<Package, PackageDependencies>;
  broken: BrokenDependency[];
}

export function installOrder(packages: readonly Package[]): InstallOrder {
  const index = new ProviderIndex(packages);
  const n = packages.length;
  // deps[i]: j -> true when i pre-depends on j.
  const deps: Map<number, boolean>[] = packages.map((p, i) => {
    const out = new Map<number, boolean>();
    for (const group of p.preDepends) {
      const j = index.resolve(group, i);
      if (j !== undefined) out.set(j, true);
    }
    for (const group of p.depends) {
      const j = index.resolve(group, i);
      if (j !== undefined && !out.has(j)) out.set(j, false);
    }
    return out;
  });

  const placed = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  const broken: BrokenDependency[] = [];
  const unplacedDeps = (i: number): number[] => [...deps[i]!.keys()].filter((j) => !placed[j]);
  const byName = (a: number, b: number): number => compareByName(packages, a, b);

  while (order.length < n) {
    const free = range(n).filter((i) => !placed[i] && unplacedDeps(i).length === 0);
    let next: number;
    if (free.length > 0) {
      next = free.sort(byName)[0]!;
    } else {
      const candidates = closedComponents(n, placed, unplacedDeps).flat();
      const strong = (i: number): number => unplacedDeps(i).filter((j) => deps[i]!.get(j)).length;
      next = candidates.sort((a, b) => strong(a) - strong(b) || unplacedDeps(a).length - unplacedDeps(b).length || byName(a, b))[0]!;
      for (const j of unplacedDeps(next).sort(byName)) {
        broken.push({ package: packages[next]!.name, on: packages[j]!.name, pre: deps[next]!.get(j)! });
      }
    }
    placed[next] = true;
    order.push(next);
  }

  const dependencies = new Map<Package, PackageDependencies>();
  packages.forEach((p, i) => {
    const entries = [...deps[i]!.entries()].sort(([a], [b]) => byName(a, b));
    dependencies.set(p, {
      pre: entries.filter(([, pre]) => pre).map(([j]) => packages[j]!),
      plain: entries.filter(([, pre]) => !pre).map(([j]) => packages[j]!),
    });
  });
  return { packages: order.map((i) => packages[i]!), dependencies, broken };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Strongly connected components (Tarjan, iterative) of the unplaced packages that have no
 * dependency outside themselves: the cycles that block progress.
 */
function closedComponents(n: number, placed: readonly boolean[], edges: (i: number) => number[]): number[][] {
  const idx = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (placed[root] || idx[root] !== -1) continue;
    const work: { v: number; next: number; out: number[] }[] = [];
    const open = (v: number): void => {
      idx[v] = low[v] = counter++;
      stack.push(v);
      onStack[v] = true;
      work.push({ v, next: 0, out: edges(v) });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.out.length) {
        const w = frame.out[frame.next++]!;
        if (idx[w] === -1) open(w);
        else if (onStack[w]) low[frame.v] = Math.min(low[frame.v]!, idx[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent.v] = Math.min(low[parent.v]!, low[frame.v]!);
      if (low[frame.v] === idx[frame.v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== frame.v);
        components.push(component);
      }
    }
  }
  return components.filter((c) => {
    const members = new Set(c);
    return c.length > 1 && c.every((v) => edges(v).every((w) => members.has(w)));
  });
}
