import { FormatError, type ErrorContext } from '../../errors.js';
import type { Dependency, DependencyGroup } from '../types.js';

/** A Debian relation; `archs` is a `[amd64 !i386]` restriction list (source packages only). */
export interface DebDependency extends Dependency {
  archs?: string[];
}

const relation =
  /^([A-Za-z0-9][A-Za-z0-9+._-]*)(?::([A-Za-z0-9-]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([A-Za-z0-9.+~:_-]+)\s*\))?\s*(?:\[([^\]]*)\])?\s*((?:<[^<>]*>\s*)*)$/;

function parseRelation(text: string, field: string, context: ErrorContext): DebDependency {
  const m = relation.exec(text);
  if (!m) {
    throw new FormatError('E_FORMAT_CORRUPT', `bad relation ${JSON.stringify(text)} in ${field}`, context);
  }
  const [, name, archQualifier, op, version, archList] = m;
  const dep: DebDependency = { name: name ?? '' };
  if (op !== undefined && version !== undefined) {
    dep.op = op as NonNullable<Dependency['op']>;
    dep.version = version;
  }
  if (archQualifier !== undefined) dep.arch = archQualifier;
  if (archList !== undefined) {
    const archs = archList.trim().split(/\s+/).filter((a) => a !== '');
    if (archs.length === 0) throw new FormatError('E_FORMAT_CORRUPT', `empty architecture list in ${field}: ${JSON.stringify(text)}`, context);
    dep.archs = archs;
  }
  return dep;
}

/**
 * Parses a relation field (`Depends`, `Pre-Depends`, `Recommends`…): groups separated by `,`,
 * alternatives by `|`, each `name[:arch] [(op version)] [[archs]] [<profiles>]`. The legacy `<`
 * and `>` operators are kept as written (dpkg reads them as `<=` and `>=`). Empty groups left by a
 * trailing comma are ignored, as dpkg does.
 */
export function parseDepends(value: string, field: string, context: ErrorContext): DependencyGroup[] {
  const groups: DependencyGroup[] = [];
  for (const rawGroup of value.split(',')) {
    const group = rawGroup.trim();
    if (group === '') continue;
    const alternatives = group.split('|').map((alt) => alt.replace(/\s+/g, ' ').trim());
    if (alternatives.some((alt) => alt === '')) {
      throw new FormatError('E_FORMAT_CORRUPT', `empty alternative in ${field}: ${JSON.stringify(group)}`, context);
    }
    groups.push(alternatives.map((alt) => parseRelation(alt, field, context)));
  }
  return groups;
}

/** `Provides`: like `Depends` but alternatives are not allowed, and only `=` versions. */
export function parseProvides(value: string, context: ErrorContext): Dependency[] {
  return parseDepends(value, 'Provides', context).map((group) => {
    const [only] = group;
    if (group.length !== 1 || !only) {
      throw new FormatError('E_FORMAT_CORRUPT', 'alternatives are not allowed in Provides', context);
    }
    if (only.op !== undefined && only.op !== '=') {
      throw new FormatError('E_FORMAT_CORRUPT', `Provides allows only "=" versions, found ${only.op}`, context);
    }
    return only;
  });
}
