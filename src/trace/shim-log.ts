/**
 * Reads the shims' call log: NUL-separated fields, `call PID PPID NAME HANDLING ARGC ARG…` when a
 * shim starts and `exit PID STATUS HOW` when it ends. The script can write to the log as well, so
 * anything that does not parse ends the reading and is reported, never trusted.
 */
import type { ShimHandling } from './shim-scripts.js';

export type CallOutcome = 'forwarded' | 'missing' | 'denied' | 'emulated';

export interface ShimCall {
  name: string;
  args: string[];
  handling: ShimHandling | 'policy';
  pid: number;
  ppid: number;
  /** Absent when the shim never reported its end (killed, timed out, or log tampered with). */
  exit?: number;
  outcome?: CallOutcome;
}

export interface ShimLog {
  calls: ShimCall[];
  /** Set when the log ended in a record that does not parse. */
  malformedAt?: number;
}

const handlings = new Set(['forward', 'deny-service', 'no-daemon', 'no-power', 'systemctl', 'policy']);
const outcomes = new Set(['forwarded', 'missing', 'denied', 'emulated']);
/** Far more arguments than any real call; a count beyond it is a forged record. */
const MAX_ARGS = 65536;

function int(s: string | undefined): number | undefined {
  return s !== undefined && /^[0-9]{1,10}$/.test(s) ? Number(s) : undefined;
}

export function parseShimLog(text: string): ShimLog {
  const fields = text.split('\0');
  // A complete log ends with a separator, so the last element is empty.
  if (fields.at(-1) === '') fields.pop();
  const calls: ShimCall[] = [];
  const open = new Map<number, ShimCall>();
  let i = 0;
  while (i < fields.length) {
    const start = i;
    const kind = fields[i];
    if (kind === 'call') {
      const pid = int(fields[i + 1]);
      const ppid = int(fields[i + 2]);
      const name = fields[i + 3];
      const handling = fields[i + 4];
      const argc = int(fields[i + 5]);
      if (pid === undefined || ppid === undefined || !name || !handling || !handlings.has(handling) || argc === undefined || argc > MAX_ARGS || i + 6 + argc > fields.length) {
        return { calls, malformedAt: start };
      }
      const call: ShimCall = { name, args: fields.slice(i + 6, i + 6 + argc), handling: handling as ShimCall['handling'], pid, ppid };
      calls.push(call);
      open.set(pid, call);
      i += 6 + argc;
    } else if (kind === 'exit') {
      const pid = int(fields[i + 1]);
      const status = int(fields[i + 2]);
      const how = fields[i + 3];
      if (pid === undefined || status === undefined || how === undefined || !outcomes.has(how)) return { calls, malformedAt: start };
      const call = open.get(pid);
      if (call) {
        call.exit = status;
        call.outcome = how as CallOutcome;
        open.delete(pid);
      }
      i += 4;
    } else {
      return { calls, malformedAt: start };
    }
  }
  return { calls };
}
