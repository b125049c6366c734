/**
 * Runs the command blocks (```sh) of one document as written, in order, in its own empty
 * directory, the way a reader following only that document would: `scriptlet` is on PATH (as
 * after `npm link`), and `./bin/scriptlet.js`, `policies/` and `examples/` are there as in a
 * checkout. Blocks marked not-run are skipped (doc-commands.test.ts lists them with their reasons).
 * Packages the blocks fetch with `apt-get download` come from the shared test cache, so a second
 * run needs no network.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { cacheDir } from './cache-dir.js';
import { docBlocks, type DocBlock } from './doc-blocks.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Documents whose blocks run in a test file of their own (so each stays within tap's timeout). */
export const documentsWithOwnTest: Record<string, string> = {
  'README.md': 'test/docs/readme-commands.test.ts',
  'docs/guide-audit.md': 'test/docs/guide-audit-commands.test.ts',
  'docs/guide-build.md': 'test/docs/guide-build-commands.test.ts',
  'docs/guide-policy.md': 'test/docs/guide-policy-commands.test.ts',
};

/** Fetches the .deb files a block's `apt-get download` names into the shared cache, once, under a lock. */
function prefetch(block: string, into: string): void {
  const names = [...block.matchAll(/apt-get download ([^\n;&|]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
  if (names.length === 0) return;
  const cache = cacheDir('doc-debs');
  const r = spawnSync('flock', [join(cache, '.lock'), 'apt-get', 'download', ...names], { cwd: cache, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`apt-get download ${names.join(' ')} failed: ${r.stderr}`);
  for (const f of readdirSync(cache)) {
    if (names.some((n) => f.startsWith(`${n}_`))) copyFileSync(join(cache, f), join(into, f));
  }
}

function setUp(dir: string): NodeJS.ProcessEnv {
  const pathDir = join(dir, '.path');
  mkdirSync(pathDir);
  symlinkSync(join(repoRoot, 'bin', 'scriptlet.js'), join(pathDir, 'scriptlet'));
  for (const d of ['bin', 'policies', 'examples']) symlinkSync(join(repoRoot, d), join(dir, d));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${pathDir}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  delete env.CI;
  return env;
}

function run(t: Test, b: DocBlock, dir: string, env: NodeJS.ProcessEnv): void {
  prefetch(b.text, dir);
  const started = Date.now();
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', b.text], { cwd: dir, env, encoding: 'utf8', timeout: b.slow ? 1_800_000 : 600_000 });
  const where = `${b.file}:${b.line}`;
  t.equal(r.status, b.exit, `${where} exits ${b.exit} (${((Date.now() - started) / 1000).toFixed(1)} s)`, {
    stdout: r.stdout.slice(-2000),
    stderr: r.stderr.slice(-2000),
  });
  // A block documented to fail must fail for the documented reason, not some other error.
  if (b.exit === 1) t.notMatch(r.stderr, /^scriptlet: /m, `${where} ends on its gate, not an error`);
}

/** Slow blocks (an ext2 build, a TCG boot: minutes) run when this is set; CI sets it after the suite. */
export const runSlowBlocks = process.env.SCRIPTLET_DOCS_SLOW === '1';

export function runDocument(t: Test, name: string): void {
  const all = docBlocks(name, readFileSync(join(repoRoot, name), 'utf8')).filter((b) => b.lang === 'sh' && b.notRun === undefined);
  const blocks = all.filter((b) => runSlowBlocks || b.slow === undefined);
  const skipped = all.length - blocks.length;
  t.test(`${name}: every command block runs as written${skipped ? ` (${skipped} slow blocks left to SCRIPTLET_DOCS_SLOW=1)` : ''}`, async (t) => {
    const dir = t.testdir();
    const env = setUp(dir);
    for (const b of blocks) run(t, b, dir, env);
  });
}
