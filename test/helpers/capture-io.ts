import type { CliIo } from '../../src/cli/io.js';

export type CapturedIo = CliIo & { out: string; err: string };

/** A CliIo that records what a command prints, for tests that run main() in-process. */
export function captureIo(cwd: string = process.cwd()): CapturedIo {
  const io: CapturedIo = {
    out: '',
    err: '',
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
    isTty: false,
    color: false,
    env: {},
    cwd,
  };
  return io;
}
