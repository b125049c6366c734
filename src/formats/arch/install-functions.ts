import type { ArchPhase } from '../types.js';

/** The functions pacman calls from `.INSTALL`, in lifecycle order. */
export const ARCH_PHASES: readonly ArchPhase[] = [
  'pre_install',
  'post_install',
  'pre_upgrade',
  'post_upgrade',
  'pre_remove',
  'post_remove',
];

const definition = new RegExp(
  `^[ \\t]*(?:function[ \\t]+(${ARCH_PHASES.join('|')})[ \\t]*(?:\\([ \\t]*\\))?|(${ARCH_PHASES.join('|')})[ \\t]*\\([ \\t]*\\))[ \\t]*(?:\\{|$)`,
  'gm',
);

/**
 * The install functions `.INSTALL` defines, as `name() {`, `name ()` with the brace on the next
 * line, or `function name {`. This is a line-level scan, so a definition hidden inside a heredoc
 * would also count; the shell analysis of the body sees the real structure.
 */
export function definedInstallFunctions(text: string): ArchPhase[] {
  const found = new Set<string>();
  for (const m of text.matchAll(definition)) found.add(m[1] ?? m[2] ?? '');
  return ARCH_PHASES.filter((phase) => found.has(phase));
}
