/**
 * Times `scriptlet audit DIR` against `dpkg-deb -e` over the same packages, and records the
 * numbers with the machine facts in bench/results/audit-YYYY-MM-DD.md. See bench/README.md.
 *
 *   npm run build && node dist/bench/audit-benchmark.js [--corpus DIR] [--runs N]
 *     [--parallel P] [--tools scriptlet,dpkg] [--cli FILE] [--note TEXT] [--no-write]
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderBenchTables, type BenchRun } from './bench-table.js';
import { parseTimeOutput, TIME_FORMAT, type TimeMeasurement } from './time-output.js';

/** The repository root: this file runs as dist/bench/audit-benchmark.js or from bench/ directly. */
function findRepo(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const repo = findRepo();

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: join(repo, '.cache', 'corpus') },
    runs: { type: 'string', default: '3' },
    parallel: { type: 'string', default: String(availableParallelism()) },
    tools: { type: 'string', default: 'scriptlet,dpkg' },
    cli: { type: 'string', default: join(repo, 'bin', 'scriptlet.js') },
    note: { type: 'string', default: '' },
    'no-write': { type: 'boolean', default: false },
  },
});

function listDebs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.deb')) out.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  return out.sort();
}

/** Runs argv under GNU time; `input` goes to the child's standard input. */
function timed(argv: readonly string[], input?: string): Promise<TimeMeasurement> {
  const scratch = mkdtempSync(join(tmpdir(), 'scriptlet-bench-time-'));
  const timeFile = join(scratch, 'time');
  return new Promise<TimeMeasurement>((resolvePromise, reject) => {
    const child = spawn('/usr/bin/time', ['-f', TIME_FORMAT, '-o', timeFile, ...argv], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.on('error', reject);
    child.on('close', () => {
      try {
        const m = parseTimeOutput(readFileSync(timeFile, 'utf8'));
        if (m.exitStatus !== 0) reject(new Error(`${argv.join(' ')} exited ${m.exitStatus}: ${stderr}`));
        else resolvePromise(m);
      } catch (err) {
        reject(err);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
    child.stdin.end(input ?? '');
  });
}

interface Tool {
  name: string;
  run(): Promise<TimeMeasurement>;
}

const corpus = resolve(values.corpus);
const debs = listDebs(corpus);
if (debs.length === 0) {
  console.error(`no .deb files under ${corpus}; fetch the corpus first (bench/README.md)`);
  process.exit(2);
}
const parallel = Number(values.parallel);
const runs = Number(values.runs);
let auditCounts = '';

const scriptletTool: Tool = {
  name: `scriptlet audit --jobs ${parallel} (1 process)`,
  async run() {
    const scratch = mkdtempSync(join(tmpdir(), 'scriptlet-bench-audit-'));
    const report = join(scratch, 'report.json');
    try {
      const m = await timed([process.execPath, '--no-node-snapshot', resolve(values.cli), 'audit', corpus, '--jobs', String(parallel), '--json', '-o', report, '-q']);
      // A run that read fewer packages than there are would be a fast wrong answer.
      const json = JSON.parse(readFileSync(report, 'utf8')) as { packages: { scripts: unknown[] }[] };
      const scripts = json.packages.reduce((n, p) => n + p.scripts.length, 0);
      if (json.packages.length !== debs.length) throw new Error(`audit reported ${json.packages.length} packages of ${debs.length}`);
      auditCounts = `${json.packages.length} packages, ${scripts} scripts reported`;
      return m;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

const dpkgTool: Tool = {
  name: `dpkg-deb -e (${parallel} parallel)`,
  async run() {
    const scratch = mkdtempSync(join(tmpdir(), 'scriptlet-bench-dpkg-'));
    try {
      // xargs -n 2 turns each (package, directory) pair into one `dpkg-deb -e PKG DIR`, P at a time.
      const pairs = debs.flatMap((deb, i) => [deb, join(scratch, String(i))]);
      return await timed(['xargs', '-0', '-P', String(parallel), '-n', '2', 'dpkg-deb', '-e'], `${pairs.join('\0')}\0`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

const wanted = new Set(values.tools.split(','));
const tools = [scriptletTool, dpkgTool].filter((t) => wanted.has(t.name.startsWith('dpkg') ? 'dpkg' : 'scriptlet'));
const loadStart = loadavg();
const results: BenchRun[] = [];
for (let run = 1; run <= runs; run++) {
  // Alternating the tools spreads a change in machine load over both.
  for (const tool of tools) {
    const loadBefore = loadavg()[0] as number;
    const measurement = await tool.run();
    results.push({ tool: tool.name, run, measurement, loadBefore });
    console.error(`${tool.name} run ${run}: ${measurement.wallSeconds} s, ${(measurement.maxRssKb / 1024).toFixed(0)} MB (load ${loadBefore.toFixed(2)})`);
  }
}
const loadEnd = loadavg();

const git = (args: string[]): string => {
  try {
    return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};
const corpusBytes = debs.reduce((n, f) => n + statSync(f).size, 0);
const now = new Date();
const facts = [
  `- when: ${now.toISOString()}`,
  `- repository HEAD: ${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) === '' ? '' : ' (work tree has uncommitted changes)'}`,
  `- cli: ${resolve(values.cli)}`,
  `- machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`,
  `- node ${process.version}; ${execFileSync('dpkg-deb', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`,
  `- load average (1/5/15 min): ${loadStart.map((l) => l.toFixed(2)).join(' ')} at start, ${loadEnd.map((l) => l.toFixed(2)).join(' ')} at end`,
  `- corpus: ${debs.length} .deb files, ${(corpusBytes / 2 ** 20).toFixed(0)} MiB, in ${corpus}${auditCounts ? `; audit: ${auditCounts}` : ''}`,
  `- parallelism: dpkg-deb ${parallel} at a time; scriptlet audit --jobs ${parallel}, one process whose max RSS covers all its threads`,
  ...(values.note ? [`- note: ${values.note}`] : []),
];
const section = `## ${now.toISOString().slice(11, 16)} UTC\n\n${facts.join('\n')}\n\n${renderBenchTables(results)}`;
process.stdout.write(`${section}\n`);
if (!values['no-write']) {
  const dir = join(repo, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `audit-${now.toISOString().slice(0, 10)}.md`);
  if (!existsSync(file)) writeFileSync(file, `# Audit benchmark, ${now.toISOString().slice(0, 10)}\n\nWritten by bench/audit-benchmark.ts; one section per invocation.\n\n`);
  appendFileSync(file, `${section}\n`);
  console.error(`appended to ${file}`);
}
