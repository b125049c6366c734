import t from 'tap';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, findShells, makeRoot, readJournal, readText, runAgent, step } from '../helpers/agent-harness.js';

const { shells, missing } = findShells(t.testdir());
// The agent must be proven on both shells: a missing one is a failed check, not a skipped one.
for (const m of missing) t.fail(`${m} is not installed (apt-get install busybox dash)`);

const deferred = (root: string, ...p: string[]) => join(root, 'usr/lib/scriptlet/deferred', ...p);

function killIfAlive(pidFile: string): void {
  const pid = Number(readText(pidFile).trim());
  if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
}

for (const shell of shells) {
  t.test(`${shell.name}: a checksum mismatch fails the step without running it`, async (t) => {
    const r = makeRoot(t.testdir(), [
      step(shell, '0001-a.postinst', 'echo ran >"$SCRIPTLET_ROOT/a"\n'),
      step(shell, '0002-b.postinst', 'echo ran >"$SCRIPTLET_ROOT/b"\n'),
    ]);
    appendFileSync(deferred(r.root, '0001-a.postinst', 'script'), 'echo tampered\n');
    const res = await runAgent(r, shell, []);
    t.equal(res.code, 1);
    t.notOk(existsSync(join(r.root, 'a')), 'the altered script did not run');
    t.ok(existsSync(join(r.root, 'b')), 'the next step ran');
    t.match(readJournal(r).get('0001-a.postinst'), { state: 'failed', rc: '-', note: 'checksum' });
    t.match(readText(join(r.state, 'logs', '0001-a.postinst.log')), /not run: checksum/);
    const status = JSON.parse((await runAgent(r, shell, ['status', '--json'])).stdout);
    t.match(status.steps[0], { state: 'failed', exitCode: null, note: 'checksum' });
  });

  t.test(`${shell.name}: a timeout kills the step and its children and is recorded`, async (t) => {
    const dir = t.testdir();
    const r = makeRoot(dir, [
      step(shell, '0001-slow.postinst', 'sleep 30 & echo $! >"$SCRIPTLET_ROOT/child"\nsleep 30\n', { timeoutSeconds: 1 }),
      step(shell, '0002-stubborn.postinst', "trap '' TERM\necho $$ >\"$SCRIPTLET_ROOT/stubborn\"\nsleep 30\n", { timeoutSeconds: 1 }),
      step(shell, '0003-next.postinst', 'echo ran >"$SCRIPTLET_ROOT/next"\n'),
    ]);
    t.teardown(() => {
      killIfAlive(join(r.root, 'child'));
      killIfAlive(join(r.root, 'stubborn'));
    });
    const res = await runAgent(r, shell, [], { limitMs: 20000 });
    t.equal(res.code, 1);
    t.ok(res.ms < 12000, `took ${res.ms}ms, not the 30s the steps wanted`);
    const j = readJournal(r);
    t.match(j.get('0001-slow.postinst'), { state: 'timeout', rc: '124', note: 'timeout' });
    t.match(j.get('0002-stubborn.postinst'), { state: 'timeout', rc: '124', note: 'timeout' }, 'SIGKILL after the grace time');
    t.match(j.get('0003-next.postinst'), { state: 'ok' });
    const child = Number(readText(join(r.root, 'child')).trim());
    t.ok(child > 0 && !alive(child), 'the background child of the timed-out step was killed with its group');
    t.ok(!alive(Number(readText(join(r.root, 'stubborn')).trim())), 'the step that ignores SIGTERM is gone');
    t.match(readText(r.console), /end id=0001-slow\.postinst state=timeout rc=124 /);
    t.match(readText(r.console), /done result=failed ok=1 failed=2 skipped=0 total=3/);
  });

  t.test(`${shell.name}: a step that leaves a daemon behind does not hold the agent`, async (t) => {
    const r = makeRoot(t.testdir(), [
      step(shell, '0001-daemon.postinst', 'sleep 30 &\necho $! >"$SCRIPTLET_ROOT/daemon"\necho started\n'),
      step(shell, '0002-after.postinst', 'echo ran >"$SCRIPTLET_ROOT/after"\n'),
    ]);
    t.teardown(() => killIfAlive(join(r.root, 'daemon')));
    // runAgent resolves on 'close', i.e. only when nobody holds the agent's stdout/stderr pipes.
    const res = await runAgent(r, shell, [], { limitMs: 20000 });
    t.equal(res.code, 0);
    t.ok(res.ms < 10000, `agent finished in ${res.ms}ms although the daemon sleeps 30s`);
    t.ok(alive(Number(readText(join(r.root, 'daemon')).trim())), 'the daemon itself was left running');
    t.ok(existsSync(join(r.root, 'after')));
    t.match(readText(join(r.state, 'logs', '0001-daemon.postinst.log')), /started/);
  });

  t.test(`${shell.name}: a missing interpreter, a program step, a bad env file`, async (t) => {
    const printf = shell.name === 'busybox' ? [shell.interpreter[0]!, 'printf'] : [join(shell.path, 'printf')];
    const r = makeRoot(t.testdir(), [
      step(shell, '0001-perl.postinst', 'print "hi\\n";\n', { interpreter: ['/nonexistent/perl'] }),
      // An RPM `-p` scriptlet: no body, the program gets the arguments directly.
      step(shell, '0002-prog.post', '', { phase: 'post', interpreter: [...printf, '<%s>'], args: ['1', '', 'a b'] }),
      step(shell, '0003-env.postinst', 'echo ran >"$SCRIPTLET_ROOT/env-ran"\n', { env: { GOOD: 'x' } }),
    ]);
    writeFileSync(deferred(r.root, '0003-env.postinst', 'env'), 'BAD NAME=x\n');
    const res = await runAgent(r, shell, []);
    t.equal(res.code, 1);
    const j = readJournal(r);
    t.match(j.get('0001-perl.postinst'), { state: 'failed', rc: '-', note: 'no-interpreter' });
    t.match(j.get('0002-prog.post'), { state: 'ok', rc: '0' });
    t.match(readText(join(r.state, 'logs', '0002-prog.post.log')), /<1><><a b>$/);
    t.match(j.get('0003-env.postinst'), { state: 'failed', note: 'bad-step' });
    t.notOk(existsSync(join(r.root, 'env-ran')));
  });

  t.test(`${shell.name}: a corrupt plan runs nothing`, async (t) => {
    const cases: [string, (plan: string) => string, RegExp][] = [
      ['wrong header', (p) => p.replace('# scriptlet-plan 1', '# scriptlet-plan 2'), /does not start with/],
      ['missing field', (p) => p.replace(/\t30\t/, '\t'), /plan line 3 is malformed/],
      ['unsafe id', (p) => p.replace('0001-a.postinst\t', '../a\t'), /plan line 3 is malformed/],
      ['zero timeout', (p) => p.replace(/\t30\t/, '\t0\t'), /plan line 3 is malformed/],
      ['duplicate id', (p) => p.replace('0002-b.postinst\t', '0001-a.postinst\t'), /repeats step id 0001-a\.postinst/],
    ];
    for (const [name, edit, message] of cases) {
      const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', 'echo a >>"$SCRIPTLET_ROOT/out"\n'), step(shell, '0002-b.postinst', 'echo b >>"$SCRIPTLET_ROOT/out"\n')]);
      const planFile = deferred(r.root, 'plan');
      writeFileSync(planFile, edit(readText(planFile)));
      const res = await runAgent(r, shell, []);
      t.equal(res.code, 3, `${name}: exit 3`);
      t.match(readText(r.console), message, `${name}: says why`);
      t.notOk(existsSync(join(r.root, 'out')), `${name}: nothing ran`);
      t.equal((await runAgent(r, shell, ['status', '--json'])).code, 3, `${name}: status fails too`);
    }
  });
}

// Without setsid the step shares the agent's process group: the timeout can only signal the step's
// own process, but it must still stop it and record the timeout.
const dash = shells.find((s) => s.name === 'dash');
if (dash) {
  t.test('dash without setsid on PATH: the timeout still stops the step', async (t) => {
    const dir = t.testdir();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const name of readdirSync(dash.path)) {
      if (name !== 'setsid') symlinkSync(readlinkSync(join(dash.path, name)), join(bin, name));
    }
    const noSetsid = { ...dash, path: bin };
    const r = makeRoot(dir, [step(noSetsid, '0001-slow.postinst', 'echo $$ >"$SCRIPTLET_ROOT/pid"\nexec sleep 30\n', { timeoutSeconds: 1 })]);
    t.teardown(() => killIfAlive(join(r.root, 'pid')));
    const res = await runAgent(r, noSetsid, [], { limitMs: 20000 });
    t.equal(res.code, 1);
    t.ok(res.ms < 10000, `took ${res.ms}ms`);
    t.match(readJournal(r).get('0001-slow.postinst'), { state: 'timeout', rc: '124' });
  });
}
