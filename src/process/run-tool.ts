import { spawn, type StdioOptions } from 'node:child_process';
import { ToolError } from '../errors.js';

export interface RunToolOptions {
  cwd?: string;
  /** Complete environment for the child; defaults to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Aborting kills the child (SIGTERM, then SIGKILL after `killGraceMs`). */
  signal?: AbortSignal;
  /** Kill the child after this long; `timedOut` is then true in the result. */
  timeoutMs?: number;
  killGraceMs?: number;
  /** stdout beyond this many bytes is an error: a tool that floods us is not trusted to be right. */
  maxStdoutBytes?: number;
  /** Only the last this-many bytes of stderr are kept (enough to explain a failure). */
  stderrTailBytes?: number;
  /** Extra file descriptors handed to the child as fd 3, 4, … (used to lend it a lock file). */
  extraFds?: number[];
  /** Called with each stdout/stderr chunk as it arrives (progress, serial consoles). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** What to tell the user when the program is not installed. */
  missingHint?: string;
}

export interface RunToolResult {
  argv: readonly string[];
  /** Exit status, or null when the child was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

const DEFAULT_MAX_STDOUT = 64 * 1024 * 1024;
const DEFAULT_STDERR_TAIL = 64 * 1024;

/**
 * Runs a program from an argv array (never a shell string) and collects its output. A missing
 * program becomes E_TOOL_MISSING; any other outcome, including a non-zero exit, is returned for the
 * caller to judge, because only the caller knows which exit codes mean failure.
 */
export function runTool(argv: readonly string[], options: RunToolOptions = {}): Promise<RunToolResult> {
  const [program, ...args] = argv;
  if (program === undefined) throw new ToolError('E_TOOL_FAILED', 'no program to run');
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  const stderrTail = options.stderrTailBytes ?? DEFAULT_STDERR_TAIL;
  const started = Date.now();

  return new Promise<RunToolResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ argv, code: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: true, durationMs: 0 });
      return;
    }
    const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', ...(options.extraFds ?? [])];
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio,
    });

    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutOverflow = false;
    let stderrBuf = Buffer.alloc(0);
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const kill = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 5000);
      killTimer.unref();
    };

    child.stdout?.on('data', (chunk: Buffer) => {
      options.onStdout?.(chunk);
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        if (!stdoutOverflow) {
          stdoutOverflow = true;
          kill();
        }
        return;
      }
      stdoutChunks.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      options.onStderr?.(chunk);
      stderrBuf = Buffer.concat([stderrBuf, chunk]);
      if (stderrBuf.length > stderrTail) stderrBuf = stderrBuf.subarray(stderrBuf.length - stderrTail);
    });

    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs)
        : undefined;
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      finish();
      if (err.code === 'ENOENT') {
        reject(
          new ToolError('E_TOOL_MISSING', `${program} is not installed or not on PATH`, {
            hint: options.missingHint,
          }),
        );
      } else {
        reject(new ToolError('E_TOOL_FAILED', `cannot run ${program}: ${err.message}`));
      }
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      finish();
      if (stdoutOverflow) {
        reject(
          new ToolError('E_TOOL_FAILED', `${program} wrote more than ${maxStdout} bytes to stdout`, {
            hint: 'this is far more than expected; check the command and its input',
          }),
        );
        return;
      }
      resolve({
        argv,
        code,
        signal,
        stdout: Buffer.concat(stdoutChunks).toString('utf8'),
        stderr: stderrBuf.toString('utf8'),
        timedOut,
        aborted,
        durationMs: Date.now() - started,
      });
    });
  });
}

/** The last `n` non-empty lines of a tool's output, for error messages. */
export function lastLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-n)
    .join('\n');
}
