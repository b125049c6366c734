import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleAuditResult } from '../../src/audit/build-audit-result.js';
import { PACKAGES_PER_THREAD, runAuditTasks, type RunAuditTasksOptions } from '../../src/audit/run-audit-tasks.js';
import { ScriptletError, isScriptletError } from '../../src/errors.js';
import { findPackageFiles } from '../../src/formats/find-package-files.js';
import type { Package } from '../../src/formats/types.js';
import { renderJson } from '../../src/report/render-json.js';
import { buildDeb } from '../helpers/build-deb.js';

const control = (name: string) => `Package: ${name}\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: test\n`;

const scripts: Record<string, string>[] = [
  { postinst: '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then\n  ssh-keygen -A\nfi\n' },
  { postinst: '#!/bin/sh\nadduser --system --group --home /var/lib/u u\n', prerm: '#!/bin/sh\nrm -rf "$X"/cache\n' },
  { postinst: '#!/bin/sh\nmkdir -p /a/very/long/path/that/is/long/enough\n' },
  { preinst: '#!/bin/bash\nfor f in a b; do echo "$f" | grep -q x && wget http://example.org/$f; done\n' },
  { postrm: '#!/bin/sh\ncase "$1" in purge) rm -f /etc/x.conf ;; esac\n' },
];

/**
 * A policy with a JavaScript predicate, so worker threads must run isolated-vm sandboxes of their
 * own; `explode` makes the predicate throw, a failure during classification.
 */
function writePolicy(dir: string): string {
  writeFileSync(
    join(dir, 'long.js'),
    'export function match(i) { if (i.command.name === "explode") throw new Error("boom"); return i.command.args.some((a) => a.text.length > 20); }\n',
  );
  const file = join(dir, 'jobs-test.json5');
  writeFileSync(
    file,
    `{
  name: 'jobs-test', family: 'debian', extends: 'base',
  rules: [
    { id: 'long-path', match: { command: ['mkdir', 'explode'], js: './long.js' }, outcome: 'defer', reason: 'long path' },
    { id: 'keygen-defers', match: { command: 'ssh-keygen' }, outcome: 'defer', reason: 'host keys' },
  ],
}
`,
  );
  return file;
}

function buildSet(dir: string, count: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `pkg${String(i).padStart(2, '0')}`;
    files.push(buildDeb(dir, name, { control: control(name), files: scripts[i % scripts.length]! }));
  }
  return files;
}

const options = (dir: string, policy: string, jobs: number, extra: Partial<RunAuditTasksOptions> = {}): RunAuditTasksOptions => ({
  jobs,
  keepGoing: false,
  installOnly: false,
  cwd: dir,
  policy,
  ...extra,
});

const noInstalled = async (): Promise<Package[]> => [];

async function failure(run: () => Promise<unknown>): Promise<ScriptletError> {
  try {
    await run();
  } catch (e) {
    if (isScriptletError(e)) return e;
    throw e;
  }
  throw new Error('expected the run to fail');
}

/** One run at a time, as the CLI makes them. */
async function sequentially<T>(jobs: number[], run: (jobs: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const j of jobs) out.push(await run(j));
  return out;
}

const describe = (e: ScriptletError) => ({ name: e.name, code: e.code, line: e.toOneLine() });

const installed: Package = {
  format: 'deb',
  name: 'pkg00',
  version: '1.0-1',
  arch: 'all',
  depends: [],
  preDepends: [],
  provides: [],
  source: 'dpkg:/var/lib/dpkg',
  scriptlets: [
    { package: 'pkg00', format: 'deb', phase: 'postinst', interpreter: { kind: 'sh', argv: ['/bin/sh'] }, body: 'mkdir -p /a/very/long/path/that/is/long/enough\n', origin: 'info/pkg00.postinst' },
  ],
};

