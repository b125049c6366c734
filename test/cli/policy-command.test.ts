import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/capture-io.js';
import { buildDeb } from '../helpers/build-deb.js';


// A small policy of its own that extends a copy of the shipped base.
const basePolicy = join(process.cwd(), 'policies', 'base.json5');
const testPolicy = `{
  name: 'cli-test',
  family: 'debian',
  extends: 'base',
  rules: [
    { id: 'frob', match: { command: 'frobnicate' }, outcome: 'defer', reason: 'frobnicates the system' },
    { id: 'quiet', scope: 'script', match: { package: 'quiet' }, outcome: 'drop', reason: 'known to be harmless' },
  ],
}
`;

const postinst = `#!/bin/sh
set -e
case "$1" in
  configure)
    frobnicate --all
    ;;
esac
exit 0
`;

/** One test directory (t.testdir replaces it per call): `policy/` plus the test's own files. */
function setup(t: Test, files: Record<string, string | Record<string, string>> = {}): { dir: string; policy: string } {
  const dir = t.testdir({ policy: { 'cli-test.json5': testPolicy, 'base.json5': readFileSync(basePolicy, 'utf8') }, ...files });
  return { dir, policy: join(dir, 'policy', 'cli-test.json5') };
}

t.test('policy check: ok, problems with file:line:col, missing file', async (t) => {
  const dir = t.testdir({
    'bad.json5': "{ name: 'bad', family: 'any', rules: [\n  { id: 'x', match: {}, outcome: 'maybe', reason: 'r' },\n] }\n",
  });
  const io = captureIo();
  t.equal(await main(['policy', 'check', basePolicy], io), 0);
  t.equal(io.out, `${basePolicy}: ok\n`);

  const bad = captureIo(dir);
  t.equal(await main(['policy', 'check', 'bad.json5', basePolicy], bad), 1);
  t.equal(bad.out, `${join(dir, 'bad.json5')}:2:34: outcome must be one of drop, translate, defer [rule x]\n${basePolicy}: ok\n`);

  const missing = captureIo(dir);
  t.equal(await main(['policy', 'check', 'nope.json5'], missing), 2);
  t.match(missing.err, /^scriptlet: .*nope\.json5: policy file not found\n/);
});

t.test('policy explain: a script file, per part', async (t) => {
  const { dir, policy } = setup(t, { 'foo.postinst': postinst });
  const script = join(dir, 'foo.postinst');
  const io = captureIo();
  t.equal(await main(['policy', 'explain', script, '--policy', policy], io), 0, io.err);
  const lines = io.out.split('\n');
  t.equal(lines[0], 'foo postinst: defer by rule frob: frobnicates the system');
  t.match(io.out, /1\. drop +line 2\n +set -e\n +rule shell-options \(base\) .*base\.json5:\d+:\d+\n +sets options/);
  t.match(io.out, /2\. defer +line 5\n +frobnicate --all\n +rule frob \(cli-test\) .*cli-test\.json5:6:5\n +frobnicates the system/);
  t.match(io.out, /3\. drop +line 8\n +exit 0\n +rule exit-success/);
});

t.test('policy explain: --json, --package, phase from --phase', async (t) => {
  const { dir, policy } = setup(t, { 'script.sh': postinst });
  const script = join(dir, 'script.sh');
  const io = captureIo();
  t.equal(
    await main(['policy', 'explain', script, '--policy', policy, '--phase', 'postinst', '--package', 'quiet', '--json'], io),
    0,
    io.err,
  );
  const out = JSON.parse(io.out) as { verdict: { outcome: string; rule: { id: string }; package: string } }[];
  t.equal(out.length, 1);
  t.same([out[0]!.verdict.package, out[0]!.verdict.outcome, out[0]!.verdict.rule.id], ['quiet', 'drop', 'quiet']);
});

t.test('policy explain: usage errors exit 2', async (t) => {
  const script = join(t.testdir({ 'script.sh': postinst }), 'script.sh');
  const noPhase = captureIo();
  t.equal(await main(['policy', 'explain', script, '--policy', basePolicy], noPhase), 2);
  t.match(noPhase.err, /cannot tell the phase of script\.sh\nhint: give --phase/);
  const badPhase = captureIo();
  t.equal(await main(['policy', 'explain', script, '--phase', 'postinstall'], badPhase), 2);
  t.match(badPhase.err, /unknown phase 'postinstall'/);
});

t.test('policy explain: a .deb package', async (t) => {
  const { dir, policy } = setup(t);
  const deb = buildDeb(dir, 'frob', {
    control: 'Package: frob\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: test\n',
    files: { postinst, prerm: '#!/bin/sh\nset -e\nfrobnicate --undo\n' },
  });
  const io = captureIo();
  t.equal(await main(['policy', 'explain', deb, '--policy', policy], io), 0, io.err);
  t.match(io.out, /^frob postinst: defer by rule frob: frobnicates the system$/m);
  t.match(io.out, /^frob prerm: drop by rule removal-phase: /m);
  const only = captureIo();
  t.equal(await main(['policy', 'explain', deb, '--policy', policy, '--phase', 'prerm'], only), 0, only.err);
  t.notMatch(only.out, /postinst/);
});

t.test('policy test: passing and failing fixtures', async (t) => {
  const { dir, policy } = setup(t, {
    good: {
      'boilerplate.sh': '#!/bin/sh\nset -e\nexit 0\n',
      'boilerplate.expect.json5': "{ phase: 'postinst', outcome: 'drop', rule: 'shell-options', actions: [] }",
      'frob.sh': postinst,
      'frob.expect.json5': "{ phase: 'postinst', outcome: 'defer', rule: 'frob' }",
    },
    bad: {
      'frob.sh': postinst,
      'frob.expect.json5': "// wrong on purpose\n{ phase: 'postinst', outcome: 'drop', rule: 'shell-options' }",
    },
  });
  const io = captureIo(dir);
  t.equal(await main(['policy', 'test', 'good', '--policy', policy], io), 0, io.err);
  t.equal(io.out, 'pass boilerplate\npass frob\n2 passed, 0 failed\n');

  const fio = captureIo(dir);
  t.equal(await main(['policy', 'test', 'bad', '--policy', policy], fio), 1);
  t.equal(
    fio.out,
    'FAIL frob\n     outcome: expected drop, got defer (frobnicates the system)\n     rule: expected shell-options, got frob\n0 passed, 1 failed\n',
  );
});

t.test('policy test: a bad expectation file is an error at file:line:col', async (t) => {
  const dir = t.testdir({
    bad: {
      'x.sh': '#!/bin/sh\n',
      'x.expect.json5': "{\n  phase: 'postinst',\n  outcome: 'drop',\n  rulez: 'a',\n}\n",
    },
    missing: { 'y.sh': '#!/bin/sh\n' },
  });
  const io = captureIo();
  t.equal(await main(['policy', 'test', join(dir, 'bad'), '--policy', basePolicy], io), 2);
  t.equal(io.err, `scriptlet: ${join(dir, 'bad', 'x.expect.json5')}:4:3: bad expectation: unknown property 'rulez'\n`);
  const mio = captureIo();
  t.equal(await main(['policy', 'test', join(dir, 'missing'), '--policy', basePolicy], mio), 2);
  t.match(mio.err, /y\.sh: fixture has no expectation file y\.expect\.json5/);
});
