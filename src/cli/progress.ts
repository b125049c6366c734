import type { CliIo } from './io.js';

export interface Progress {
  (stage: string, done: number, total: number): void;
  /** Clears the progress line; safe to call more than once. */
  done(): void;
}

/**
 * Progress by stage with counts, on stderr, only on a terminal: pipes and CI logs stay clean.
 * Redraws at most ten times a second so large package sets do not flood the terminal.
 */
export function progressReporter(io: CliIo, enabled: boolean): Progress {
  const active = enabled && io.isTty && io.env.CI === undefined;
  let shown = false;
  let last = 0;
  const report = ((stage: string, done: number, total: number) => {
    if (!active) return;
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    io.stderr(`\r\x1b[K${stage}: ${done}/${total}`);
    shown = true;
  }) as Progress;
  report.done = () => {
    if (shown) io.stderr('\r\x1b[K');
    shown = false;
  };
  return report;
}
