import { Command, CommanderError } from 'commander';
import { isScriptletError } from '../errors.js';
import { ExitCode } from './exit-code.js';
import { processIo, type CliIo } from './io.js';
import { loadCommands, type RegisterCommand } from './commands.js';
import { fallbackHint } from './fallback-hint.js';

/** Builds the commander program from the given subcommands (see loadCommands in commands.ts). */
export function buildProgram(io: CliIo, setExit: (code: number) => void, registered: readonly RegisterCommand[]): Command {
  const program = new Command('scriptlet')
    .description('Make package install scripts safe to handle when building appliances without root.')
    .version('0.1.0')
    .exitOverride()
    // Usage errors read like every other error: `scriptlet: what is wrong`, then a hint line.
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(text.replace(/^error: /, 'scriptlet: ')) })
    .showHelpAfterError('hint: add --help to the command for its usage');
  for (const register of registered) register(program, io, setExit);
  return program;
}

/** Runs the CLI; returns the exit code. The one place ScriptletErrors are caught and printed. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exit: number = ExitCode.ok;
  const program = buildProgram(
    io,
    (code) => {
      exit = code;
    },
    await loadCommands(argv),
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.outputFailed?.() && exit === ExitCode.ok ? ExitCode.error : exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exitCode 0.
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    }
    if (isScriptletError(e)) {
      io.stderr(`scriptlet: ${e.toOneLine()}\n`);
      const hint = e.context.hint ?? fallbackHint(e);
      if (hint) io.stderr(`hint: ${hint}\n`);
      return ExitCode.error;
    }
    io.stderr(`scriptlet: internal error (a bug; please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.internal;
  }
}
