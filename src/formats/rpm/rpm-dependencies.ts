import { FormatError } from '../../errors.js';
import type { Dependency } from '../types.js';
import type { RpmHeader } from './rpm-header.js';
import { rpmTagLabel, RpmSense } from './rpm-tags.js';

/** One dependency as stored: name, raw sense flags, version ('' when unversioned). */
export interface RpmDependencyEntry {
  name: string;
  flags: number;
  version: string;
}

/**
 * Parallel NAME/FLAGS/VERSION arrays zipped into entries. Arrays of different lengths mean the header
 * is corrupt: rpm itself would misread them.
 */
export function dependencyEntries(
  header: RpmHeader,
  nameTag: number,
  flagsTag: number,
  versionTag: number,
): RpmDependencyEntry[] {
  const names = header.strings(nameTag) ?? [];
  const flags = header.numbers(flagsTag) ?? [];
  const versions = header.strings(versionTag) ?? [];
  if (names.length === 0) return [];
  for (const [tag, length] of [
    [flagsTag, flags.length],
    [versionTag, versions.length],
  ] as const) {
    if (length !== 0 && length !== names.length) {
      throw new FormatError(
        'E_FORMAT_CORRUPT',
        `${rpmTagLabel(tag)} has ${length} entries but ${rpmTagLabel(nameTag)} has ${names.length}`,
        { file: header.file, offset: header.entry(tag)?.offset ?? header.start },
      );
    }
  }
  return names.map((name, i) => ({ name, flags: flags[i] ?? 0, version: versions[i] ?? '' }));
}

/** The comparison an RPM sense mask encodes, if any. */
export function senseOperator(flags: number): Dependency['op'] | undefined {
  const less = (flags & RpmSense.LESS) !== 0;
  const greater = (flags & RpmSense.GREATER) !== 0;
  const equal = (flags & RpmSense.EQUAL) !== 0;
  if (less && equal) return '<=';
  if (greater && equal) return '>=';
  if (equal) return '=';
  if (less) return '<';
  if (greater) return '>';
  return undefined;
}

export function toDependency(entry: RpmDependencyEntry): Dependency {
  const op = senseOperator(entry.flags);
  return op && entry.version !== '' ? { name: entry.name, op, version: entry.version } : { name: entry.name };
}
