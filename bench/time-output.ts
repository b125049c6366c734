/**
 * GNU time's measurements of one child process. The benchmark runs `/usr/bin/time -f TIME_FORMAT
 * -o FILE cmd…` so the numbers never mix with the child's own standard error.
 */
export interface TimeMeasurement {
  wallSeconds: number;
  /** Peak resident set of the child (for a tree, of its largest process), in KiB. */
  maxRssKb: number;
  userSeconds: number;
  systemSeconds: number;
  exitStatus: number;
}

/** `%e` wall seconds, `%M` max RSS KiB, `%U`/`%S` CPU seconds, `%x` exit status. */
export const TIME_FORMAT = 'scriptlet-bench %e %M %U %S %x';

/**
 * Reads the line TIME_FORMAT produced. GNU time writes "Command exited with non-zero status N"
 * (or "Command terminated by signal N") before it, so the marker line is searched, not assumed first.
 */
export function parseTimeOutput(text: string): TimeMeasurement {
  const line = text.split('\n').find((l) => l.startsWith('scriptlet-bench '));
  if (line === undefined) throw new Error(`no GNU time measurement in ${JSON.stringify(text.slice(0, 200))}`);
  const fields = line.trim().split(/\s+/).slice(1);
  if (fields.length !== 5) throw new Error(`expected 5 fields in GNU time output, got ${JSON.stringify(line)}`);
  const [wall, rss, user, sys, status] = fields.map(Number) as [number, number, number, number, number];
  if (![wall, rss, user, sys, status].every(Number.isFinite)) throw new Error(`non-numeric GNU time output ${JSON.stringify(line)}`);
  return { wallSeconds: wall, maxRssKb: rss, userSeconds: user, systemSeconds: sys, exitStatus: status };
}
