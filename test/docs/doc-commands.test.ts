/**
 * Runs every command block (```sh) of README.md, docs/*.md and examples/**\/*.md as written, in
 * order, each document in its own empty directory, the way a reader following only that document
 * would: `scriptlet` is on PATH (as after `npm link`) and `./bin/scriptlet.js` works as from a
 * checkout. Blocks marked `<!-- not-run: why -->` are listed, not run; the reason must name what
 * covers them instead. Packages the docs fetch with `apt-get download` are taken from the shared
 * test cache first, so a second run needs no network.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../helpers/cache-dir.js';
import { commandLines, docBlocks, type DocBlock } from '../helpers/doc-blocks.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []))
    .sort();
}

const documents = [join(repo, 'README.md'), ...markdownFiles(join(repo, 'docs')), ...markdownFiles(join(repo, 'examples'))];

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
  symlinkSync(join(repo, 'bin', 'scriptlet.js'), join(pathDir, 'scriptlet'));
  // As in a checkout: ./bin/scriptlet.js, and the shipped policies next to it.
  symlinkSync(join(repo, 'bin'), join(dir, 'bin'));
  symlinkSync(join(repo, 'policies'), join(dir, 'policies'));
  symlinkSync(join(repo, 'examples'), join(dir, 'examples'));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${pathDir}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  return env;
}

const notRun: string[] = [];

for (const doc of documents) {
  const name = relative(repo, doc);
  const blocks = docBlocks(name, readFileSync(doc, 'utf8'));

  t.test(`${name}: no command hides outside a sh block`, async (t) => {
    for (const b of blocks.filter((b) => b.lang !== 'sh')) {
      t.same(commandLines(b.text), [], `${name}:${b.line} (${b.lang || 'untagged'} fence) holds commands; tag it sh`);
    }
  });

  const runnable = blocks.filter((b) => b.lang === 'sh');
  if (runnable.length === 0) continue;
  for (const b of runnable.filter((b) => b.notRun !== undefined)) notRun.push(`${name}:${b.line}: ${b.notRun}`);

  t.test(`${name}: every command block runs as written`, async (t) => {
    const dir = t.testdir();
    const env = setUp(dir);
    for (const b of runnable) {
      if (b.notRun !== undefined) {
        t.ok(b.notRun.length > 10, `${name}:${b.line} not run: ${b.notRun}`);
        continue;
      }
      run(t, b, dir, env);
    }
  });
}

function run(t: Test, b: DocBlock, dir: string, env: NodeJS.ProcessEnv): void {
  prefetch(b.text, dir);
  const started = Date.now();
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', b.text], { cwd: dir, env, encoding: 'utf8', timeout: 180_000 });
  const where = `${b.file}:${b.line}`;
  t.equal(r.status, b.exit, `${where} exits ${b.exit} (${((Date.now() - started) / 1000).toFixed(1)} s)`, {
    stdout: r.stdout.slice(-2000),
    stderr: r.stderr.slice(-2000),
  });
  // A command that fails for a reason other than the documented gate prints a scriptlet error line.
  if (b.exit !== 0) t.notMatch(r.stderr, /^scriptlet: /m, `${where} ends on its gate, not an error`);
}

t.test('blocks not run, and why', async (t) => {
  for (const line of notRun) t.comment(line);
  t.pass(`${notRun.length} blocks not run`);
});

t.test('the documents exist', async (t) => {
  for (const d of documents) t.ok(statSync(d).size > 0, relative(repo, d));
});
