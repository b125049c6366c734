import t from 'tap';
import { bootOutcome, type BootObservation } from '../../src/appliance/boot-outcome.js';

const start = (id: string): string => `scriptlet-agent: start id=${id} package=p phase=postinst attempt=1`;
const end = (id: string, state: string, rc: number): string => `scriptlet-agent: end id=${id} state=${state} rc=${rc} seconds=1`;
const done = (result: string, ok: number, failed: number, skipped = 0): string =>
  `scriptlet-agent: done result=${result} ok=${ok} failed=${failed} skipped=${skipped} total=${ok + failed}`;
const obs = (lines: string[], extra: Partial<BootObservation> = {}): BootObservation => ({
  console: `${lines.join('\n')}\n`,
  timedOut: false,
  doneBefore: false,
  ...extra,
});

const cases: Array<[string, BootObservation, unknown]> = [
  ['all ok', obs([start('1'), end('1', 'ok', 0), done('ok', 1, 0)]), { kind: 'ok', done: { result: 'ok', ok: 1, failed: 0, skipped: 0, total: 1 } }],
  [
    'a failure and a timeout; a retried step counts by its last result',
    obs([start('1'), end('1', 'failed', 1), start('1'), end('1', 'ok', 0), start('2'), end('2', 'failed', 7), start('3'), end('3', 'timeout', 124), done('failed', 1, 2)]),
    {
      kind: 'failed',
      done: { result: 'failed', ok: 1, failed: 2, skipped: 0, total: 3 },
      failedSteps: [
        { id: '2', state: 'failed', rc: 7, seconds: 1 },
        { id: '3', state: 'timeout', rc: 124, seconds: 1 },
      ],
    },
  ],
  [
    'incomplete, with the agent error',
    obs(['scriptlet-agent: error cannot write the journal j', 'scriptlet-agent: done result=incomplete ok=0 failed=0 skipped=0 total=2']),
    { kind: 'incomplete', done: { result: 'incomplete', ok: 0, failed: 0, skipped: 0, total: 2 }, errors: ['cannot write the journal j'] },
  ],
  ['timed out mid-step', obs([start('1'), end('1', 'ok', 0), start('2')], { timedOut: true }), { kind: 'timeout', started: ['1', '2'], lastStarted: '2' }],
  ['timed out before the agent', obs(['Linux version 6.1'], { timedOut: true }), { kind: 'timeout', started: [] }],
  ['a done line beats the timeout (seen just before the kill)', obs([done('ok', 2, 0)], { timedOut: true }), { kind: 'ok', done: { result: 'ok', ok: 2, failed: 0, skipped: 0, total: 2 } }],
  ['quiet because done before', obs(['supermin: ext2 mini initrd starting up'], { doneBefore: true }), { kind: 'already-done' }],
  ['done before, but something ran: not quiet', obs([start('1')], { doneBefore: true }), { kind: 'no-report', started: ['1'], errors: [], panic: false }],
  ['kernel panic', obs(['Kernel panic - not syncing: Attempted to kill init!']), { kind: 'no-report', started: [], errors: [], panic: true }],
  ['no agent at all', obs(['hello']), { kind: 'no-report', started: [], errors: [], panic: false }],
];

for (const [name, input, expected] of cases) {
  t.test(name, async (t) => {
    t.same(bootOutcome(input), expected);
  });
}
