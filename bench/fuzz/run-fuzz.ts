/**
 * `npm run fuzz -- [--seconds N] [--target a,b] [--seed N] [--replay FILE --target T] [--json FILE]`
 *
 * Fuzzes every reader (or the named ones) for a total of N seconds, split evenly, and prints one
 * line per target. New bugs are minimised and saved under bench/fuzz/crashes/ (git-ignored).
 * Exit status 1 when any bug was found (or a replayed input still fails), 0 otherwise.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FuzzExecutor } from './fuzz-executor.js';
import { TARGET_NAMES, type TargetName } from './fuzz-targets.js';
import { runFuzzTarget, type FuzzReport } from './run-fuzz-target.js';

const here = dirname(fileURLToPath(import.meta.url));

function targetsFrom(list: string | undefined): TargetName[] {
  if (!list) return [...TARGET_NAMES];
  const names = list.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!TARGET_NAMES.includes(n as TargetName) && n !== 'canary') throw new Error(`unknown target ${n}; known: ${TARGET_NAMES.join(', ')}`);
  }
  return names as TargetName[];
}

async function replay(target: TargetName, file: string): Promise<number> {
  const executor = new FuzzExecutor({ target, timeoutMs: 10_000, heapMb: 256, memoryBoundBytes: 192 * 1024 * 1024 });
  try {
    const { outcome, ms } = await executor.run(readFileSync(file));
    process.stdout.write(`${JSON.stringify({ target, file, ms: Math.round(ms), outcome }, null, 2)}\n`);
    return outcome.kind === 'bug' ? 1 : 0;
  } finally {
    await executor.close();
  }
}

function line(r: FuzzReport): string {
  const codes = Object.entries(r.codes)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, n]) => `${c}=${n}`)
    .join(' ');
  return `${r.target.padEnd(12)} execs=${r.executions} accepted=${r.accepted} refused=${r.refused} outcomes=${r.distinctOutcomes} corpus=${r.corpusSize} slowest=${Math.round(r.slowestMs)}ms slow=${r.slow} restarts=${r.workerRestarts} bugs=${r.bugs.length} ${codes}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      target: { type: 'string' },
      seed: { type: 'string', default: '1' },
      replay: { type: 'string' },
      'crash-dir': { type: 'string', default: join(here, 'crashes') },
      json: { type: 'string' },
      'timeout-ms': { type: 'string', default: '5000' },
    },
  });
  const targets = targetsFrom(values.target);
  if (values.replay) {
    if (targets.length !== 1) throw new Error('--replay needs exactly one --target');
    return replay(targets[0] as TargetName, values.replay);
  }
  const total = Number(values.seconds);
  const seed = Number(values.seed);
  const workdir = mkdtempSync(join(tmpdir(), 'scriptlet-fuzz-'));
  const reports: FuzzReport[] = [];
  try {
    for (const target of targets) {
      const report = await runFuzzTarget({
        target,
        seconds: total / targets.length,
        seed,
        workdir,
        crashDir: values['crash-dir'],
        timeoutMs: Number(values['timeout-ms']),
      });
      reports.push(report);
      process.stdout.write(`${line(report)}\n`);
      for (const b of report.bugs) process.stdout.write(`  BUG ${b.bug}: ${b.message} (${b.originalLength} -> ${b.input.length} bytes) ${b.savedAs ?? ''}\n`);
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
  if (values.json) {
    const plain = reports.map((r) => ({ ...r, bugs: r.bugs.map((b) => ({ ...b, input: Buffer.from(b.input).toString('base64') })) }));
    writeFileSync(values.json, `${JSON.stringify(plain, null, 2)}\n`);
  }
  const executions = reports.reduce((n, r) => n + r.executions, 0);
  const bugs = reports.reduce((n, r) => n + r.bugs.length, 0);
  process.stdout.write(`total: ${executions} executions, ${bugs} bug(s), seed ${seed}\n`);
  return bugs > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
