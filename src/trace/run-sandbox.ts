/**
 * The process edge of a trace: starts bwrap (through prlimit, and a launcher that joins the pids
 * cgroup first), on a pseudo-terminal by default so scripts that test for a terminal behave as
 * under an interactive dpkg, and kills the whole sandbox on timeout: SIGKILL to the launcher's
 * process group takes bwrap down, bwrap's --die-with-parent takes its init down, and the death of
 * a pid namespace's init kills every process left in it.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import * as pty from 'node-pty';
import { ToolError } from '../errors.js';
import type { PidsLimit } from './pids-limit.js';

export interface RunSandboxOptions {
  /** bwrap's argv. */
  argv: string[];
  timeoutMs: number;
  tty: boolean;
  pids?: PidsLimit;
  /** RLIMIT_FSIZE: no single file may grow past this (bytes). */
  maxFileBytes: number;
  /** Output kept beyond this is dropped (counted in `droppedBytes`). */
  maxOutputBytes: number;
  /** PATH used to find bwrap, prlimit and sh on the host. */
  hostPath: string;
}

export interface SandboxRun {
  /** The script's exit status as bwrap reports it (128+N when a signal ended it); null when killed. */
  exitCode: number | null;
  signal: number | null;
  timedOut: boolean;
  durationMs: number;
  output: string;
  droppedBytes: number;
  /** The launcher line actually run (bwrap's argv after the limit wrappers). */
  argv: string[];
}

const JOIN_CGROUP = 'echo $$ >"$1" || { echo "scriptlet trace: cannot join the pids cgroup" >&2; exit 125; }; shift; exec "$@"';

export function launcherArgv(opts: Pick<RunSandboxOptions, 'argv' | 'pids' | 'maxFileBytes'>): string[] {
  const limits = ['prlimit', `--fsize=${opts.maxFileBytes}`, '--core=0'];
  if (opts.pids?.kind === 'rlimit' && opts.pids.nproc !== undefined) limits.push(`--nproc=${opts.pids.nproc}`);
  const inner = [...limits, '--', ...opts.argv];
  return opts.pids?.kind === 'cgroup' && opts.pids.procsFile ? ['sh', '-c', JOIN_CGROUP, 'scriptlet-trace', opts.pids.procsFile, ...inner] : inner;
}

export function runSandbox(opts: RunSandboxOptions): Promise<SandboxRun> {
  const argv = launcherArgv(opts);
  const env = { PATH: opts.hostPath };
  const started = Date.now();
  const chunks: string[] = [];
  let kept = 0;
  let dropped = 0;
  const take = (text: string): void => {
    const bytes = Buffer.byteLength(text);
    if (kept + bytes > opts.maxOutputBytes) {
      dropped += bytes;
      return;
    }
    kept += bytes;
    chunks.push(text);
  };

  return new Promise<SandboxRun>((resolve, reject) => {
    let timedOut = false;
    let pid: number | undefined;
    const killGroup = (): void => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const done = (exitCode: number | null, signal: number | null): void => {
      clearTimeout(timer);
      // Anything of the group still alive outside the pid namespace (the launcher) goes too.
      killGroup();
      resolve({
        exitCode: timedOut ? null : exitCode,
        signal,
        timedOut,
        durationMs: Date.now() - started,
        output: chunks.join(''),
        droppedBytes: dropped,
        argv,
      });
    };

    if (opts.tty) {
      let term: pty.IPty;
      try {
        term = pty.spawn(argv[0]!, argv.slice(1), { name: 'xterm', cols: 120, rows: 40, cwd: '/', env });
      } catch (e) {
        clearTimeout(timer);
        reject(new ToolError('E_TOOL_FAILED', `cannot start the sandbox on a pseudo-terminal: ${(e as Error).message}`));
        return;
      }
      pid = term.pid;
      term.onData(take);
      term.onExit(({ exitCode, signal }) => done(signal ? null : exitCode, signal ?? null));
      return;
    }
    const child = spawn(argv[0]!, argv.slice(1), { cwd: '/', env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    pid = child.pid;
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === 'ENOENT'
          ? new ToolError('E_TOOL_MISSING', `${argv[0]} is not installed or not on PATH`, { hint: 'apt-get install bubblewrap util-linux' })
          : new ToolError('E_TOOL_FAILED', `cannot start the sandbox: ${e.message}`),
      );
    });
    child.on('close', (code, signal) => done(signal ? null : code, signal ? (constants.signals[signal] ?? null) : null));
  });
}
