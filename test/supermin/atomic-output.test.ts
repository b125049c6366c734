import t from 'tap';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScriptletError, ToolError } from '../../src/errors.js';
import { withAtomicOutput } from '../../src/supermin/atomic-output.js';
import { acquireExclusiveLock } from '../../src/supermin/exclusive-lock.js';
import { removeTree } from '../../src/supermin/remove-tree.js';
import { runSupermin } from '../../src/supermin/run-supermin.js';
import { superminBuildArgv } from '../../src/supermin/supermin-argv.js';
import { childEnv, tsChildArgv } from '../helpers/ts-child.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('success publishes the new output and replaces the old one', async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'appliance');
  for (const content of ['first', 'second']) {
    const result = await withAtomicOutput(out, async ({ stagingPath, workDir }) => {
      t.equal(readdirSync(workDir).length, 0, 'the staging path does not exist yet');
      mkdirSync(stagingPath);
      writeFileSync(join(stagingPath, 'root'), content);
      return content.length;
    });
    t.equal(result, content.length);
    t.equal(readFileSync(join(out, 'root'), 'utf8'), content);
  }
  t.same(readdirSync(dir).sort(), ['.appliance.lock', 'appliance'], 'nothing left but the output and its lock');
});

t.test('failure keeps the previous output and removes every leftover', async (t) => {
  const dir = t.testdir({ appliance: { root: 'old' } });
  const out = join(dir, 'appliance');
  await t.rejects(
    withAtomicOutput(out, async ({ stagingPath }) => {
      // What supermin leaves when it dies mid-build: its `<output>.XXXXXXXX` directory.
      mkdirSync(`${stagingPath}.k3j9x0qa`);
      writeFileSync(join(`${stagingPath}.k3j9x0qa`, 'root'), 'partial');
      throw new ToolError('E_TOOL_FAILED', 'supermin died');
    }),
    { code: 'E_TOOL_FAILED' },
  );
  t.equal(readFileSync(join(out, 'root'), 'utf8'), 'old');
  t.same(readdirSync(dir).sort(), ['.appliance.lock', 'appliance']);

  await t.rejects(
    withAtomicOutput(out, async () => 'forgot to build'),
    { constructor: ScriptletError, code: 'E_BUILD', message: /without producing/ },
  );
  t.equal(readFileSync(join(out, 'root'), 'utf8'), 'old');
});

t.test('a real failed supermin build leaves nothing behind', async (t) => {
  const dir = t.testdir({ 'supermin.d': { packages: 'bash\n' } });
  const out = join(dir, 'appliance');
  await t.rejects(
    withAtomicOutput(out, async ({ stagingPath, signal }) => {
      // 1 KiB is too small for mke2fs: supermin fails after creating its temporary output.
      await runSupermin(superminBuildArgv({ inputs: [join(dir, 'supermin.d')], outputDir: stagingPath, format: 'ext2', sizeBytes: 1024 }), {
        signal,
      });
    }),
    { constructor: ToolError, code: 'E_TOOL_FAILED', message: /supermin --build exited with status/ },
  );
  t.same(readdirSync(dir).sort(), ['.appliance.lock', 'supermin.d']);
});

t.test('builds of one output are serialised; a busy lock times out with E_LOCKED', async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'appliance');
  const spans: Array<[number, number]> = [];
  let waited = 0;
  const build = (tag: string) =>
    withAtomicOutput(
      out,
      async ({ stagingPath }) => {
        const start = Date.now();
        await sleep(300);
        mkdirSync(stagingPath);
        writeFileSync(join(stagingPath, 'tag'), tag);
        spans.push([start, Date.now()]);
      },
      { onWaitForLock: () => void waited++ },
    );
  await Promise.all([build('a'), build('b'), build('c')]);
  spans.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i++) {
    t.ok((spans[i] as [number, number])[0] >= (spans[i - 1] as [number, number])[1], `build ${i} started after build ${i - 1} ended`);
  }
  t.equal(waited, 2, 'two builds had to wait');

  const held = await acquireExclusiveLock(join(dir, '.appliance.lock'));
  const started = Date.now();
  await t.rejects(
    withAtomicOutput(out, async () => undefined, { lockTimeoutMs: 300 }),
    { constructor: ScriptletError, code: 'E_LOCKED' },
  );
  t.ok(Date.now() - started >= 250, 'waited for the lock before giving up');
  held.release();
  held.release();
  await withAtomicOutput(out, async ({ stagingPath }) => mkdirSync(stagingPath));
});

t.test('work directories of a killed build are swept by the next one', async (t) => {
  const dir = t.testdir({ '.appliance.scriptlet-Ab12Cd': { output: { root: 'x' } }, 'appliance.20240101': { keep: 'me' } });
  await withAtomicOutput(join(dir, 'appliance'), async ({ stagingPath }) => mkdirSync(stagingPath));
  t.same(readdirSync(dir).sort(), ['.appliance.lock', 'appliance', 'appliance.20240101'], 'only our own naming is swept');
});

t.test('SIGTERM aborts the build, cleans up and reports the interruption', async (t) => {
  const dir = t.testdir({ appliance: { root: 'old' } });
  const out = join(dir, 'appliance');
  const script = join(dir, 'interrupted.ts');
  const atomic = fileURLToPath(new URL('../../src/supermin/atomic-output.ts', import.meta.url));
  const run = fileURLToPath(new URL('../../src/process/run-tool.ts', import.meta.url));
  writeFileSync(
    script,
    [
      `import { withAtomicOutput } from ${JSON.stringify(atomic)};`,
      `import { runTool } from ${JSON.stringify(run)};`,
      `import { mkdirSync, writeFileSync } from 'node:fs';`,
      `await withAtomicOutput(${JSON.stringify(out)}, async ({ stagingPath, signal }) => {`,
      `  mkdirSync(stagingPath);`,
      `  writeFileSync(stagingPath + '/root', 'partial');`,
      `  console.log('building');`,
      `  const r = await runTool(['sleep', '60'], { signal });`,
      `  console.log('child aborted: ' + r.aborted);`,
      `});`,
    ].join('\n'),
  );
  const [node, ...args] = tsChildArgv(script);
  const child = spawn(node as string, args, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('building')) resolve();
    }),
  );
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  t.equal(signal, null, 'the process was not killed mid-clean-up');
  t.equal(code, 1);
  t.match(stderr, /E_BUILD/);
  t.match(stderr, /build interrupted by SIGTERM/);
  t.match(stdout, /child aborted: true/, 'the running tool was stopped through the abort signal');
  t.equal(readFileSync(join(out, 'root'), 'utf8'), 'old', 'the previous output is untouched');
  t.same(readdirSync(dir).sort(), ['.appliance.lock', 'appliance', 'interrupted.ts']);
});

t.test('removeTree empties read-only directories', async (t) => {
  const dir = t.testdir({ tree: { ro: { deep: { file: 'x' } } } });
  chmodSync(join(dir, 'tree', 'ro', 'deep'), 0o555);
  chmodSync(join(dir, 'tree', 'ro'), 0o555);
  removeTree(join(dir, 'tree'));
  t.same(readdirSync(dir), []);
  removeTree(join(dir, 'absent'));
});
