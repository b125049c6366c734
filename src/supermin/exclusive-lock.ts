import { closeSync, openSync } from 'node:fs';
import { IoError, ScriptletError, ToolError } from '../errors.js';
import { lastLines, runTool } from '../process/run-tool.js';

export interface ExclusiveLock {
  path: string;
  /** Idempotent. The kernel also drops the lock if this process dies. */
  release(): void;
}

export interface LockOptions {
  /** Give up with E_LOCKED after this long (default 10 minutes: one slow build). */
  timeoutMs?: number;
  /** Called once if the lock is busy, before waiting for it. */
  onWait?: () => void;
  signal?: AbortSignal;
}

const FLOCK_HINT = 'flock comes with util-linux (Debian: apt-get install util-linux)';

/**
 * Takes an exclusive flock(2) lock on `path` (created if missing). Node has no flock, so the file is
 * opened here and lent to util-linux `flock` as fd 3: a flock lock belongs to the open file
 * description, which stays open in this process after the helper exits, so the lock is ours until
 * release() closes it, and the kernel releases it if we are killed — no stale lock files to guess
 * about. The lock file itself is never deleted: unlinking it while another process waits on it
 * would let a third process lock a fresh file at the same path.
 */
export async function acquireExclusiveLock(path: string, options: LockOptions = {}): Promise<ExclusiveLock> {
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o644);
  } catch (e) {
    throw new IoError(`cannot open lock file: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  let held = false;
  const lock: ExclusiveLock = {
    path,
    release() {
      if (fd < 0) return;
      closeSync(fd);
      fd = -1;
    },
  };
  try {
    const attempt = async (args: string[]): Promise<boolean> => {
      const result = await runTool(['flock', ...args, '3'], {
        extraFds: [fd],
        signal: options.signal,
        missingHint: FLOCK_HINT,
      });
      if (result.aborted) throw new ScriptletError('E_LOCKED', 'interrupted while waiting for the lock', { file: path });
      if (result.code === 0) return true;
      if (result.code === 1) return false;
      throw new ToolError('E_TOOL_FAILED', `flock failed: ${lastLines(result.stderr, 3)}`, { file: path, hint: FLOCK_HINT });
    };
    held = await attempt(['--exclusive', '--nonblock']);
    if (!held) {
      options.onWait?.();
      const seconds = Math.max(0.001, (options.timeoutMs ?? 600_000) / 1000);
      held = await attempt(['--exclusive', '--wait', seconds.toFixed(3)]);
    }
    if (!held) {
      throw new ScriptletError('E_LOCKED', 'another build into the same output is still running', {
        file: path,
        hint: 'wait for it to finish, or build into another output directory',
      });
    }
    return lock;
  } finally {
    if (!held) lock.release();
  }
}
