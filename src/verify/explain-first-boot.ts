/**
 * `verify --first-boot` compares the image after the guest agent ran every deferred step with the
 * reference install. No deferred work is left to explain a difference any more; what remains is
 * accepted only when it is
 * - per-machine state (per-machine-state.ts): the same file with other content, because it is made
 *   from fresh randomness on every install;
 * - scriptlet's own files (the agent, its plan, its journal and logs, its start hooks), which the
 *   reference cannot have, or a directory made only to hold them;
 * - a dynamic id (100-999) that differs only because accounts made at first boot come after the
 *   ones the build made, so the ids are handed out in another order;
 * - a list file whose lines are the same in another order, for the files named in UNORDERED_FILES,
 *   each with why its order depends on how the tree was made rather than on the scripts.
 * Everything else is unexplained. Pure.
 */
import type { Difference } from './compare-states.js';
import { idShiftOnly } from './explain-difference.js';
import { perMachineFor } from './per-machine-state.js';

export type FirstBootRule = 'per-machine' | 'scriptlet' | 'id-order' | 'line-order';

/** Files read as sets of lines, whose order says how the tree was made, not what is in it. */
export const UNORDERED_FILES: ReadonlyMap<string, string> = new Map([
  [
    '/etc/shells',
    "update-shells and add-shell append: the reference is merged to /usr by usrmerge's postinst midway (the /bin names first, the /usr/bin names added by the conversion), an image is merged from the start, so each shell's two names come out side by side; getusershell(3) reads it as a set",
  ],
  [
    '/var/lib/ucf/registry',
    "ucf appends one line per registered file: the files of ucf calls translated at build time are registered before those of the scripts deferred to first boot, which dpkg may have configured earlier; ucf looks lines up by file name",
  ],
  [
    '/var/lib/ucf/hashfile',
    "ucf appends one line per registered file: the files of ucf calls translated at build time are registered before those of the scripts deferred to first boot, which dpkg may have configured earlier; ucf looks lines up by file name",
  ],
]);

export interface FirstBootExplanation {
  rule: FirstBootRule;
  why: string;
}

export interface FirstBootFacts {
  /** Absolute paths scriptlet itself puts into the image or its agent writes (directories cover what is below). */
  ownPaths: readonly string[];
  /** Users and groups that exist after first boot but not in the image the build made. */
  madeAtFirstBoot: { users: readonly string[]; groups: readonly string[] };
  /** A file's contents on either side (only asked for UNORDERED_FILES). */
  content: (side: 'reference' | 'scriptlet', path: string) => Buffer | undefined;
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function perMachine(d: Difference): FirstBootExplanation | undefined {
  if (d.subject.kind !== 'file') return undefined;
  const { reference: r, scriptlet: g } = d.subject;
  const entry = perMachineFor(d.subject.path);
  // Content only: everything but the digest must agree.
  if (!entry || !r || !g || r.type !== 'file' || g.type !== 'file') return undefined;
  if (r.mode !== g.mode || r.owner !== g.owner || r.group !== g.group) return undefined;
  return { rule: 'per-machine', why: entry.reason };
}

function own(d: Difference, facts: FirstBootFacts): FirstBootExplanation | undefined {
  if (d.subject.kind !== 'file' || d.subject.reference) return undefined;
  const path = d.subject.path;
  const mine = facts.ownPaths.find((p) => under(path, p));
  if (mine) return { rule: 'scriptlet', why: mine === path ? `scriptlet's own file ${mine}` : `under scriptlet's own ${mine}` };
  // A directory the overlay made as the parent of scriptlet's files: everything folded below it must be those files.
  if (d.subject.scriptlet?.type !== 'dir') return undefined;
  const held = facts.ownPaths.filter((p) => p.startsWith(`${path}/`));
  const heldBelow = new Set(held.flatMap((p) => p.slice(path.length + 1).split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  if (held.length > 0 && (d.below ?? 0) <= heldBelow.size) return { rule: 'scriptlet', why: `made to hold scriptlet's ${held.join(', ')}` };
  return undefined;
}

function idOrder(d: Difference, facts: FirstBootFacts): FirstBootExplanation | undefined {
  if (!idShiftOnly(d)) return undefined;
  const made = [...facts.madeAtFirstBoot.users.map((u) => `user ${u}`), ...facts.madeAtFirstBoot.groups.map((g) => `group ${g}`)];
  if (made.length === 0) return undefined;
  return {
    rule: 'id-order',
    why: `only the dynamic id differs: the build made this account before first boot made ${made.join(', ')}, so the ids were handed out in another order`,
  };
}

function lineOrder(d: Difference, facts: FirstBootFacts): FirstBootExplanation | undefined {
  if (d.subject.kind !== 'file') return undefined;
  const { path, reference: r, scriptlet: g } = d.subject;
  const why = UNORDERED_FILES.get(path);
  if (!why || !r || !g || r.type !== 'file' || g.type !== 'file' || r.mode !== g.mode || r.owner !== g.owner || r.group !== g.group) return undefined;
  const lines = (side: 'reference' | 'scriptlet'): string | undefined => facts.content(side, path)?.toString('latin1').split('\n').sort().join('\n');
  const a = lines('reference');
  return a !== undefined && a === lines('scriptlet') ? { rule: 'line-order', why } : undefined;
}

/** The rule accepting each difference, or undefined when none does. */
export function explainFirstBoot(differences: readonly Difference[], facts: FirstBootFacts): (FirstBootExplanation | undefined)[] {
  return differences.map((d) => perMachine(d) ?? own(d, facts) ?? idOrder(d, facts) ?? lineOrder(d, facts));
}
