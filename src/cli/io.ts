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
  /** Set when standard output could not be written for a reason other than its reader leaving. */
  outputFailed?: () => boolean;
}

export function processIo(): CliIo {
  const isTty = Boolean(process.stdout.isTTY);
  // `scriptlet audit | head` closes the pipe early: that is the reader's choice, so the rest of
  // the output is dropped quietly and the command finishes as it would have (a build half done
  // is worse than output nobody reads). Any other write error (a full disk) is said once.
  let closed = false;
  let failed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (e.code === 'EPIPE') return;
    failed = true;
    process.stderr.write(`scriptlet: cannot write standard output: ${e.message}\n`);
    // The write fails after the command may have returned; its exit status must still say so.
    if (!process.exitCode) process.exitCode = 2;
  });
  return {
    stdout: (t) => {
      if (!closed) process.stdout.write(t);
    },
    outputFailed: () => failed,
    stderr: (t) => void process.stderr.write(t),
    isTty,
    color: isTty && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
    env: process.env,
    cwd: process.cwd(),
  };
}
