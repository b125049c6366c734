/**
 * What one boot of an appliance amounted to, judged from the serial console and how qemu ended.
 * Pure: the boot command turns it into an exit code and a message.
 */
import { readAgentReport, type AgentDone, type AgentStepEnd } from './agent-report.js';

export type BootOutcome =
  /** The agent reported that every step succeeded. */
  | { kind: 'ok'; done: AgentDone }
  /** The agent finished and some steps failed or timed out (last result of each). */
  | { kind: 'failed'; done: AgentDone; failedSteps: AgentStepEnd[] }
  /** The agent ended without a result for every step (it could not write its journal, a bad plan). */
  | { kind: 'incomplete'; done: AgentDone; errors: string[] }
  /** Nothing to run: the image's agent had finished on an earlier boot, and it stayed quiet. */
  | { kind: 'already-done' }
  /** qemu was stopped by the time limit before the agent reported. */
  | { kind: 'timeout'; started: string[]; lastStarted?: string }
  /** The guest ended (powered off, panicked, crashed) without the agent's report. */
  | { kind: 'no-report'; started: string[]; errors: string[]; panic: boolean };

export interface BootObservation {
  console: string;
  timedOut: boolean;
  /** The image held the agent's `done` marker before this boot. */
  doneBefore: boolean;
}

export function bootOutcome(o: BootObservation): BootOutcome {
  const report = readAgentReport(o.console);
  const done = report.done;
  if (done) {
    if (done.result === 'ok') return { kind: 'ok', done };
    if (done.result === 'failed') {
      const last = new Map<string, AgentStepEnd>();
      for (const end of report.ended) last.set(end.id, end);
      return { kind: 'failed', done, failedSteps: [...last.values()].filter((e) => e.state !== 'ok') };
    }
    return { kind: 'incomplete', done, errors: report.errors };
  }
  if (o.timedOut) {
    const lastStarted = report.started.at(-1);
    return { kind: 'timeout', started: report.started, ...(lastStarted !== undefined ? { lastStarted } : {}) };
  }
  if (o.doneBefore && report.started.length === 0 && report.errors.length === 0) return { kind: 'already-done' };
  return { kind: 'no-report', started: report.started, errors: report.errors, panic: /Kernel panic/.test(o.console) };
}
