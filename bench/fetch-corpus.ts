/**
 * Downloads the benchmark corpus (real Debian packages) into a cache directory with apt-get.
 * Usage: node dist/bench/fetch-corpus.js [--count N] [--dir DIR]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDumpavail, selectCorpus } from './select-corpus.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1200' },
    dir: { type: 'string', default: resolve('.cache/corpus') },
    seed: { type: 'string', default: 'scriptlet-corpus-1' },
  },
});
const dir = values.dir;
mkdirSync(dir, { recursive: true });
const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
const dump = execFileSync('apt-cache', ['dumpavail'], { encoding: 'utf8', maxBuffer: 1 << 30 });
const names = selectCorpus(parseDumpavail(dump, arch), {
  count: Number(values.count),
  maxSize: 40 * 1024 * 1024,
  seed: values.seed,
  arch,
});
const have = new Set(readdirSync(dir).filter((f) => f.endsWith('.deb')).map((f) => f.split('_')[0]));
const todo = names.filter((n) => !have.has(n));
console.error(`corpus: ${names.length} packages, ${todo.length} to download into ${dir}`);
for (let i = 0; i < todo.length; i += 100) {
  const batch = todo.slice(i, i + 100);
  const r = spawnSync('apt-get', ['download', '-q', ...batch], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    // One unavailable name fails the whole batch: retry one by one so the rest still arrive.
    for (const n of batch) spawnSync('apt-get', ['download', '-q', n], { cwd: dir, stdio: 'ignore' });
  }
}
const got = readdirSync(dir).filter((f) => f.endsWith('.deb')).length;
console.error(`corpus: ${got} .deb files in ${dir}`);
if (!existsSync(join(dir))) process.exitCode = 1;
