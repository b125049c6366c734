import t from 'tap';
import { AGENT_DONE_LINE, readAgentReport } from '../../src/appliance/agent-report.js';

t.test('console lines of a run, read back', async (t) => {
  const console = [
    '[    1.234] random: crng init done',
    'scriptlet-agent: start id=0001-a.postinst package=a phase=postinst attempt=1\r',
    'scriptlet-agent: end id=0001-a.postinst state=ok rc=0 seconds=2\r',
    'scriptlet-agent: start id=0002-b.postinst package=b phase=postinst attempt=2',
    'scriptlet-agent: end id=0002-b.postinst state=failed rc=3 seconds=0',
    'scriptlet-agent: start id=0003-c.postinst package=c phase=postinst attempt=1',
    'scriptlet-agent: end id=0003-c.postinst state=timeout rc=124 seconds=300',
    'scriptlet-agent: error cannot write the journal /var/lib/scriptlet/journal; stopping before step x',
    '[    9.1] ext4: scriptlet-agent: done result=failed ok=1 failed=2 skipped=0 total=3',
    '',
  ].join('\n');
  t.same(readAgentReport(console), {
    started: ['0001-a.postinst', '0002-b.postinst', '0003-c.postinst'],
    ended: [
      { id: '0001-a.postinst', state: 'ok', rc: 0, seconds: 2 },
      { id: '0002-b.postinst', state: 'failed', rc: 3, seconds: 0 },
      { id: '0003-c.postinst', state: 'timeout', rc: 124, seconds: 300 },
    ],
    errors: ['cannot write the journal /var/lib/scriptlet/journal; stopping before step x'],
    done: { result: 'failed', ok: 1, failed: 2, skipped: 0, total: 3 },
  });
});

t.test('the last done line wins; malformed lines are ignored', async (t) => {
  const report = readAgentReport(
    [
      'scriptlet-agent: done result=failed ok=0 failed=1 skipped=0 total=1',
      'scriptlet-agent: done result=maybe ok=1 failed=0 skipped=0 total=1',
      'scriptlet-agent: done result=ok ok=1 failed=0 skipped=0 total=1',
      'scriptlet-agent: end id=x state=weird rc=0 seconds=1',
    ].join('\n'),
  );
  t.same(report.done, { result: 'ok', ok: 1, failed: 0, skipped: 0, total: 1 });
  t.same(report.ended, []);
  t.same(readAgentReport('no agent here\n'), { started: [], ended: [], errors: [] });
});

t.test('the done marker needs the whole line', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['scriptlet-agent: done result=ok ok=3 failed=0 skipped=0 total=3\n', true],
    ['scriptlet-agent: done result=ok ok=3 failed=0 skipped=0 total=3\r\n', true],
    ['scriptlet-agent: done result=ok ok=3 failed=0 skipped=0 total=', false],
    ['scriptlet-agent: done result=ok ok=3 failed=0 skipped=0 total=3', false],
    ['scriptlet-agent: start id=a package=a phase=postinst attempt=1\n', false],
  ];
  for (const [text, matches] of cases) t.equal(AGENT_DONE_LINE.test(text), matches, JSON.stringify(text));
});
