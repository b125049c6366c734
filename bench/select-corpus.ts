/**
 * Chooses a reproducible corpus of real Debian packages for benchmarks and corpus tests: every
 * package of priority required/important/standard, then a seeded sample of the rest, so the set
 * is not hand-picked to suit scriptlet yet stays the same from run to run.
 */
import { createHash } from 'node:crypto';

export interface CorpusEntry {
  name: string;
  version: string;
  size: number;
  priority: string;
}

export interface CorpusOptions {
  count: number;
  /** Skip packages larger than this (bytes): the audit reads control archives only, so big data packages add download time, not signal. */
  maxSize: number;
  seed: string;
  arch: string;
}

/** Parses `apt-cache dumpavail` output into one entry per package name (the highest Size seen is kept only once). */
export function parseDumpavail(text: string, arch: string): CorpusEntry[] {
  const byName = new Map<string, CorpusEntry>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (key: string): string | undefined => {
      const m = new RegExp(`^${key}: (.*)$`, 'm').exec(stanza);
      return m?.[1]?.trim();
    };
    const name = field('Package');
    const a = field('Architecture');
    if (!name || (a !== arch && a !== 'all')) continue;
    if (byName.has(name)) continue;
    byName.set(name, {
      name,
      version: field('Version') ?? '',
      size: Number(field('Size') ?? '0'),
      priority: field('Priority') ?? 'optional',
    });
  }
  return [...byName.values()];
}

export function selectCorpus(entries: CorpusEntry[], opts: CorpusOptions): string[] {
  const eligible = entries.filter((e) => e.size > 0 && e.size <= opts.maxSize);
  const core = eligible.filter((e) => ['required', 'important', 'standard'].includes(e.priority));
  const rank = (name: string): string => createHash('sha256').update(`${opts.seed}\0${name}`).digest('hex');
  const rest = eligible
    .filter((e) => !core.includes(e))
    .map((e) => ({ e, r: rank(e.name) }))
    .sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0))
    .map((x) => x.e);
  const chosen = [...core, ...rest].slice(0, opts.count).map((e) => e.name);
  return chosen.sort();
}
