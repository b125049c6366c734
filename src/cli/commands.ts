import type { Command } from 'commander';
import type { CliIo } from './io.js';

/** A subcommand adds itself to the program; `setExit` records a non-error exit code (e.g. a gate). */
export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** A subcommand by name, with its module imported only when it is used. */
export interface CommandEntry {
  name: string;
  load: () => Promise<RegisterCommand>;
}

/**
 * Explicit registration: every subcommand is listed here, nothing is discovered at run time. Each
 * command module pulls in its whole implementation (policy engine, shell parser, schemas), so a
 * run loads only the one it names: a build starts supermin sooner, and `audit` does not load boot.
 */
export const commands: readonly CommandEntry[] = [
  { name: 'audit', load: async () => (await import('./audit-command.js')).registerAudit },
  { name: 'policy', load: async () => (await import('./policy-command.js')).registerPolicy },
  { name: 'plan', load: async () => (await import('./plan-command.js')).registerPlan },
  { name: 'prepare', load: async () => (await import('./prepare-command.js')).registerPrepare },
  { name: 'build', load: async () => (await import('./build-command.js')).registerBuild },
  { name: 'boot', load: async () => (await import('./boot-command.js')).registerBoot },
  { name: 'trace', load: async () => (await import('./trace-command.js')).registerTrace },
  { name: 'verify', load: async () => (await import('./verify-command.js')).registerVerify },
];

/**
 * The commands a run needs: the one named by the first argument, or all of them (in list order)
 * when it names none (`--version` needs none; `--help`, `help build`, a misspelt name that commander suggests a fix for).
 */
export async function loadCommands(argv: readonly string[] = []): Promise<RegisterCommand[]> {
  if (argv[0] === '--version' || argv[0] === '-V') return [];
  const named = commands.find((c) => c.name === argv[0]);
  return Promise.all((named ? [named] : commands).map((c) => c.load()));
}
