import t from 'tap';
import { renderBenchTables, summariseRuns, type BenchRun } from '../../bench/bench-table.js';
import { parseTimeOutput, TIME_FORMAT } from '../../bench/time-output.js';

t.test('GNU time output is read from its marker line', async (t) => {
  t.equal(TIME_FORMAT.split(' ')[0], 'scriptlet-bench');
  t.same(parseTimeOutput('scriptlet-bench 12.34 204800 10.50 0.75 0\n'), {
    wallSeconds: 12.34,
    maxRssKb: 204800,
    userSeconds: 10.5,
    systemSeconds: 0.75,
    exitStatus: 0,
  });
  // GNU time announces a failed child on a line of its own before the format line.
  t.equal(parseTimeOutput('Command exited with non-zero status 2\nscriptlet-bench 0.10 5000 0.05 0.01 2\n').exitStatus, 2);
  for (const bad of ['', 'Command terminated by signal 9\n', 'scriptlet-bench 1 2 3\n', 'scriptlet-bench 1 x 3 4 0\n']) {
    t.throws(() => parseTimeOutput(bad), /GNU time/, JSON.stringify(bad));
  }
});

const run = (tool: string, n: number, wall: number, rssKb: number, user: number): BenchRun => ({
  tool,
  run: n,
  measurement: { wallSeconds: wall, maxRssKb: rssKb, userSeconds: user, systemSeconds: 1, exitStatus: 0 },
  loadBefore: 1.5,
});

t.test('summary: min and median wall time, worst RSS, median CPU, per tool in order', async (t) => {
  const runs = [run('a', 1, 10, 1024 * 100, 5), run('b', 1, 3, 2048, 1), run('a', 2, 8, 1024 * 300, 7), run('a', 3, 30, 1024 * 200, 6), run('b', 2, 5, 1024, 3)];
  t.same(summariseRuns(runs), [
    { tool: 'a', runs: 3, wallMin: 8, wallMedian: 10, rssMaxMb: 300, cpuMedian: 7 },
    { tool: 'b', runs: 2, wallMin: 3, wallMedian: 4, rssMaxMb: 2, cpuMedian: 3 },
  ]);
});

t.test('tables list every run, then the summary', async (t) => {
  const text = renderBenchTables([run('scriptlet', 1, 10.123, 1024 * 250, 9), run('dpkg', 1, 20, 6 * 1024, 4)]);
  const lines = text.trim().split('\n');
  t.equal(lines[0], '| tool | run | wall s | max RSS MB | user s | sys s | load before |');
  t.equal(lines[2], '| scriptlet | 1 | 10.12 | 250 | 9.00 | 1.00 | 1.50 |');
  t.equal(lines[3], '| dpkg | 1 | 20.00 | 6 | 4.00 | 1.00 | 1.50 |');
  t.equal(lines[5], '| tool | runs | wall min s | wall median s | max RSS MB (worst) | CPU median s |');
  t.equal(lines[7], '| scriptlet | 1 | 10.12 | 10.12 | 250 | 10.00 |');
});
