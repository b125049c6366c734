/**
 * The child process that runs inputs for one target. The parent kills it on a timeout, and it dies
 * alone when it exhausts its heap, so a hang or an unbounded allocation is observed, never suffered.
 * (A worker thread is not enough: one allocation larger than its heap limit aborts the whole
 * process, parent included.)
 */
import { getHeapStatistics } from 'node:v8';
import { classifyError, type Outcome } from './classify-outcome.js';
import { fuzzTarget, type TargetName } from './fuzz-targets.js';

export interface WorkerInit {
  target: TargetName;
  /** Bytes of heap plus external memory an input may leave behind or hold at its end. */
  memoryBoundBytes: number;
}

export interface RunRequest {
  id: number;
  bytes: Uint8Array;
  /** Another target than the one the worker started with (one worker can serve every target). */
  target?: TargetName;
}

export interface RunReply {
  id: number;
  outcome: Outcome;
  ms: number;
}

const init = JSON.parse(process.argv[2] ?? '{}') as WorkerInit;
const initial = fuzzTarget(init.target);
const send = process.send?.bind(process);
if (!send) throw new Error('fuzz-worker runs only as a child process with an IPC channel');

function used(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

const baseline = used();

process.on('message', async (request: RunRequest) => {
  const started = performance.now();
  const target = request.target ? fuzzTarget(request.target) : initial;
  let outcome: Outcome;
  try {
    await target.run(request.bytes);
    outcome = { kind: 'accepted' };
  } catch (e) {
    outcome = classifyError(target, e);
  }
  const grown = used() - baseline;
  if (outcome.kind !== 'bug' && grown > init.memoryBoundBytes) {
    outcome = { kind: 'bug', bug: 'memory', message: `memory grew by ${Math.round(grown / 1048576)} MiB (bound ${Math.round(init.memoryBoundBytes / 1048576)} MiB)` };
  }
  const reply: RunReply = { id: request.id, outcome, ms: performance.now() - started };
  send(reply);
});
send({ ready: true });
