/**
 * The CLI's only handle on the outside world's streams, so commands stay testable: tests pass a
 * CliIo that captures output instead of writing to the process.
 */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal (tables, colour, progress). */
  isTty: boolean;
  /** Colour allowed: a terminal and NO_COLOR unset. */
  color: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  const isTty = Boolean(process.stdout.isTTY);
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTty,
    color: isTty && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
    env: process.env,
    cwd: process.cwd(),
  };
}
