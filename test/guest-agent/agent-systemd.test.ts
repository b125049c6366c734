import t from 'tap';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findShells, makeRoot, readText, runAgent, step, type Shell } from '../helpers/agent-harness.js';

/*
 * Started by scriptlet-agent.service (SCRIPTLET_AGENT_UNIT=1, SYSTEMD_OFFLINE=1 in the unit), the
 * agent has systemd reload its units and start the default target again once the steps are done,
 * whatever their result, so services the steps enabled start in this boot. A stand-in systemctl
 * records its calls.
 */

const { shells, missing } = findShells(t.testdir());
for (const m of missing) t.fail(`${m} is not installed (apt-get install busybox dash)`);

function fakeSystemctl(shell: Shell): void {
  const path = join(shell.path, 'systemctl');
  if (existsSync(path)) return;
  writeFileSync(path, `#!${shell.interpreter.join(' ')}\necho "SYSTEMD_OFFLINE=$SYSTEMD_OFFLINE $*" >>"$SCRIPTLET_ROOT/systemctl.log"\nexit "\${FAKE_SYSTEMCTL_RC:-0}"\n`);
  chmodSync(path, 0o755);
}

const offline = 'echo "$SYSTEMD_OFFLINE" >>"$SCRIPTLET_ROOT/offline"\n';
const unitEnv = { SCRIPTLET_AGENT_UNIT: '1', SYSTEMD_OFFLINE: '1' };

for (const shell of shells) {
  fakeSystemctl(shell);
  const calls = ['SYSTEMD_OFFLINE=0 daemon-reload', 'SYSTEMD_OFFLINE=0 --no-block start default.target'];

  t.test(`${shell.name}: under the unit, systemd catches up after the steps, which ran offline`, async (t) => {
    const cases: { name: string; failing: boolean; env: Record<string, string>; calls: string[]; code: number }[] = [
      { name: 'all steps ok', failing: false, env: unitEnv, calls, code: 0 },
      { name: 'a step failed', failing: true, env: unitEnv, calls, code: 1 },
      { name: 'not started by the unit', failing: false, env: {}, calls: [], code: 0 },
    ];
    for (const c of cases) {
      const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', `${offline}${c.failing ? 'exit 4\n' : ''}`)]);
      const result = await runAgent(r, shell, ['run'], { env: c.env });
      t.equal(result.code, c.code, `${c.name}: the agent's exit status is the steps'`);
      const log = join(r.root, 'systemctl.log');
      t.same(existsSync(log) ? readText(log).trim().split('\n') : [], c.calls, `${c.name}: systemctl calls`);
      t.equal(readText(join(r.root, 'offline')).trim(), c.env.SYSTEMD_OFFLINE ?? '', `${c.name}: the step saw the unit's SYSTEMD_OFFLINE`);
    }
  });

  t.test(`${shell.name}: a systemctl that fails is a warning, not a failure`, async (t) => {
    const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', offline)]);
    const result = await runAgent(r, shell, ['run'], { env: { ...unitEnv, FAKE_SYSTEMCTL_RC: '1' } });
    t.equal(result.code, 0);
    t.match(readText(r.console), /scriptlet-agent: warning systemd did not reload its units; services enabled by the steps start at the next boot/);
    t.same(readText(join(r.root, 'systemctl.log')).trim().split('\n'), ['SYSTEMD_OFFLINE=0 daemon-reload'], 'no start after a failed reload');
  });
}
