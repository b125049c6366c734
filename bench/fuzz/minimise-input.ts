import { bugSignature, type Outcome } from './classify-outcome.js';

export interface MinimiseOptions {
  /** Runs one candidate; the executor's outcome. */
  run: (bytes: Uint8Array) => Promise<Outcome>;
  /** Most candidates tried (each may cost a whole timeout for a hang). */
  maxAttempts: number;
}

/**
 * Shrinks a failing input while it still fails the same way (same bug signature): removes chunks
 * of halving size, then tries replacing each remaining byte by a plain one. Greedy, not minimal
 * in theory, but what is left is small enough to read.
 */
export async function minimiseInput(input: Uint8Array, signature: string, options: MinimiseOptions): Promise<Uint8Array> {
  let best = input;
  let attempts = 0;
  const same = async (candidate: Uint8Array): Promise<boolean> => {
    attempts++;
    const outcome = await options.run(candidate);
    return outcome.kind === 'bug' && bugSignature(outcome) === signature;
  };
  for (let chunk = Math.max(1, Math.floor(best.length / 2)); chunk >= 1 && attempts < options.maxAttempts; ) {
    let progress = false;
    for (let start = 0; start < best.length && attempts < options.maxAttempts; ) {
      const candidate = Buffer.concat([best.subarray(0, start), best.subarray(start + chunk)]);
      if (candidate.length < best.length && (await same(candidate))) {
        best = candidate;
        progress = true;
      } else start += chunk;
    }
    if (!progress) chunk = Math.floor(chunk / 2);
  }
  return best;
}
