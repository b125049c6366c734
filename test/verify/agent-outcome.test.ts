import t from 'tap';
import { agentOutcome, LOG_TAIL_LINES } from '../../src/verify/agent-outcome.js';

const step = (id: string, state: string, exitCode: number | null, note: string | null = null) => ({
  id,
  package: id.replace(/^\d+-/, '').replace(/\.[a-z]+$/, ''),
  phase: id.replace(/^.*\./, ''),
  state,
  exitCode,
  attempts: 1,
  note,
  timeoutSeconds: 900,
  log: `logs/${id}.log`,
});
const status = (result: string, steps: object[]): string => JSON.stringify({ version: 1, result, running: false, total: steps.length, steps });
const longLog = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n');

t.test('every step ok', async (t) => {
  const o = agentOutcome(status('ok', [step('001-a.postinst', 'ok', 0), step('002-b.postinst', 'ok', 0)]), () => undefined, 2);
  t.same(o, { result: 'ok', total: 2, ok: 2, failed: [] });
});

t.test('a failed step is reported with its id, exit code and the tail of its log', async (t) => {
  const logs: Record<string, string> = { 'logs/002-b.postinst.log': `${longLog}\n` };
  const o = agentOutcome(status('failed', [step('001-a.postinst', 'ok', 0), step('002-b.postinst', 'failed', 3, 'exit')]), (rel) => logs[rel], 2);
  t.equal(o.result, 'failed');
  t.equal(o.ok, 1);
  t.same(
    o.failed.map((f) => [f.id, f.package, f.phase, f.state, f.exitCode, f.note]),
    [['002-b.postinst', 'b', 'postinst', 'failed', 3, 'exit']],
  );
  t.equal(o.failed[0]!.logTail.length, LOG_TAIL_LINES);
  t.equal(o.failed[0]!.logTail.at(-1), 'line 40', 'the last line of the log, without the trailing empty one');
});

t.test('a timed-out step and a step never started both fail the run', async (t) => {
  const o = agentOutcome(status('incomplete', [step('001-a.postinst', 'timeout', 124), step('002-b.postinst', 'pending', null)]), () => undefined, 2);
  t.equal(o.result, 'incomplete');
  t.same(
    o.failed.map((f) => [f.id, f.state, f.logTail]),
    [
      ['001-a.postinst', 'timeout', []],
      ['002-b.postinst', 'pending', []],
    ],
  );
});

t.test('status.json says ok but lists fewer steps than the plan', async (t) => {
  const o = agentOutcome(status('ok', [step('001-a.postinst', 'ok', 0)]), () => undefined, 2);
  t.equal(o.result, 'failed');
  t.match(o.problem, /lists 1 steps, the plan 2/);
});

t.test('no status.json: the agent did not run; summary.log is quoted', async (t) => {
  const o = agentOutcome(undefined, (rel) => (rel === 'summary.log' ? '2026-11-26T00:00:00Z scriptlet-agent: error bad plan\n' : undefined), 3);
  t.equal(o.result, 'not-run');
  t.match(o.problem, /no status\.json.*\n.*error bad plan/);
  t.same(agentOutcome('{not json', () => undefined, 1).result, 'not-run', 'a status.json that does not parse');
});

t.test('no steps planned: nothing to run is a success', async (t) => {
  t.same(agentOutcome(undefined, () => undefined, 0), { result: 'ok', total: 0, ok: 0, failed: [] });
});

t.test('the real agent: a failing step is read back from its status.json and log', async (t) => {
  const { findShells, makeRoot, runAgent, step } = await import('../helpers/agent-harness.js');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = t.testdir();
  const shell = findShells(dir).shells[0];
  if (!shell) {
    t.plan(0, 'neither dash nor busybox is available');
    return;
  }
  const r = makeRoot(dir, [step(shell, '001-good.postinst', 'echo fine\n'), step(shell, '002-bad.postinst', 'echo "cannot make the key" >&2\nexit 7\n')]);
  const run = await runAgent(r, shell, ['run'], { limitMs: 60_000 });
  t.equal(run.code, 1, 'the agent reports a failed step');
  const read = (rel: string): string | undefined => {
    try {
      return readFileSync(join(r.state, rel), 'utf8');
    } catch {
      return undefined;
    }
  };
  const o = agentOutcome(read('status.json'), read, 2);
  t.equal(o.result, 'failed');
  t.equal(o.ok, 1);
  t.same(
    o.failed.map((f) => [f.id, f.package, f.phase, f.state, f.exitCode]),
    [['002-bad.postinst', 'bad', 'postinst', 'failed', 7]],
  );
  t.ok(o.failed[0]!.logTail.includes('cannot make the key'), 'the step’s own output is in the tail');
});
