import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compressWith } from '../../test/helpers/make-archives.js';
import { bugSignature, type BugKind, type Outcome } from './classify-outcome.js';
import { FuzzExecutor } from './fuzz-executor.js';
import { buildSeeds } from './fuzz-seeds.js';
import type { TargetName } from './fuzz-targets.js';
import { minimiseInput } from './minimise-input.js';
import { mutate } from './mutate.js';
import { Prng, seedFrom } from './prng.js';

export interface FuzzRunOptions {
  target: TargetName;
  /** Wall time for mutants, after the seeds have run. */
  seconds: number;
  /** Stop after this many executions even if time is left (0: no cap). */
  maxExecs?: number;
  /** Run only the first this many seeds (they run before the clock starts); default all. */
  maxSeeds?: number;
  /** The run's PRNG seed; the target name is mixed in, so targets differ. */
  seed: number;
  /** Where tool-built seed fixtures go. */
  workdir: string;
  /** Where each new bug's minimised input and description are written; none when absent. */
  crashDir?: string;
  timeoutMs?: number;
  heapMb?: number;
  memoryBoundBytes?: number;
  maxInputBytes?: number;
  /** Candidates tried when minimising one bug (default 400). */
  minimiseAttempts?: number;
  /** The same for a hang, memory or crash bug, where each candidate costs a worker restart (default 10). */
  minimiseKillingAttempts?: number;
  /**
   * A worker shared with other runs (its timeout, heap and memory bound apply instead of the
   * options above); left running at the end. Without it the run starts and stops its own.
   */
  executor?: FuzzExecutor;
}

export interface FoundBug {
  signature: string;
  bug: BugKind;
  message: string;
  stack?: string;
  originalLength: number;
  /** The minimised input. */
  input: Uint8Array;
  savedAs?: string;
}

export interface FuzzReport {
  target: TargetName;
  seed: number;
  seeds: number;
  executions: number;
  accepted: number;
  refused: number;
  /** Refusals by error code. */
  codes: Record<string, number>;
  /** Distinct outcome signatures seen (a rough measure of how much of the reader was reached). */
  distinctOutcomes: number;
  corpusSize: number;
  workerRestarts: number;
  slowestMs: number;
  /** Inputs that missed the deadline once but finished within four times it (not counted as hangs). */
  slow: number;
  bugs: FoundBug[];
}

const CORPUS_CAP = 512;
const TEXT_TARGETS: ReadonlySet<TargetName> = new Set<TargetName>(['shell', 'policy', 'deb-control', 'deb-depends', 'dpkg-status', 'pkginfo']);

/** Refusals differ by code and message shape; numbers and quoted names do not make a new one. */
function outcomeKey(outcome: Outcome): string {
  if (outcome.kind === 'accepted') return 'accepted';
  if (outcome.kind === 'bug') return bugSignature(outcome);
  return `${outcome.code}|${outcome.oneLine.replace(/"(?:[^"\\]|\\.)*"/g, 'S').replace(/[0-9]+/g, 'N')}`;
}

function recompress(wrap: 'gzip' | 'xz' | 'zstd', plain: Uint8Array): Uint8Array {
  return wrap === 'gzip' ? gzipSync(plain) : compressWith(wrap, plain);
}

/**
 * Fuzzes one target: runs its seeds, then mutants of an evolving corpus (a mutant that produces an
 * outcome not seen before joins it) until the time or execution budget is spent. Each new bug is
 * minimised and, with `crashDir`, saved as `<target>-<hash>.bin` with a `.txt` beside it.
 */
