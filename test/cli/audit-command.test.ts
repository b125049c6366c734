import t from 'tap';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { availableParallelism } from 'node:os';
import { defaultJobs, parseJobs } from '../../src/cli/audit-command.js';
import { main } from '../../src/cli/main.js';
import { buildDeb } from '../helpers/build-deb.js';
import { captureIo } from '../helpers/capture-io.js';
import { sarifSchema } from '../helpers/sarif-schema.js';

// A policy of the test's own, so verdicts do not move when the shipped distro policies change.
function writePolicy(dir: string): string {
  const file = join(dir, 'audit-test.json5');
  writeFileSync(
    file,
    `{
  name: 'audit-test', family: 'debian', extends: 'base',
  rules: [
    { id: 'keygen-defers', match: { command: 'ssh-keygen' }, outcome: 'defer', reason: 'host keys belong to the machine' },
    { id: 'adduser-system', match: { command: 'adduser', args: { hasFlag: ['--system'] } }, outcome: 'translate',
      translate: { translator: 'adduser' }, reason: 'system user' },
  ],
}
`,
  );
  return file;
}

const control = (name: string) => `Package: ${name}\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: test\n`;

t.test('audit of real .deb files: JSON, SARIF, table, gates', async (t) => {
  const dir = t.testdir();
  const policy = writePolicy(dir);
  buildDeb(dir, 'keys', {
    control: control('keys'),
    files: { postinst: '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then\n  ssh-keygen -A\nfi\nexit 0\n' },
  });
  buildDeb(dir, 'user', {
    control: control('user'),
    files: { postinst: '#!/bin/sh\nset -e\nadduser --system --group --home /var/lib/u u\n', prerm: '#!/bin/sh\nrm -rf "$X"/cache\n' },
  });

  const io = captureIo(dir);
  t.equal(await main(['audit', '.', '--policy', policy, '--json'], io), 0, io.err);
  const result = JSON.parse(io.out);
  const byName = Object.fromEntries(result.packages.map((p: { name: string }) => [p.name, p]));
  const keys = byName.keys.scripts.find((s: { phase: string }) => s.phase === 'postinst');
  t.equal(keys.verdict.outcome, 'defer');
  t.equal(keys.verdict.rule.id, 'keygen-defers');
  const user = byName.user.scripts.find((s: { phase: string }) => s.phase === 'postinst');
  t.equal(user.verdict.outcome, 'translate');
  t.same(user.actions, [
    { kind: 'group', name: 'u', system: true },
    { kind: 'user', name: 'u', system: true, group: 'u', home: '/var/lib/u', createHome: true, shell: '/usr/sbin/nologin' },
  ]);
  const prerm = byName.user.scripts.find((s: { phase: string }) => s.phase === 'prerm');
  t.ok(prerm.risks.some((r: { kind: string }) => r.kind === 'rm-rf-variable'), 'rm -rf on a variable path is flagged');
  t.equal(result.totals.installTime.scripts, 2);
  t.equal(result.totals.installTime.resolved, 1);

  const sarifIo = captureIo(dir);
  t.equal(await main(['audit', '.', '--policy', policy, '--sarif', '-o', 'out.sarif'], sarifIo), 0, sarifIo.err);
  const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile(await sarifSchema());
  t.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
  t.ok(sarif.runs[0].results.length > 0);

  const table = captureIo(dir);
  t.equal(await main(['audit', '.', '--policy', policy], table), 0);
  t.match(table.out, /keygen-defers/);
  t.notMatch(table.out, /\x1b\[/, 'no colour when not a terminal');

  t.equal(await main(['audit', '.', '--policy', policy, '--fail-on', 'defer', '-q', '--json'], captureIo(dir)), 1, 'a deferred install script trips --fail-on defer');
  t.equal(await main(['audit', join(dir, 'user.deb'), '--policy', policy, '--install-only', '--fail-on', 'defer', '--json'], captureIo(dir)), 0);
  t.equal(await main(['audit', join(dir, 'user.deb'), '--policy', policy, '--fail-on', 'risk', '--json'], captureIo(dir)), 1);
});

t.test('bad input: one line naming the file, exit 2', async (t) => {
  const dir = t.testdir({
    'garbage.rpm': Buffer.concat([Buffer.from([0xed, 0xab, 0xee, 0xdb]), Buffer.alloc(200, 7)]),
    empty: { 'README.txt': 'no package here' },
  });
  const good = buildDeb(dir, 'ok', { control: control('ok'), files: { postinst: '#!/bin/sh\nexit 0\n' } });
  const truncated = join(dir, 'truncated.deb');
  writeFileSync(truncated, readFileSync(good).subarray(0, 300));
  const badPolicy = join(dir, 'bad.json5');
  writeFileSync(badPolicy, "{ name: 'bad', family: 'debian', rules: [ { id: 'x', outcome: 'explode', reason: 'r', match: {} } ] }\n");

  const cases: [string, string[], RegExp][] = [
    ['truncated deb', ['audit', truncated], /truncated\.deb.*(offset \d+)/],
    ['garbage rpm', ['audit', join(dir, 'garbage.rpm')], /garbage\.rpm.*offset \d+/],
    ['broken policy', ['audit', good, '--policy', badPolicy], /bad\.json5:1:\d+/],
    ['missing file', ['audit', join(dir, 'nope.deb')], /nope\.deb: .*no such file/],
    ['nothing to audit', ['audit'], /nothing to audit/],
    ['a directory with no package', ['audit', join(dir, 'empty')], /empty: no package files found/],
  ];
  for (const [name, argv, pattern] of cases) {
    const io = captureIo(dir);
    t.equal(await main(argv, io), 2, `${name}: exit 2`);
    const lines = io.err.trim().split('\n').filter((l) => !l.startsWith('hint:'));
    t.equal(lines.length, 1, `${name}: one line (${io.err})`);
    t.match(lines[0], pattern, name);
    t.notMatch(io.err, /\n\s+at /, `${name}: no stack trace`);
  }

  const some = captureIo(dir);
  t.equal(await main(['audit', join(dir, 'empty'), good, '--json', '--policy', 'base'], some), 0, 'an empty directory beside a package is not an error');
  t.equal(some.err, `scriptlet: warning: no package files found in ${join(dir, 'empty')}\n`, 'but it is named');
  symlinkSync(good, join(dir, 'again.deb'));
  const twice = captureIo(dir);
  t.equal(await main(['audit', good, join(dir, 'again.deb'), '--json', '--policy', 'base'], twice), 0, 'a file given twice, once through a link');
  t.equal(twice.err, '', 'is audited once, and no warning calls the link empty');
  t.equal(JSON.parse(twice.out).packages.length, 1);

  const keep = captureIo(dir);
  t.equal(await main(['audit', dir, '--keep-going', '--json', '--policy', 'base'], keep), 2, '--keep-going still exits 2');
  t.match(JSON.parse(keep.out).packages.map((p: { name: string }) => p.name), ['ok'], 'and reports the readable packages');
  t.match(keep.err, /truncated\.deb/);
  t.match(keep.err, /garbage\.rpm/);
});

t.test('--jobs: by default one thread per CPU', async (t) => {
  for (const [cpus, jobs] of [[0, 1], [1, 1], [2, 2], [4, 4], [16, 16]] as const) t.equal(defaultJobs(cpus), jobs, `${cpus} CPUs: ${jobs} threads`);
  t.equal(parseJobs(undefined), defaultJobs(availableParallelism()));
  t.equal(parseJobs('2'), 2, 'an explicit value is kept');
  t.throws(() => parseJobs('0'), { code: 'E_USAGE' });
});
