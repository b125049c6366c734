import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_FILES, AGENT_STATE_DIR, DEFERRED_DIR } from '../../src/appliance/agent-layout.js';
import { findShells, repoRoot } from '../helpers/agent-harness.js';

const { shells, missing } = findShells(t.testdir());
for (const m of missing) t.fail(`${m} is not installed (apt-get install busybox dash)`);

const shellFiles = ['agent', 'init', 'mounts', 'scriptlet-agent.init'];
const source = (name: string) => join(repoRoot, 'guest-agent', name);
const target = (name: string) => `/${AGENT_FILES.find((f) => f.source === name)!.target}`;

t.test('every shipped file is listed with its place in the image', async (t) => {
  const shipped = spawnSync('git', ['ls-files', 'guest-agent'], { cwd: repoRoot, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  t.strictSame(AGENT_FILES.map((f) => `guest-agent/${f.source}`).sort(), shipped.sort());
});

for (const shell of shells) {
  t.test(`${shell.name} -n accepts the shell files`, async (t) => {
    const [cmd, ...pre] = shell.command as [string, ...string[]];
    for (const f of shellFiles) {
      const r = spawnSync(cmd, [...pre, '-n', source(f)], { encoding: 'utf8' });
      t.equal(r.status, 0, `${f}: ${r.stderr}`);
    }
  });

  t.test(`${shell.name}: the /init wrapper refuses to run outside process 1`, async (t) => {
    const [cmd, ...pre] = shell.command as [string, ...string[]];
    const r = spawnSync(cmd, [...pre, source('init')], { encoding: 'utf8', env: { PATH: shell.path } });
    t.equal(r.status, 2);
    t.match(r.stderr, /refusing to run as process \d+/);
  });
}

const checkbashisms = spawnSync('sh', ['-c', 'command -v checkbashisms'], { encoding: 'utf8' }).stdout.trim();
t.test('checkbashisms finds nothing', { skip: checkbashisms ? false : 'checkbashisms (devscripts) is not installed' }, async (t) => {
  for (const f of shellFiles) {
    const r = spawnSync(checkbashisms, ['--posix', '--extra', source(f)], { encoding: 'utf8' });
    t.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
  }
});

t.test('the start hooks point at the layout the agent uses', async (t) => {
  const agent = target('agent');
  const plan = `/${DEFERRED_DIR}/plan`;
  const done = `/${AGENT_STATE_DIR}/done`;
  const agentText = readFileSync(source('agent'), 'utf8');
  t.match(agentText, /^PREFIX=\$ROOT\/usr\/lib\/scriptlet$/m);
  t.equal(`/${DEFERRED_DIR}`, '/usr/lib/scriptlet/deferred');
  t.match(agentText, /^STATE=\$ROOT\/var\/lib\/scriptlet$/m);
  t.equal(`/${AGENT_STATE_DIR}`, '/var/lib/scriptlet');

  const unit = readFileSync(source('scriptlet-agent.service'), 'utf8');
  const keys = (name: string) => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]);
  t.strictSame(keys('Type'), ['oneshot']);
  t.strictSame(keys('RemainAfterExit'), ['yes']);
  t.strictSame(keys('DefaultDependencies'), ['no']);
  t.strictSame(keys('ExecStart'), [`${agent} run`]);
  t.strictSame(keys('ConditionPathExists').sort(), [plan, `!${done}`].sort());
  t.match(keys('Before')[0], /\bsysinit\.target\b/);
  t.match(keys('Before')[0], /\bssh\.service\b/);
  t.match(keys('After')[0], /\blocal-fs\.target\b/);
  t.strictSame(keys('WantedBy'), ['sysinit.target']);

  const sysv = readFileSync(source('scriptlet-agent.init'), 'utf8');
  t.match(sysv, /^### BEGIN INIT INFO\n(# .*\n)+### END INIT INFO$/m, 'LSB header');
  t.match(sysv, /^# Default-Start: +S$/m);
  t.match(sysv, new RegExp(`^AGENT=${agent}$`, 'm'));
  t.match(sysv, new RegExp(`^PLAN=${plan}$`, 'm'));
  t.match(sysv, new RegExp(`^DONE=${done}$`, 'm'));
  t.match(sysv, new RegExp(`^MOUNTS=${target('mounts')}$`, 'm'));
  t.match(sysv, /^\t\. "\$MOUNTS"\n\tscriptlet_mounts\n\t"\$AGENT" run/m, 'the sysvinit hook mounts before the agent runs');

  const init = readFileSync(source('init'), 'utf8');
  t.match(init, /^PREFIX=\/usr\/lib\/scriptlet$/m);
  t.match(init, new RegExp(`\\[ ! -e ${done} \\]`));
  t.equal(`\$PREFIX/mounts`.replace('$PREFIX', '/usr/lib/scriptlet'), target('mounts'));
  t.match(init, /^\t\. "\$PREFIX\/mounts"\n\tscriptlet_mounts$/m, 'the /init wrapper mounts from the shared file');
});
