/**
 * What the guest agent said on the serial console (docs/guest-agent.md, "What a run does"): its
 * machine-readable `scriptlet-agent: …` lines, read back into data. Pure.
 */

export type AgentResult = 'ok' | 'failed' | 'incomplete';
export type StepState = 'ok' | 'failed' | 'timeout';

export interface AgentDone {
  result: AgentResult;
  ok: number;
  failed: number;
  skipped: number;
  total: number;
}

export interface AgentStepEnd {
  id: string;
  state: StepState;
  rc: number;
  seconds: number;
}

export interface AgentReport {
  /** Ids of the steps that started, in console order (a step cut off appears without an end). */
  started: string[];
  ended: AgentStepEnd[];
  /** `scriptlet-agent: error …` lines, without the prefix. */
  errors: string[];
  /** The last `done` line: a later run (e.g. a retry) supersedes an earlier one. */
  done?: AgentDone;
}

// A line can arrive with a carriage return (serial consoles translate newlines) or after kernel
// messages printed on the same line, so the prefix is searched anywhere in the line.
const DONE = /scriptlet-agent: done result=(ok|failed|incomplete) ok=(\d+) failed=(\d+) skipped=(\d+) total=(\d+)/;
const START = /scriptlet-agent: start id=(\S+)/;
const END = /scriptlet-agent: end id=(\S+) state=(ok|failed|timeout) rc=(-?\d+) seconds=(-?\d+)/;
const ERROR = /scriptlet-agent: error (.*)$/;

export function readAgentReport(console: string): AgentReport {
  const report: AgentReport = { started: [], ended: [], errors: [] };
  for (const raw of console.split('\n')) {
    const line = raw.replace(/\r/g, '');
    const done = DONE.exec(line);
    if (done) {
      report.done = {
        result: done[1] as AgentResult,
        ok: Number(done[2]),
        failed: Number(done[3]),
        skipped: Number(done[4]),
        total: Number(done[5]),
      };
      continue;
    }
    const start = START.exec(line);
    if (start) {
      report.started.push(start[1] as string);
      continue;
    }
    const end = END.exec(line);
    if (end) {
      report.ended.push({ id: end[1] as string, state: end[2] as StepState, rc: Number(end[3]), seconds: Number(end[4]) });
      continue;
    }
    const error = ERROR.exec(line);
    if (error) report.errors.push((error[1] as string).trim());
  }
  return report;
}

/** The marker a host waits for: the agent's final line, complete up to its newline. */
export const AGENT_DONE_LINE = /scriptlet-agent: done result=\S+ ok=\d+ failed=\d+ skipped=\d+ total=\d+\r?\n/;
