/**
 * Three-way comparison of an image's semantic state: the unpacked packages before any script
 * (pristine), the package manager's install (reference) and scriptlet's image (scriptlet). A path
 * the scripts changed and scriptlet reproduced is a match; anything where reference and
 * scriptlet disagree is a difference, to be explained by a deferred step or not at all. Pure.
 */
import type { AccountState, GroupState, UserState } from './account-state.js';
import { exclusionFor, type Exclusion } from './exclusions.js';
import { describeChange, type FileState, sameFile, type TreeState } from './tree-state.js';

/** Which part of the state a path or account belongs to, for reading the report. */
export type StateCategory = 'accounts' | 'units' | 'rc-links' | 'alternatives' | 'statoverride' | 'diversions' | 'etc' | 'var' | 'other';

export type StateSubject =
  | { kind: 'file'; path: string; reference?: FileState; scriptlet?: FileState; pristine?: FileState }
  | { kind: 'user'; name: string; reference?: UserState; scriptlet?: UserState }
  | { kind: 'group'; name: string; reference?: GroupState; scriptlet?: GroupState };

export interface Difference {
  subject: StateSubject;
  category: StateCategory;
  /** What differs, in words, reference first. */
  change: string;
  /** Entries below a directory that is missing or extra, folded into this difference. */
  below?: number;
}

export interface Match {
  kind: 'file' | 'user' | 'group';
  /** Path or account name. */
  subject: string;
  category: StateCategory;
}

export interface ExcludedCount {
  exclusion: Exclusion;
  paths: number;
  /** Of those, paths where reference and scriptlet differ. */
  differing: number;
}

export interface Comparison {
  matches: Match[];
  differences: Difference[];
  excluded: ExcludedCount[];
  /** Paths identical in all three trees: packaged files no script touched. */
  untouched: number;
}

export interface CompareInput {
  pristine: TreeState;
  reference: TreeState;
  scriptlet: TreeState;
  referenceAccounts: AccountState;
  scriptletAccounts: AccountState;
}

export function categoryOf(path: string): StateCategory {
  if (/^\/etc\/systemd\//.test(path) || /^\/var\/lib\/systemd\/deb-systemd-(helper-enabled|helper-masked|user-helper-enabled)(\/|$)/.test(path)) return 'units';
  if (/^\/etc\/rc[0-6S]\.d(\/|$)/.test(path)) return 'rc-links';
  if (/^\/etc\/alternatives(\/|$)/.test(path) || /^\/var\/lib\/dpkg\/alternatives(\/|$)/.test(path)) return 'alternatives';
  if (path === '/var/lib/dpkg/statoverride') return 'statoverride';
  if (path === '/var/lib/dpkg/diversions') return 'diversions';
  if (path === '/etc' || path.startsWith('/etc/')) return 'etc';
  return path === '/var' || path.startsWith('/var/') ? 'var' : 'other';
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function same<T>(a: T | undefined, b: T | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeRecord(ref: object | undefined, got: object | undefined): string {
  if (!got) return 'missing';
  if (!ref) return 'extra (not in the reference)';
  const r = ref as Record<string, unknown>;
  const g = got as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(r), ...Object.keys(g)])].sort();
  return keys
    .filter((k) => !same(r[k], g[k]))
    .map((k) => `${k} ${JSON.stringify(r[k] ?? null)} -> ${JSON.stringify(g[k] ?? null)}`)
    .join(', ');
}

function compareAccounts(
  kind: 'user' | 'group',
  ref: Map<string, UserState> | Map<string, GroupState>,
  got: Map<string, UserState> | Map<string, GroupState>,
  matches: Match[],
  differences: Difference[],
): void {
  for (const name of [...new Set([...ref.keys(), ...got.keys()])].sort(compareBytes)) {
    const r = ref.get(name);
    const g = got.get(name);
    if (same(r, g)) {
      matches.push({ kind, subject: name, category: 'accounts' });
      continue;
    }
    const subject = { kind, name, ...(r ? { reference: r } : {}), ...(g ? { scriptlet: g } : {}) } as StateSubject;
    differences.push({ subject, category: 'accounts', change: describeRecord(r, g) });
  }
}

export function compareStates(input: CompareInput): Comparison {
  const matches: Match[] = [];
  const differences: Difference[] = [];
  const excluded = new Map<Exclusion, ExcludedCount>();
  let untouched = 0;
  compareAccounts('user', input.referenceAccounts.users, input.scriptletAccounts.users, matches, differences);
  compareAccounts('group', input.referenceAccounts.groups, input.scriptletAccounts.groups, matches, differences);

  const paths = [...new Set([...input.reference.keys(), ...input.scriptlet.keys()])].sort(compareBytes);
  /** A directory missing on one side: its entries fold into its difference. */
  let folded: Difference | undefined;
  let foldedPrefix = '';
  for (const path of paths) {
    const ref = input.reference.get(path);
    const got = input.scriptlet.get(path);
    const ex = exclusionFor(path);
    if (ex) {
      const c = excluded.get(ex) ?? { exclusion: ex, paths: 0, differing: 0 };
      c.paths += 1;
      if (!sameFile(ref, got)) c.differing += 1;
      excluded.set(ex, c);
      continue;
    }
    if (sameFile(ref, got)) {
      if (sameFile(ref, input.pristine.get(path))) untouched += 1;
      else matches.push({ kind: 'file', subject: path, category: categoryOf(path) });
      continue;
    }
    if (folded && path.startsWith(foldedPrefix) && (!ref || !got)) {
      folded.below = (folded.below ?? 0) + 1;
      continue;
    }
    const pristine = input.pristine.get(path);
    const d: Difference = {
      subject: { kind: 'file', path, ...(ref ? { reference: ref } : {}), ...(got ? { scriptlet: got } : {}), ...(pristine ? { pristine } : {}) },
      category: categoryOf(path),
      change: describeChange(ref, got),
    };
    differences.push(d);
    const oneSidedDir = (ref?.type === 'dir' && !got) || (got?.type === 'dir' && !ref);
    if (oneSidedDir) {
      folded = d;
      foldedPrefix = `${path}/`;
    } else if (!path.startsWith(foldedPrefix)) {
      folded = undefined;
      foldedPrefix = '';
    }
  }
  return {
    matches,
    differences,
    excluded: [...excluded.values()],
    untouched,
  };
}
