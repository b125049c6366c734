/**
 * Runs `audit` work over package files (and packages already read from installed databases) on
 * `jobs` threads, the main thread and `jobs - 1` workers: each reads, analyses and classifies one
 * package at a time, and the main thread keeps each package's report entry, merged back in input
 * order. Which error stops a run does not depend on `jobs` or timing: it is the one a sequential
 * run reading every file first and then analysing every package would meet.
 */
import { Worker } from 'node:worker_threads';
import type { ScriptletError } from '../errors.js';
import { isScriptletError } from '../errors.js';
import type { Package } from '../formats/types.js';
import type { AuditPackage } from './audit-result.js';
import { auditTaskRunner, type AuditTask, type AuditTaskOptions, type AuditTaskResult, type AuditTaskRunner } from './audit-task.js';
import { fromThreadError, toThreadError } from './thread-error.js';

export interface RunAuditTasksOptions extends AuditTaskOptions {
  /** Threads working at once, the calling thread included. */
  jobs: number;
  /** Collect read errors and go on, instead of stopping at the first. */
  keepGoing: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface AuditRun {
  /** Report entries in input order: files first, then installed packages. */
  entries: AuditPackage[];
  /** With keepGoing, the files that could not be read, in input order. */
  errors: ScriptletError[];
}

/** Fewest packages worth a thread of their own. */
export const PACKAGES_PER_THREAD = 8;

interface Executor {
  /** Tasks worth handing it at once. */
  inFlight: number;
  run(task: AuditTask): Promise<AuditTaskResult>;
  close(): Promise<void>;
}

export async function runAuditTasks(
  files: readonly string[],
  readInstalled: () => Promise<Package[]>,
  options: RunAuditTasksOptions,
): Promise<AuditRun> {
  // Reading the installed databases failed: no package gets analysed, but a file read error
  // still comes first, as when every file was read before the databases.
  let installedError: unknown;
  let installed: Package[] = [];
  try {
    installed = await readInstalled();
  } catch (e) {
    installedError = e;
  }
  const sources: AuditTask['source'][] = [...files.map((file) => ({ file })), ...installed.map((pkg) => ({ pkg }))];
  const results: (AuditTaskResult | undefined)[] = new Array(sources.length);
  const taskOptions: AuditTaskOptions = { installOnly: options.installOnly, cwd: options.cwd, ...(options.policy === undefined ? {} : { policy: options.policy }) };
  let next = 0;
  let done = 0;
  let stopped = false;
  let readOnly = installedError !== undefined;

  const fatalRead = (r: AuditTaskResult): boolean => r.kind === 'read-error' && (!options.keepGoing || r.error.kind === 'bug');
  const drain = async (executor: Executor): Promise<void> => {
    while (!stopped && next < sources.length) {
      const index = next++;
      const result = await executor.run({ index, source: sources[index]!, readOnly });
      results[index] = result;
      options.onProgress?.(++done, sources.length);
      // Tasks go out in input order, so every earlier file has been handed out by now and the
      // first fatal read error is among the results once the executors finish.
      if (fatalRead(result)) stopped = true;
      else if (result.kind === 'assess-error') readOnly = true;
    }
  };

  // Starting a thread (its own parsers and policy sandboxes) costs about as much as auditing a
  // few packages, so a small set uses fewer threads than allowed.
  const count = Math.min(options.jobs, Math.ceil(sources.length / PACKAGES_PER_THREAD));
  let mainRunner: AuditTaskRunner | undefined;
  const onMainThread = (): AuditTaskRunner => (mainRunner ??= auditTaskRunner(taskOptions));
  // The main thread audits too: it would otherwise only wait, and every extra thread pays for
  // loading its own parsers and policies and for warming up its own JIT (session 5's assessment in
  // bench/results/audit-2026-11-26.md).
  const executors = [
    inProcessExecutor(onMainThread(), count > 1),
    ...Array.from({ length: count - 1 }, () => workerExecutor(taskOptions, onMainThread)),
  ];
  try {
    // A worker that has its next task queued need not wait for the main thread between tasks.
    const drained = await Promise.allSettled(executors.flatMap((e) => Array.from({ length: e.inFlight }, () => drain(e))));
    for (const d of drained) if (d.status === 'rejected') throw d.reason;
  } finally {
    await Promise.allSettled(executors.map((e) => e.close()));
    mainRunner?.dispose();
  }

  const settled = results.filter((r): r is AuditTaskResult => r !== undefined);
  const firstFatalRead = settled.find(fatalRead);
  if (firstFatalRead?.kind === 'read-error') throw fromThreadError(firstFatalRead.error);
  if (installedError !== undefined) throw installedError;
  const firstAssessError = settled.find((r) => r.kind === 'assess-error');
  if (firstAssessError?.kind === 'assess-error') throw fromThreadError(firstAssessError.error);

  const entries: AuditPackage[] = [];
  const errors: ScriptletError[] = [];
  for (const r of settled) {
    if (r.kind === 'ok' && r.entry !== null) entries.push(r.entry);
    else if (r.kind === 'read-error') {
      const e = fromThreadError(r.error);
      if (isScriptletError(e)) errors.push(e);
    }
  }
  return { entries, errors };
}

function inProcessExecutor(runner: AuditTaskRunner, yieldFirst: boolean): Executor {
  return {
    inFlight: 1,
    async run(task) {
      // A task on this thread may never wait for real I/O, and the workers' answers are only read
      // when the event loop gets a turn: without one, a worker stood idle for seconds.
      if (yieldFirst) await new Promise((resolve) => setImmediate(resolve));
      return runner.run(task);
    },
    close: async () => {},
  };
}

/** Tests run the TypeScript sources directly; the worker entry is then a .ts file too. */
const workerUrl = new URL(`./audit-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Heap caps for a worker. A V8 heap grows well past what it keeps alive when allocation is fast,
 * and mvdan-sh's objects are allocated fast: capped, the two largest scripts of the benchmark
 * corpus (73-97 KB, parsed by mvdan-sh) took 161 MB instead of 253 MB of RSS for about a quarter
 * more CPU time, since what they keep alive is under 48 MB. A package that needs more than the cap
 * is redone on the main thread, uncapped.
 */
export const WORKER_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 6 } as const;

function workerExecutor(options: AuditTaskOptions, fallback: () => AuditTaskRunner): Executor {
  interface Pending {
    task: AuditTask;
    resolve: (r: AuditTaskResult) => void;
    reject: (e: unknown) => void;
  }
  /** Tasks sent and not yet answered, by index; the worker answers them in the order sent. */
  let pending = new Map<number, Pending>();
  let failure: unknown;
  let closing = false;
  let exited = false;
  let worker = start();

  function start(): Worker {
    const w = new Worker(workerUrl, { workerData: options, resourceLimits: WORKER_LIMITS });
    w.on('message', (r: AuditTaskResult) => {
      const p = pending.get(r.index);
      pending.delete(r.index);
      p?.resolve(r);
    });
    w.on('error', (e) => {
      const lost = [...pending.values()];
      pending = new Map();
      if (lost.length > 0 && (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        // Out of its capped heap: the tasks it held on the main thread, and a fresh worker for the rest.
        worker = start();
        for (const p of lost) fallback().run(p.task).then(p.resolve, p.reject);
        return;
      }
      failure ??= fromThreadError(toThreadError(e));
      for (const p of lost) p.reject(failure);
    });
    w.on('exit', (code) => {
      if (w !== worker) return;
      exited = true;
      if (closing) return;
      failure ??= new Error(`audit worker exited (code ${code}) with a task unanswered`);
      for (const p of pending.values()) p.reject(failure);
      pending = new Map();
    });
    return w;
  }

  return {
    inFlight: 2,
    run(task) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise<AuditTaskResult>((resolve, reject) => {
        pending.set(task.index, { task, resolve, reject });
        worker.postMessage(task);
      });
    },
    async close() {
      closing = true;
      // A worker that died (an error other than running out of memory) has no exit left to wait for.
      if (exited) return;
      const w = worker;
      const done = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage(null);
      await done;
    },
  };
}
