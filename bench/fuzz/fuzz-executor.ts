import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Outcome } from './classify-outcome.js';
import { compileForWorkers } from './compile-for-workers.js';
import type { TargetName } from './fuzz-targets.js';
import type { RunReply, WorkerInit } from './fuzz-worker.js';

export interface ExecutorOptions {
  target: TargetName;
  /** Wall time per input before the worker is killed and the input recorded as a hang. */
  timeoutMs: number;
  /** Old-generation heap of the worker, in MiB; exhausting it is recorded as a memory bug. */
  heapMb: number;
  /** Memory an input may still hold when it finishes. */
  memoryBoundBytes: number;
}

export interface Execution {
  outcome: Outcome;
  ms: number;
}

/**
 * Runs inputs one at a time in a child process, restarting it after a hang, a heap exhaustion or
 * a crash. Only this executor's own child is ever killed, through its handle.
 */
export class FuzzExecutor {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private target: TargetName;
  restarts = 0;

  constructor(private readonly options: ExecutorOptions) {
    this.target = options.target;
  }

  /**
   * Runs the next inputs against another target in the same worker: starting one costs about a
   * second on a loaded machine, which dominated short runs over every target.
   */
  useTarget(target: TargetName): void {
    this.target = target;
  }

  private start(): Promise<void> {
    const init: WorkerInit = { target: this.options.target, memoryBoundBytes: this.options.memoryBoundBytes };
    const child = fork(join(compileForWorkers(), 'bench', 'fuzz', 'fuzz-worker.js'), [JSON.stringify(init)], {
      // Plain JavaScript: no TypeScript loader, so a restart after a hang is quick.
      execArgv: [`--max-old-space-size=${this.options.heapMb}`],
      serialization: 'advanced',
      // A library warning on the child's console is not the oracle; keep the run's output clean.
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: unknown): void => {
        if ((m as { ready?: boolean }).ready) {
          child.off('exit', onExit);
          child.off('message', onMessage);
          resolve();
        }
      };
      const onExit = (code: number | null, signal: string | null): void => reject(new Error(`fuzz worker exited at start (${signal ?? code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    return this.ready;
  }

  async run(bytes: Uint8Array, timeoutMs = this.options.timeoutMs): Promise<Execution> {
    if (!this.child) await this.start();
    else await this.ready;
    const child = this.child as ChildProcess;
    const id = this.nextId++;
    const started = performance.now();
    return new Promise<Execution>((resolve) => {
      let settled = false;
      const finish = (execution: Execution, kill: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (kill) {
          this.child = undefined;
          this.restarts++;
          child.kill('SIGKILL');
        }
        resolve(execution);
      };
      const onMessage = (reply: RunReply): void => {
        if (reply.id === id) finish({ outcome: reply.outcome, ms: reply.ms }, false);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        // V8 aborts (SIGABRT, or exit 134) when the heap limit is reached.
        const memory = signal === 'SIGABRT' || code === 134;
        const message = memory ? `worker heap of ${this.options.heapMb} MiB exhausted` : `worker died (${signal ?? `exit ${code}`})`;
        finish({ outcome: { kind: 'bug', bug: memory ? 'memory' : 'worker-crash', message }, ms: performance.now() - started }, true);
      };
      const timer = setTimeout(
        () => finish({ outcome: { kind: 'bug', bug: 'timeout', message: `no answer within ${timeoutMs} ms` }, ms: timeoutMs }, true),
        timeoutMs,
      );
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ id, bytes, ...(this.target !== this.options.target ? { target: this.target } : {}) });
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await gone;
    }
  }
}
