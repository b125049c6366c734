import type { TimeMeasurement } from './time-output.js';

/** One timed repetition of one tool over the corpus. */
export interface BenchRun {
  tool: string;
  run: number;
  measurement: TimeMeasurement;
  /** 1-minute load average just before the run started: the machine may be shared. */
  loadBefore: number;
}

export interface BenchSummary {
  tool: string;
  runs: number;
  wallMin: number;
  wallMedian: number;
  rssMaxMb: number;
  cpuMedian: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const mb = (kb: number): number => kb / 1024;

/** Per tool, in first-seen order: min and median wall time, the worst peak RSS, median CPU (user+sys). */
export function summariseRuns(runs: readonly BenchRun[]): BenchSummary[] {
  const tools = [...new Set(runs.map((r) => r.tool))];
  return tools.map((tool) => {
    const mine = runs.filter((r) => r.tool === tool).map((r) => r.measurement);
    return {
      tool,
      runs: mine.length,
      wallMin: Math.min(...mine.map((m) => m.wallSeconds)),
      wallMedian: median(mine.map((m) => m.wallSeconds)),
      rssMaxMb: mb(Math.max(...mine.map((m) => m.maxRssKb))),
      cpuMedian: median(mine.map((m) => m.userSeconds + m.systemSeconds)),
    };
  });
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Markdown tables: every run, then the summary. Numbers are fixed-precision so diffs stay readable. */
export function renderBenchTables(runs: readonly BenchRun[]): string {
  const perRun = table(
    ['tool', 'run', 'wall s', 'max RSS MB', 'user s', 'sys s', 'load before'],
    runs.map((r) => [
      r.tool,
      String(r.run),
      r.measurement.wallSeconds.toFixed(2),
      mb(r.measurement.maxRssKb).toFixed(0),
      r.measurement.userSeconds.toFixed(2),
      r.measurement.systemSeconds.toFixed(2),
      r.loadBefore.toFixed(2),
    ]),
  );
  const summary = table(
    ['tool', 'runs', 'wall min s', 'wall median s', 'max RSS MB (worst)', 'CPU median s'],
    summariseRuns(runs).map((s) => [
      s.tool,
      String(s.runs),
      s.wallMin.toFixed(2),
      s.wallMedian.toFixed(2),
      s.rssMaxMb.toFixed(0),
      s.cpuMedian.toFixed(2),
    ]),
  );
  return `${perRun}\n\n${summary}\n`;
}