export async function runFuzzTarget(options: FuzzRunOptions): Promise<FuzzReport> {
  const built = await buildSeeds(options.target, options.workdir);
  const { dictionary, wrap, inner } = built;
  const seeds = options.maxSeeds === undefined ? built.seeds : built.seeds.slice(0, Math.max(1, options.maxSeeds));
  const rng = new Prng(seedFrom(`${options.target}:${options.seed}`));
  // Text targets get smaller inputs: a megabyte of shell is not a maintainer script, and parsing it
  // only slows the run down.
  const maxLength = options.maxInputBytes ?? (TEXT_TARGETS.has(options.target) ? 64 * 1024 : 256 * 1024);
  const executor =
    options.executor ??
    new FuzzExecutor({
      target: options.target,
      timeoutMs: options.timeoutMs ?? 5000,
      heapMb: options.heapMb ?? 256,
      memoryBoundBytes: options.memoryBoundBytes ?? 192 * 1024 * 1024,
    });
  executor.useTarget(options.target);
  const restartsBefore = executor.restarts;
  const report: FuzzReport = {
    target: options.target,
    seed: options.seed,
    seeds: seeds.length,
    executions: 0,
    accepted: 0,
    refused: 0,
    codes: {},
    distinctOutcomes: 0,
    corpusSize: 0,
    workerRestarts: 0,
    slowestMs: 0,
    slow: 0,
    bugs: [],
  };
  const seen = new Set<string>();
  const corpus: Uint8Array[] = [];
  const innerCorpus: Uint8Array[] = [...(inner ?? [])];
  const bugSignatures = new Set<string>();

  const timeoutMs = options.timeoutMs ?? 5000;
  const execute = async (bytes: Uint8Array, asSeed: boolean): Promise<void> => {
    let { outcome, ms } = await executor.run(bytes);
    if (outcome.kind === 'bug' && outcome.bug === 'timeout') {
      // On a busy machine a slow input can miss the deadline once: a hang must miss a longer one too.
      ({ outcome, ms } = await executor.run(bytes, timeoutMs * 4));
      if (outcome.kind !== 'bug' || outcome.bug !== 'timeout') report.slow++;
    }
    report.executions++;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (outcome.kind === 'accepted') report.accepted++;
    else if (outcome.kind === 'refused') {
      report.refused++;
      report.codes[outcome.code] = (report.codes[outcome.code] ?? 0) + 1;
    }
    const key = outcomeKey(outcome);
    const fresh = !seen.has(key);
    seen.add(key);
    if (asSeed || fresh) {
      if (corpus.length < CORPUS_CAP) corpus.push(bytes);
      else corpus[rng.below(CORPUS_CAP)] = bytes;
    }
    if (outcome.kind !== 'bug') return;
    const signature = bugSignature(outcome);
    if (bugSignatures.has(signature)) return;
    bugSignatures.add(signature);
    // A hang or a memory bug costs a worker restart per candidate: fewer tries for those.
    const killing = outcome.bug === 'timeout' || outcome.bug === 'memory' || outcome.bug === 'worker-crash';
    const attempts = killing ? (options.minimiseKillingAttempts ?? 10) : (options.minimiseAttempts ?? 400);
    const minimal = await minimiseInput(bytes, signature, { run: async (b) => (await executor.run(b)).outcome, maxAttempts: attempts });
    const found: FoundBug = {
      signature,
      bug: outcome.bug,
      message: outcome.message,
      ...(outcome.stack ? { stack: outcome.stack } : {}),
      originalLength: bytes.length,
      input: minimal,
    };
    if (options.crashDir) {
      mkdirSync(options.crashDir, { recursive: true });
      const name = `${options.target}-${createHash('sha256').update(minimal).digest('hex').slice(0, 12)}`;
      writeFileSync(join(options.crashDir, `${name}.bin`), minimal);
      writeFileSync(
        join(options.crashDir, `${name}.txt`),
        `target: ${options.target}\nkind: ${outcome.bug}\nsignature: ${signature}\nmessage: ${outcome.message}\noriginal length: ${bytes.length}\n\n${outcome.stack ?? ''}\n`,
      );
      found.savedAs = join(options.crashDir, `${name}.bin`);
    }
    report.bugs.push(found);
  };

  try {
    for (const s of seeds) await execute(s, true);
    const deadline = performance.now() + options.seconds * 1000;
    while (performance.now() < deadline && (!options.maxExecs || report.executions < options.maxExecs)) {
      let input: Uint8Array;
      if (wrap && innerCorpus.length > 0 && rng.chance(1, 4)) {
        // Structure-aware: mutate the tar inside, then compress it properly, so the tar parser
        // sees the damage instead of the decompressor's checksum.
        const mutated = mutate(rng.pick(innerCorpus), rng, { corpus: innerCorpus, dictionary, maxLength });
        innerCorpus.push(mutated);
        if (innerCorpus.length > CORPUS_CAP) innerCorpus.splice(rng.below(innerCorpus.length), 1);
        input = recompress(wrap, mutated);
      } else {
        input = mutate(rng.pick(corpus.length > 0 ? corpus : seeds), rng, { corpus, dictionary, maxLength });
      }
      await execute(input, false);
    }
  } finally {
    report.workerRestarts = executor.restarts - restartsBefore;
    if (!options.executor) await executor.close();
  }
  report.distinctOutcomes = seen.size;
  report.corpusSize = corpus.length;
  return report;
}
