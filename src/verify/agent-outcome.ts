/**
 * How the guest agent's run went in `verify --first-boot`, read from what it leaves in the image
 * (docs/guest-agent.md): status.json for each step's state, and the tail of a failed step's log so
 * the report shows why. Pure: the texts come in, the outcome goes out.
 */

export type AgentRunResult = 'ok' | 'failed' | 'incomplete' | 'not-run';

export interface FailedStep {
  id: string;
  package: string;
  phase: string;
  /** `failed`, `timeout`, `started` (cut off) or `pending` (never ran). */
  state: string;
  exitCode: number | null;
  note: string | null;
  /** The last lines of the step's log (all attempts). */
  logTail: string[];
}

export interface AgentOutcome {
  result: AgentRunResult;
  total: number;
  ok: number;
  failed: FailedStep[];
  /** Why the agent did not run or its status could not be read; the tail of summary.log. */
  problem?: string;
}

/** Lines of a failed step's log kept in the report. */
export const LOG_TAIL_LINES = 15;

/** A step as status.json records it; its log is a path relative to the agent's state directory. */
type StatusStep = Omit<FailedStep, 'logTail'> & { log?: string };

function tail(text: string | undefined, n: number): string[] {
  if (text === undefined) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n);
}

function parseStatus(text: string): { result: string; steps: StatusStep[] } | undefined {
  try {
    const doc = JSON.parse(text) as { result?: unknown; steps?: unknown };
    if (typeof doc.result !== 'string' || !Array.isArray(doc.steps)) return undefined;
    const steps = (doc.steps as Record<string, unknown>[]).filter((s) => typeof s.id === 'string' && typeof s.state === 'string');
    return {
      result: doc.result,
      steps: steps.map((s) => ({
        id: s.id as string,
        package: typeof s.package === 'string' ? s.package : '',
        phase: typeof s.phase === 'string' ? s.phase : '',
        state: s.state as string,
        exitCode: typeof s.exitCode === 'number' ? s.exitCode : null,
        note: typeof s.note === 'string' ? s.note : null,
        ...(typeof s.log === 'string' ? { log: s.log } : {}),
      })),
    };
  } catch {
    return undefined;
  }
}

/**
 * `status` is status.json's text (undefined when missing), `readState` reads a file under
 * /var/lib/scriptlet by its relative path, `planned` is the number of steps in the plan.
 */
export function agentOutcome(status: string | undefined, readState: (rel: string) => string | undefined, planned: number): AgentOutcome {
  if (planned === 0) return { result: 'ok', total: 0, ok: 0, failed: [] };
  const parsed = status === undefined ? undefined : parseStatus(status);
  if (!parsed) {
    const summary = tail(readState('summary.log'), LOG_TAIL_LINES).join('\n');
    return {
      result: 'not-run',
      total: planned,
      ok: 0,
      failed: [],
      problem: `${status === undefined ? 'the agent left no status.json' : 'status.json is not the agent’s format'}${summary ? `; summary.log ends:\n${summary}` : ' and no summary.log'}`,
    };
  }
  const failed = parsed.steps
    .filter((s) => s.state !== 'ok')
    .map((s): FailedStep => ({ id: s.id, package: s.package, phase: s.phase, state: s.state, exitCode: s.exitCode, note: s.note, logTail: tail(readState(s.log ?? `logs/${s.id}.log`), LOG_TAIL_LINES) }));
  const ok = parsed.steps.filter((s) => s.state === 'ok').length;
  const result: AgentRunResult = parsed.result === 'ok' && failed.length === 0 && parsed.steps.length === planned ? 'ok' : parsed.result === 'incomplete' ? 'incomplete' : 'failed';
  return {
    result,
    total: parsed.steps.length,
    ok,
    failed,
    ...(parsed.steps.length !== planned ? { problem: `status.json lists ${parsed.steps.length} steps, the plan ${planned}` } : {}),
  };
}
