/**
 * What `scriptlet trace` and `scriptlet policy verify` print while they work, as build and audit
 * do: the stage on a terminal (cleared before the report), nothing with -q, in a pipe or in CI; with
 * -v each stage as a line wherever stderr goes. The stages of making a base tree (mmdebstrap) are
 * checked through traceFeedback, which both commands use, without making one.
 */
import t from 'tap';
import { main } from '../../src/cli/main.js';
import { traceFeedback } from '../../src/cli/trace-command.js';
import { buildDeb } from '../helpers/build-deb.js';
import { captureIo, type CapturedIo } from '../helpers/capture-io.js';
import { hasCommand } from '../helpers/reference-trees.js';
import { slimRoot } from '../helpers/trace-roots.js';

const ttyIo = (cwd: string, env: NodeJS.ProcessEnv = {}): CapturedIo => Object.assign(captureIo(cwd), { isTty: true, env: { PATH: process.env.PATH, ...env } });
const pipeIo = (cwd: string): CapturedIo => Object.assign(captureIo(cwd), { env: { PATH: process.env.PATH } });

t.test('traceFeedback: a stage on the terminal, lines with -v, nothing with -q, in CI or in a pipe', async (t) => {
  const making = 'making the bookworm minbase tree with mmdebstrap (once; minutes)';
  const cases: [string, CapturedIo, { quiet?: boolean; verbose?: boolean }, RegExp | ''][] = [
    ['terminal', ttyIo('/'), {}, /^\r\x1b\[Kmaking the bookworm minbase tree with mmdebstrap \(once; minutes\): 0\/1\r\x1b\[K$/],
    ['terminal -q', ttyIo('/'), { quiet: true }, ''],
    ['terminal in CI', ttyIo('/', { CI: 'true' }), {}, ''],
    ['pipe', pipeIo('/'), {}, ''],
    ['pipe -v', pipeIo('/'), { verbose: true }, /^scriptlet: making the bookworm minbase tree with mmdebstrap \(once; minutes\)\nI: mmdebstrap says\n$/],
    ['terminal -q -v (as build: -v wins)', ttyIo('/'), { quiet: true, verbose: true }, /^scriptlet: making/],
  ];
  for (const [name, io, opts, expected] of cases) {
    const f = traceFeedback(io, opts);
    f.onStage?.(making);
    f.onOutput?.('I: mmdebstrap says\n');
    f.done();
    if (expected === '') t.equal(io.err, '', `${name}: nothing`);
    else t.match(io.err, expected, `${name}: ${JSON.stringify(io.err)}`);
    t.equal(io.out, '', `${name}: nothing on stdout`);
  }
  t.ok(traceFeedback(pipeIo('/'), {}).onWait, 'the waiting note is kept without -q');
  t.notOk(traceFeedback(pipeIo('/'), { quiet: true }).onWait, '-q drops the waiting note');
});

const skip = !hasCommand('bwrap') ? 'needs bubblewrap' : false;

t.test('trace and policy verify over a root tree: the terminal, -q and -v (four traces, a few seconds each)', { skip, timeout: 240_000 }, async (t) => {
  const root = await slimRoot();
  if ('skip' in root) return void t.comment(`skipped: ${root.skip}`);
  const dir = t.testdir();
  const deb = buildDeb(dir, 'progress-demo', {
    control: 'Package: progress-demo\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: progress fixture\n',
    files: { postinst: '#!/bin/sh\nset -e\nmkdir -p /var/lib/progress-demo\n' },
  });
  const running = 'running the postinst of progress-demo in the sandbox';

  const tty = ttyIo(dir);
  t.equal(await main(['trace', '--root', root.dir, '--no-tty', deb], tty), 0, tty.err);
  t.equal(tty.err, `\r\x1b[K${running}: 0/1\r\x1b[K`, 'terminal: the stage, cleared before the report');
  t.match(tty.out, /\/var\/lib\/progress-demo/, 'the report names the directory made');

  const quiet = ttyIo(dir);
  t.equal(await main(['trace', '-q', '--root', root.dir, '--no-tty', deb], quiet), 0, quiet.err);
  t.equal(quiet.err, '', '-q: nothing on stderr');
  t.match(quiet.out, /\/var\/lib\/progress-demo/, '-q: the report still comes');

  // policy verify: mkdir -p is translated, so there is one script to trace.
  const vtty = ttyIo(dir);
  const code = await main(['policy', 'verify', '--root', root.dir, deb], vtty);
  t.equal(code, 0, `${vtty.out}${vtty.err}`);
  t.match(vtty.err, /^\r\x1b\[Ktracing: 0\/1\r\x1b\[Ktracing: 1\/1\r\x1b\[K$/, `verify on a terminal: the count (${JSON.stringify(vtty.err)})`);
  const vverbose = pipeIo(dir);
  t.equal(await main(['policy', 'verify', '-v', '--root', root.dir, deb], vverbose), 0);
  t.match(vverbose.out, /^ok +progress-demo postinst/, 'verify -v: the result on stdout');
  t.match(vverbose.err, new RegExp(`^scriptlet: ${running}\\n\\[1/1\\] ok progress-demo postinst \\(exit 0, 0 mismatches\\)\\n$`), `verify -v: ${JSON.stringify(vverbose.err)}`);
});
