import t from 'tap';
import { join } from 'node:path';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { findShells, makeRoot, readJournal, readText, runAgent, step } from '../helpers/agent-harness.js';

const { shells, missing } = findShells(t.testdir());
// The agent must be proven on both shells: a missing one is a failed check, not a skipped one.
for (const m of missing) t.fail(`${m} is not installed (apt-get install busybox dash)`);

// Each step appends "<id> <argc> [arg]..." to $SCRIPTLET_ROOT/out, so order and argv are visible.
const record = 'printf "%s %s" "$0" "$#" >>"$SCRIPTLET_ROOT/out"; for a in "$@"; do printf " [%s]" "$a" >>"$SCRIPTLET_ROOT/out"; done; echo >>"$SCRIPTLET_ROOT/out"\n';

for (const shell of shells) {
  t.test(`${shell.name}: order, arguments, environment, failure, status, re-run, retry`, async (t) => {
    const r = makeRoot(t.testdir(), [
      step(shell, '0001-base.preinst', `${record}`, { phase: 'preinst', args: ['install'] }),
      step(shell, '0002-foo.postinst', `${record}`, { args: ['configure', '', 'two words', ' lead', "it's", '$HOME', '*', 'back\\slash'] }),
      step(shell, '0003-env.postinst', 'env | sort >"$SCRIPTLET_ROOT/env"\n', {
        env: {
          DPKG_MAINTSCRIPT_PACKAGE: 'env',
          DPKG_MAINTSCRIPT_NAME: 'postinst',
          DPKG_MAINTSCRIPT_ARCH: 'amd64',
          DPKG_ROOT: '',
          DPKG_RUNNING_VERSION: '1.21.22',
          ODD: 'a  b\t"c" $d',
        },
      }),
      step(shell, '0004-bad.postinst', `${record}echo to-the-log; echo err >&2; exit 3\n`),
      step(shell, '0005-last.postinst', `${record}`, { phase: 'post', args: ['1'] }),
    ]);
    const out = join(r.root, 'out');

    const first = await runAgent(r, shell, []);
    t.equal(first.code, 1, 'run exits 1 when a step failed');
    const lines = readText(out).trim().split('\n');
    t.strictSame(
      lines.map((l) => l.replace(/^\S*\/deferred\//, '')),
      [
        '0001-base.preinst/script 1 [install]',
        "0002-foo.postinst/script 8 [configure] [] [two words] [ lead] [it's] [$HOME] [*] [back\\slash]",
        '0004-bad.postinst/script 2 [configure] []',
        '0005-last.postinst/script 1 [1]',
      ],
      'steps ran in plan order with their exact arguments; the failure did not stop the next one',
    );
    t.equal(
      readText(join(r.root, 'env'))
        .split('\n')
        .filter((l) => /^(DPKG_|ODD=)/.test(l))
        .map((l) => `${l}\n`)
        .join(''),
      'DPKG_MAINTSCRIPT_ARCH=amd64\nDPKG_MAINTSCRIPT_NAME=postinst\nDPKG_MAINTSCRIPT_PACKAGE=env\nDPKG_ROOT=\nDPKG_RUNNING_VERSION=1.21.22\nODD=a  b\t"c" $d\n',
      'environment arrives verbatim, including an empty value',
    );

    const journal = readJournal(r);
    t.strictSame(
      [...journal].map(([id, e]) => [id, e.state, e.rc, e.attempts, e.note]),
      [
        ['0001-base.preinst', 'ok', '0', 1, '-'],
        ['0002-foo.postinst', 'ok', '0', 1, '-'],
        ['0003-env.postinst', 'ok', '0', 1, '-'],
        ['0004-bad.postinst', 'failed', '3', 1, 'exit'],
        ['0005-last.postinst', 'ok', '0', 1, '-'],
      ],
    );
    t.match(readText(join(r.state, 'logs', '0004-bad.postinst.log')), /to-the-log\nerr\n/, 'stdout and stderr go to the step log');
    t.notOk(existsSync(join(r.state, 'done')), 'no done marker while a step failed');

    const console1 = readText(r.console);
    t.match(console1, /^scriptlet-agent: start id=0001-base\.preinst package=base phase=preinst attempt=1$/m);
    t.match(console1, /^scriptlet-agent: end id=0004-bad\.postinst state=failed rc=3 seconds=\d+$/m);
    t.match(console1, /^scriptlet-agent: done result=failed ok=4 failed=1 skipped=0 total=5$/m);
    t.match(readText(join(r.state, 'summary.log')), /^\d{4}-\d\d-\d\dT\S+Z done result=failed ok=4 failed=1 skipped=0 total=5$/m);

    const statusFile = JSON.parse(readText(join(r.state, 'status.json')));
    const st = await runAgent(r, shell, ['status', '--json']);
    t.equal(st.code, 1, 'status exits 1 when a step failed');
    const status = JSON.parse(st.stdout);
    t.strictSame(status, statusFile, 'status --json matches status.json');
    t.match(status, { version: 1, result: 'failed', running: false, total: 5, ok: 4, failed: 1, pending: 0 });
    t.strictSame(status.steps[3], {
      id: '0004-bad.postinst',
      package: 'bad',
      phase: 'postinst',
      state: 'failed',
      exitCode: 3,
      attempts: 1,
      note: 'exit',
      timeoutSeconds: 30,
      log: 'logs/0004-bad.postinst.log',
    });
    const human = await runAgent(r, shell, ['status']);
    t.match(human.stdout, /^scriptlet-agent: failed: 5 steps, 4 ok, 1 failed, 0 pending$/m);
    t.match(human.stdout, /failed +0004-bad\.postinst \(bad postinst\) rc=3 attempts=1 note=exit log=\S+0004-bad\.postinst\.log/);

    const second = await runAgent(r, shell, ['run']);
    t.equal(second.code, 1);
    t.equal(readText(out).trim().split('\n').length, 4, 'a second run re-runs nothing, not even the failed step');
    t.match(readText(r.console), /done result=failed ok=4 failed=1 skipped=5 total=5\n$/);

    const retry1 = await runAgent(r, shell, ['retry']);
    t.equal(retry1.code, 1, 'the step still fails');
    t.equal(readJournal(r).get('0004-bad.postinst')?.attempts, 2, 'retry re-ran the failed step');
    const ran = readText(out).trim().split('\n').map((l) => l.replace(/^\S*\/deferred\/([^/]+)\/.*$/, '$1'));
    t.strictSame(
      ran,
      ['0001-base.preinst', '0002-foo.postinst', '0004-bad.postinst', '0005-last.postinst', '0004-bad.postinst'],
      'retry re-ran only the failed step',
    );
  });

  t.test(`${shell.name}: all ok writes the done marker; retry turns failed into ok`, async (t) => {
    const r = makeRoot(t.testdir(), [
      step(shell, '0001-a.postinst', 'echo a >>"$SCRIPTLET_ROOT/out"\n'),
      step(shell, '0002-b.postinst', 'test -e "$SCRIPTLET_ROOT/fixed" || exit 7\necho b >>"$SCRIPTLET_ROOT/out"\n'),
    ]);
    t.equal((await runAgent(r, shell, ['run'])).code, 1);
    t.notOk(existsSync(join(r.state, 'done')));
    t.equal((await runAgent(r, shell, ['status'])).code, 1);
    writeFileSync(join(r.root, 'fixed'), '');
    const retry = await runAgent(r, shell, ['retry']);
    t.equal(retry.code, 0, 'retry succeeds once the cause is fixed');
    t.equal(readText(join(r.root, 'out')), 'a\nb\n', 'a ran once, b ran once successfully');
    t.ok(existsSync(join(r.state, 'done')), 'done marker written when everything succeeded');
    t.match(readText(r.console), /done result=ok ok=2 failed=0 skipped=1 total=2\n$/);
    const st = await runAgent(r, shell, ['status', '--json']);
    t.equal(st.code, 0);
    t.match(JSON.parse(st.stdout), { result: 'ok', ok: 2, failed: 0, pending: 0 });
    t.strictSame(
      JSON.parse(st.stdout).steps.map((s: { exitCode: number; attempts: number; note: unknown }) => [s.exitCode, s.attempts, s.note]),
      [
        [0, 1, null],
        [0, 2, null],
      ],
    );
  });

  t.test(`${shell.name}: usage errors and a status without a plan`, async (t) => {
    const r = makeRoot(t.testdir(), []);
    const bad = await runAgent(r, shell, ['frobnicate']);
    t.equal(bad.code, 2);
    t.match(bad.stderr, /usage: agent/);
    t.equal((await runAgent(r, shell, ['status', '--xml'])).code, 2);
    // A relative root still works after the agent changes into it to run steps.
    const empty = await runAgent(r, shell, ['run'], { env: { SCRIPTLET_ROOT: '.' } });
    t.equal(empty.code, 0, 'an empty plan is all done');
    t.match(readText(r.console), /done result=ok ok=0 failed=0 skipped=0 total=0/);
    rmSync(join(r.root, 'usr/lib/scriptlet/deferred/plan'));
    const none = await runAgent(r, shell, ['status']);
    t.equal(none.code, 3);
    t.match(none.stderr, /error no plan at/);
  });
}
