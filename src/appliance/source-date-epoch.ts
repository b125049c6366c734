import { UsageError } from '../errors.js';

/**
 * The timestamp for reproducible output (https://reproducible-builds.org/specs/source-date-epoch/):
 * SOURCE_DATE_EPOCH when set, else `fallback` (0: the output then never depends on the clock).
 */
export function sourceDateEpoch(env: NodeJS.ProcessEnv, fallback = 0): number {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
