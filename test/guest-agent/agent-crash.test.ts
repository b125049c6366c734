import t from 'tap';
import { existsSync, lstatSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentRoot, alive, findShells, makeRoot, readJournal, readText, runAgent, type Shell, step, writeText } from '../helpers/agent-harness.js';

const { shells, missing } = findShells(t.testdir());
// The agent must be proven on both shells: a missing one is a failed check, not a skipped one.
for (const m of missing) t.fail(`${m} is not installed (apt-get install busybox dash)`);

async function waitFor(cond: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(20);
  }
}

/** Each run of step `id` appends a line to $SCRIPTLET_ROOT/count.<id>. */
const counting = (id: string, more = '') => `echo x >>"$SCRIPTLET_ROOT/count.${id}"\n${more}`;
const runs = (r: AgentRoot, id: string) => readText(join(r.root, `count.${id}`)).split('\n').filter(Boolean).length;

/** Starts the agent and resolves with its pid (its process group) plus the promise of its end. */
function startAgent(r: AgentRoot, shell: Shell, args: string[] = []) {
  let pid = 0;
  const done = runAgent(r, shell, args, { onSpawn: (p) => (pid = p), limitMs: 30000 });
  return { pid: () => pid, done };
}

for (const shell of shells) {
  t.test(`${shell.name}: power cut mid-step: that step runs again, finished ones do not`, async (t) => {
    // The second step sleeps on its first run only; its pid lets the test cut "power" to it too.
    const r = makeRoot(t.testdir(), [
      step(shell, '0001-a.postinst', counting('a')),
      step(shell, '0002-b.postinst', counting('b', '[ "$(wc -l <"$SCRIPTLET_ROOT/count.b")" -gt 1 ] && exit 0\necho $$ >"$SCRIPTLET_ROOT/b.pid"\nexec sleep 30\n')),
      step(shell, '0003-c.postinst', counting('c')),
    ]);
    const pidFile = join(r.root, 'b.pid');
    const agent = startAgent(r, shell);
    await waitFor(() => readText(pidFile).endsWith('\n'));
    process.kill(-agent.pid(), 'SIGKILL');
    // The step runs in its own session; a power cut takes it down as well.
    process.kill(Number(readText(pidFile)), 'SIGKILL');
    const killed = await agent.done;
    t.equal(killed.signal, 'SIGKILL');

    const j = readJournal(r);
    t.match(j.get('0001-a.postinst'), { state: 'ok', attempts: 1 });
    t.match(j.get('0002-b.postinst'), { state: 'started', rc: '-', attempts: 1 });
    t.notOk(j.has('0003-c.postinst'));
    const st = await runAgent(r, shell, ['status', '--json']);
    t.equal(st.code, 3, 'status: incomplete');
    t.match(JSON.parse(st.stdout), { result: 'incomplete', running: false, ok: 1, pending: 2 });
    t.match((await runAgent(r, shell, ['status'])).stdout, /started +0002-b\.postinst .*interrupted; runs again/);

    const again = await runAgent(r, shell, ['run']);
    t.equal(again.code, 0, 'the resumed run takes over the dead agent lock and finishes');
    t.equal(runs(r, 'a'), 1, 'the finished step did not run again');
    t.equal(runs(r, 'b'), 2, 'the interrupted step ran again');
    t.equal(runs(r, 'c'), 1);
    t.match(readJournal(r).get('0002-b.postinst'), { state: 'ok', attempts: 2 });
    t.ok(existsSync(join(r.state, 'done')));
  });

  t.test(`${shell.name}: SIGKILL at many points keeps the journal consistent and never re-runs a finished step`, async (t) => {
    const ids = ['0001-a.postinst', '0002-b.postinst', '0003-c.postinst', '0004-d.postinst', '0005-e.postinst'];
    const r = makeRoot(
      t.testdir(),
      ids.map((id) => step(shell, id, counting(id))),
    );
    let kills = 0;
    // Gathered, then checked once: how many kills fit before the run completes depends on the
    // machine's speed, and the suite's assertion count should not.
    const problems: string[] = [];
    let checked = 0;
    for (let delay = 0; delay <= 600 && !existsSync(join(r.state, 'done')); delay += 15) {
      const before = readJournal(r);
      const countsBefore = new Map(ids.map((id) => [id, runs(r, id)]));
      const agent = startAgent(r, shell);
      await sleep(delay);
      try {
        process.kill(-agent.pid(), 'SIGKILL');
        kills++;
      } catch {
        // it had already finished
      }
      await agent.done;
      let after;
      try {
        after = readJournal(r);
      } catch (e) {
        t.fail(`journal unreadable after a kill at ${delay}ms: ${String(e)}`);
        return;
      }
      for (const id of ids) {
        if (before.get(id)?.state === 'ok') {
          checked++;
          if (runs(r, id) !== countsBefore.get(id)) problems.push(`${id} finished before the kill at ${delay}ms and ran again`);
          if (after.get(id)?.state !== 'ok') problems.push(`${id} finished before the kill at ${delay}ms and is ${after.get(id)?.state ?? 'missing'} in the journal`);
        }
        // A step counts as run only after `started` is durable: a run is never unrecorded.
        if (runs(r, id) > 0 && !after.has(id)) problems.push(`${id} ran before the kill at ${delay}ms, and the journal does not know it`);
      }
    }
    t.same(problems, [], 'after every kill: finished steps did not run again and stayed ok; every run is in the journal');
    t.ok(kills > 3, `the agent was killed mid-run ${kills} times`);
    t.ok(checked > 0, `${checked} finished steps were checked after a kill`);
    const last = await runAgent(r, shell, ['run']);
    t.equal(last.code, 0);
    const j = readJournal(r);
    for (const id of ids) {
      t.equal(j.get(id)?.state, 'ok');
      t.ok(runs(r, id) >= 1 && runs(r, id) <= j.get(id)!.attempts, `${id}: ran ${runs(r, id)} times in ${j.get(id)!.attempts} attempts`);
    }
    t.ok(existsSync(join(r.state, 'done')));
  });

  t.test(`${shell.name}: a stray temp file from an interrupted journal write is not trusted`, async (t) => {
    const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', counting('a')), step(shell, '0002-b.postinst', counting('b'))]);
    mkdirSync(r.state, { recursive: true });
    // What a crash between writing and renaming leaves: a complete-looking, uncommitted journal.
    writeFileSync(join(r.state, 'journal.tmp'), '0001-a.postinst\tok\t0\t1\t-\t2024-01-01T00:00:00Z\n0002-b.post');
    writeFileSync(join(r.state, 'status.json.tmp'), '{"trunc');
    const res = await runAgent(r, shell, []);
    t.equal(res.code, 0);
    t.equal(runs(r, 'a'), 1, 'the uncommitted "ok" did not count');
    t.notOk(existsSync(join(r.state, 'journal.tmp')));
    t.notOk(existsSync(join(r.state, 'status.json.tmp')));
    t.equal(readJournal(r).size, 2);
  });

  t.test(`${shell.name}: a torn last record (power cut during an append) counts as none; the next write drops it`, async (t) => {
    const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', counting('a')), step(shell, '0002-b.postinst', counting('b'))]);
    const at = '2026-11-26T04:00:00Z';
    // The previous agent's records: a started and finished, b started; b's result was cut short.
    writeText(
      join(r.state, 'journal'),
      `0001-a.postinst\tstarted\t-\t1\t-\t${at}\n0001-a.postinst\tok\t0\t1\t-\t${at}\n0002-b.postinst\tstarted\t-\t1\t-\t${at}\n0002-b.postinst\tok\t0\t1\t-\t2026-11-2`,
    );
    const st = await runAgent(r, shell, ['status', '--json']);
    t.match(JSON.parse(st.stdout), { result: 'incomplete', ok: 1, pending: 1, steps: [{ state: 'ok' }, { state: 'started', attempts: 1 }] }, 'status reads the last whole record of each step');
    const res = await runAgent(r, shell, []);
    t.equal(res.code, 0);
    t.equal(runs(r, 'a'), 0, 'the finished step did not run again');
    t.equal(runs(r, 'b'), 1, 'the step whose result was torn ran again');
    const j = readJournal(r);
    t.notOk(j.torn, 'the torn line is gone');
    t.match(j.get('0002-b.postinst'), { state: 'ok', attempts: 2 });
    t.equal(readText(join(r.state, 'journal')).split('\n').filter((l) => l.startsWith('0001-a.postinst')).length, 1, 'the rewrite kept one record per step');
  });

  t.test(`${shell.name}: a journal write that fails (disk full, no reserve left) stops the run and keeps the journal`, async (t) => {
    // On its first run the step makes the agent's next journal write hit ENOSPC, an append as well
    // as a rewrite, and takes away the space the agent set aside for the journal. It keeps the
    // journal as it was in journal.before, for the test to put back as "the disk after a reboot".
    const sabotage =
      'if [ "$(wc -l <"$SCRIPTLET_ROOT/count.a")" -eq 1 ]; then S="$SCRIPTLET_ROOT/var/lib/scriptlet"; rm -f "$S/reserve"; cp "$S/journal" "$S/journal.before"; ln -sf /dev/full "$S/journal"; ln -s /dev/full "$S/journal.tmp"; fi\n';
    const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', counting('a', sabotage)), step(shell, '0002-b.postinst', counting('b'))]);
    const res = await runAgent(r, shell, []);
    t.equal(res.code, 3);
    t.match(readText(r.console), /error cannot write the journal .* after step 0001-a\.postinst; it will run again/);
    t.ok(lstatSync(join(r.state, 'journal')).isSymbolicLink(), 'nothing replaced the journal');
    renameSync(join(r.state, 'journal.before'), join(r.state, 'journal'));
    t.match(readJournal(r).get('0001-a.postinst'), { state: 'started', attempts: 1 }, 'the journal still says started');
    t.equal(runs(r, 'b'), 0, 'no step runs unrecorded');
    t.notOk(existsSync(join(r.state, 'done')));

    const again = await runAgent(r, shell, []);
    t.equal(again.code, 0);
    t.equal(runs(r, 'a'), 2, 'at-least-once: the step whose result was lost ran again');
    t.equal(runs(r, 'b'), 1);
  });

  t.test(`${shell.name}: a step that fills the disk: its result goes into the reserve, the run stops, nothing is lost`, async (t) => {
    // The step's output "fills the disk": from then on every new file the agent makes fails.
    const fill = 'echo "last words before the disk filled"\nln -sf /dev/full "$SCRIPTLET_ROOT/var/lib/scriptlet/journal"\nln -s /dev/full "$SCRIPTLET_ROOT/var/lib/scriptlet/journal.tmp"\nexit 1\n';
    const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', counting('a', fill)), step(shell, '0002-b.postinst', counting('b'))]);
    const res = await runAgent(r, shell, []);
    t.equal(res.code, 3, 'the run stops and says so');
    const console = readText(r.console);
    t.match(console, /end id=0001-a\.postinst state=failed rc=1/);
    t.match(console, /error the disk is full: the result of step 0001-a\.postinst was recorded in the space set aside for the journal; stopping/);
    t.match(readJournal(r).get('0001-a.postinst'), { state: 'failed', rc: '1', attempts: 1 }, 'the failure is recorded');
    t.notOk(existsSync(join(r.state, 'reserve')), 'the reserve was used');
    t.equal(runs(r, 'b'), 0, 'no step starts on the full disk');
    t.match(readText(join(r.state, 'logs/0001-a.postinst.log')), /last words before the disk filled/, 'the step log is kept');

    const again = await runAgent(r, shell, []);
    t.equal(again.code, 1, 'next run: the failed step is reported, not re-run');
    t.equal(runs(r, 'a'), 1);
    t.equal(runs(r, 'b'), 1, 'the pending step runs once there is space');
    t.ok(existsSync(join(r.state, 'reserve')), 'the reserve is set aside again');
    t.match(JSON.parse(readText(join(r.state, 'status.json'))), { result: 'failed', failed: 1, ok: 1 });
  });

  // Journal writes in a run are counted from 1: a rewrite with "a started" (the first write of a
  // run rewrites the file), an append of "a ok" with "b started", an append of "b ok". A killed
  // agent is not a power cut: an append it made stays in the file, synced or not (the VM test
  // shows the loss of an unsynced append).
  const faults: { point: string; expect: { a: number; b: number; aJournal: string | undefined; bJournal: string | undefined; tmp: boolean } }[] = [
    { point: 'journal-written:1', expect: { a: 1, b: 1, aJournal: undefined, bJournal: undefined, tmp: true } },
    { point: 'journal-renamed:1', expect: { a: 1, b: 1, aJournal: 'started', bJournal: undefined, tmp: false } },
    { point: 'journal-synced:1', expect: { a: 1, b: 1, aJournal: 'started', bJournal: undefined, tmp: false } },
    { point: 'journal-written:2', expect: { a: 1, b: 1, aJournal: 'ok', bJournal: 'started', tmp: false } },
    { point: 'journal-synced:2', expect: { a: 1, b: 1, aJournal: 'ok', bJournal: 'started', tmp: false } },
    { point: 'journal-written:3', expect: { a: 1, b: 1, aJournal: 'ok', bJournal: 'ok', tmp: false } },
  ];
  for (const { point, expect } of faults) {
    t.test(`${shell.name}: fault injection (test hook) cuts at ${point}; the journal is the old or the new one, never a mix`, async (t) => {
      const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', counting('a')), step(shell, '0002-b.postinst', counting('b'))]);
      writeText(join(r.root, 'proc/cmdline'), `console=ttyS0 root=/dev/vda scriptlet.fault=${point}\n`);
      writeText(join(r.root, 'usr/lib/scriptlet/fault-injection'), '');
      const cut = await runAgent(r, shell, []);
      t.equal(cut.signal, 'SIGKILL', 'the agent stopped at the fault point');
      t.equal(readText(join(r.root, 'proc/sysrq-trigger')), 'b\n', 'the machine was told to reset without syncing');
      t.match(readText(r.console), new RegExp(`fault power cut at ${point.replace(':', ' #')}`));
      t.equal(existsSync(join(r.state, 'journal.tmp')), expect.tmp, `temp journal ${expect.tmp ? 'left' : 'gone'}`);
      const journal = readJournal(r);
      t.equal(journal.get('0001-a.postinst')?.state, expect.aJournal, 'the committed journal');
      t.equal(journal.get('0002-b.postinst')?.state, expect.bJournal);
      t.notOk(journal.torn, 'no torn line');
      t.equal(runs(r, 'a') + runs(r, 'b'), expect.aJournal === 'ok' ? (expect.bJournal === 'ok' ? 2 : 1) : 0, 'only steps whose result is in the journal ran');

      // The next boot comes without the fault word (the VM test boots the copy again the same way).
      writeText(join(r.root, 'proc/cmdline'), 'console=ttyS0 root=/dev/vda\n');
      const again = await runAgent(r, shell, []);
      t.equal(again.code, 0);
      t.equal(runs(r, 'a'), expect.a, expect.a === 1 ? 'a finished once' : 'a ran again: its result was not durable');
      t.equal(runs(r, 'b'), expect.b);
      t.notOk(existsSync(join(r.state, 'journal.tmp')));
    });
  }

  t.test(`${shell.name}: fault injection is not armed without the image's opt-in file or with a malformed value`, async (t) => {
    for (const [cmdline, optIn] of [
      ['scriptlet.fault=journal-written:1', false],
      ['scriptlet.fault=journal-written:0', true],
      ['scriptlet.fault=journal-written:x', true],
      ['scriptlet.fault=status-written:1', true],
      ['xscriptlet.fault=journal-written:1', true],
    ] as const) {
      const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', counting('a'))]);
      writeText(join(r.root, 'proc/cmdline'), `${cmdline}\n`);
      if (optIn) writeText(join(r.root, 'usr/lib/scriptlet/fault-injection'), '');
      const res = await runAgent(r, shell, []);
      t.equal(res.code, 0, `${cmdline}${optIn ? '' : ' without the opt-in file'}: a normal run`);
      t.notMatch(readText(r.console), /fault/);
      t.equal(readText(join(r.root, 'proc/sysrq-trigger')), '');
    }
  });

  t.test(`${shell.name}: a log that cannot be written (disk full) does not stop the step`, async (t) => {
    const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', counting('a', 'echo output\n'))]);
    mkdirSync(join(r.state, 'logs'), { recursive: true });
    symlinkSync('/dev/full', join(r.state, 'logs', '0001-a.postinst.log'));
    const res = await runAgent(r, shell, []);
    t.equal(res.code, 0);
    t.equal(runs(r, 'a'), 1);
    t.match(readJournal(r).get('0001-a.postinst'), { state: 'ok', rc: '0' });
    t.match(readText(r.console), /warning cannot write .*0001-a\.postinst\.log/);
  });

  t.test(`${shell.name}: one agent at a time; SIGTERM stops the step and leaves it to run again`, async (t) => {
    const r = makeRoot(t.testdir(), [step(shell, '0001-a.postinst', counting('a', 'echo $$ >"$SCRIPTLET_ROOT/a.pid"\nsleep 30\n'))]);
    const pidFile = join(r.root, 'a.pid');
    const agent = startAgent(r, shell);
    await waitFor(() => readText(pidFile).endsWith('\n'));
    const second = await runAgent(r, shell, ['retry']);
    t.equal(second.code, 3);
    t.match(readText(r.console), /error another agent is running/);
    t.match(JSON.parse((await runAgent(r, shell, ['status', '--json'])).stdout), { running: true });

    process.kill(agent.pid(), 'SIGTERM');
    const first = await agent.done;
    t.equal(first.code, 143);
    const stepPid = Number(readText(pidFile));
    await waitFor(() => !alive(stepPid), 5000);
    t.pass('the running step was stopped with the agent');
    t.match(readJournal(r).get('0001-a.postinst'), { state: 'started' });
    t.match(readText(r.console), /error interrupted by signal/);
    t.notOk(existsSync(join(r.root, 'run', 'scriptlet-agent.lock')), 'the lock was released');
  });
}