// Worker threads start slowly under the test runner (each loads the TypeScript sources), so the
// cases share as few runs as they can.
t.test('--jobs 2 gives the report --jobs 1 gives, with JavaScript predicates in the workers', async (t) => {
  const dir = t.testdir();
  const policy = writePolicy(dir);
  const count = 2 * PACKAGES_PER_THREAD + 1;
  const files = buildSet(dir, count).sort();
  const reports: string[] = [];
  for (const jobs of [1, 2]) {
    let progress = 0;
    const run = await runAuditTasks(files, async () => [installed], options(dir, policy, jobs, { onProgress: (done) => (progress = done) }));
    t.same(run.entries.map((e) => e.source), [...files, 'dpkg:/var/lib/dpkg'], `jobs ${jobs}: every package, files then installed, in input order`);
    t.equal(progress, count + 1, `jobs ${jobs}: progress reaches the total`);
    reports.push(renderJson(assembleAuditResult(run.entries)));
  }
  t.equal(reports[1], reports[0], 'jobs 2 is byte-identical to jobs 1');
  const result = JSON.parse(reports[0]!);
  const rules = result.packages.flatMap((p: { scripts: { verdict: { rule: { id: string } } }[] }) => p.scripts.map((s) => s.verdict.rule.id));
  t.ok(rules.includes('long-path'), 'the JavaScript predicate decided a verdict');
});

t.test('errors are the same at any --jobs', async (t) => {
  const dir = t.testdir();
  const policy = writePolicy(dir);
  const files = buildSet(dir, 2 * PACKAGES_PER_THREAD);
  // Two unreadable files, and a package whose script makes the predicate throw.
  writeFileSync(join(dir, 'pkg03.deb'), readFileSync(files[3]!).subarray(0, 300));
  writeFileSync(join(dir, 'pkg12.deb'), readFileSync(files[12]!).subarray(0, 200));
  buildDeb(dir, 'pkg01', { control: control('pkg01'), files: { postinst: '#!/bin/sh\nexplode now\n' } });
  const { files: found } = await findPackageFiles([dir]);

  const stopped = await sequentially([1, 2], (jobs) => failure(() => runAuditTasks(found, noInstalled, options(dir, policy, jobs))));
  t.same(describe(stopped[1]!), describe(stopped[0]!), 'without --keep-going: the same first error');
  t.equal(stopped[0]!.name, 'FormatError', 'reading every file comes before analysing any: the read error wins');
  t.match(stopped[0]!.context.file, /pkg03\.deb$/);

  const kept = await sequentially([1, 2], (jobs) => failure(() => runAuditTasks(found, noInstalled, options(dir, policy, jobs, { keepGoing: true }))));
  t.same(describe(kept[1]!), describe(kept[0]!), 'with --keep-going: the same analysis error');
  t.equal(kept[0]!.code, 'E_POLICY_SANDBOX');
  t.match(kept[0]!.toOneLine(), /long\.js/);

  // Without the exploding package, --keep-going reports both unreadable files, in order.
  buildDeb(dir, 'pkg01', { control: control('pkg01'), files: scripts[1]! });
  const runs = await sequentially([1, 2], (jobs) => runAuditTasks(found, noInstalled, options(dir, policy, jobs, { keepGoing: true })));
  for (const [i, run] of runs.entries()) {
    t.same(
      run.errors.map((e) => e.context.file?.replace(/.*\//, '')),
      ['pkg03.deb', 'pkg12.deb'],
      `jobs ${i + 1}: both read errors`,
    );
    t.ok(run.errors.every((e) => e instanceof ScriptletError && e.name === 'FormatError'), 'rebuilt as their own class');
    t.equal(run.entries.length, found.length - 2);
  }
  t.same(runs[1]!.errors.map(describe), runs[0]!.errors.map(describe));
  t.equal(renderJson(assembleAuditResult(runs[1]!.entries)), renderJson(assembleAuditResult(runs[0]!.entries)));

  const installedFails = async (): Promise<Package[]> => {
    throw new ScriptletError('E_IO', 'cannot read the dpkg database', { file: '/nowhere/status' });
  };
  const dbErrors = await sequentially([1, 2], (jobs) => failure(() => runAuditTasks(found, installedFails, options(dir, policy, jobs, { keepGoing: true }))));
  t.equal(dbErrors[0]!.code, 'E_IO', 'a database that cannot be read stops the run');
  t.same(describe(dbErrors[1]!), describe(dbErrors[0]!));
});
