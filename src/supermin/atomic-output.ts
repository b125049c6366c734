import { existsSync, lstatSync, mkdtempSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { IoError, ScriptletError } from '../errors.js';
import { acquireExclusiveLock } from './exclusive-lock.js';
import { removeTree } from './remove-tree.js';

export interface AtomicOutputContext {
  /**
   * Where the build must put its result. It does not exist yet; the build creates it (supermin's
   * `-o` does). It lives in a private work directory next to the output, on the same filesystem,
   * so publishing it is a rename.
   */
  stagingPath: string;
  /** Scratch space removed with everything in it when the build ends, however it ends. */
  workDir: string;
  /**
   * Aborted on SIGINT, SIGTERM or SIGHUP: pass it to child processes. The build then ends with an
   * E_BUILD error saying which signal interrupted it (after clean-up), rather than the process
   * dying in the middle of removing the work directory.
   */
  signal: AbortSignal;
}

export interface AtomicOutputOptions {
  lockTimeoutMs?: number;
  onWaitForLock?: () => void;
  /** Turn SIGINT/SIGTERM/SIGHUP into an abort plus clean-up (default true). */
  handleSignals?: boolean;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function workPrefix(output: string): string {
  return `.${basename(output)}.scriptlet-`;
}

/** Names of our own work directories for `output`, left behind by a build that was killed. */
function staleWorkDirs(output: string): string[] {
  const prefix = workPrefix(output);
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[A-Za-z0-9]{6}$`);
  return readdirSync(dirname(output))
    .filter((n) => pattern.test(n))
    .map((n) => join(dirname(output), n));
}

/**
 * Builds `outputPath` so that it is either the previous result or the complete new one, never a
 * half-written mix: the build writes into a work directory next to the output, which is renamed
 * into place only on success. Builds into one output are serialised by a lock file
 * (`.<name>.lock`, kept). Whatever else the build leaves in the work directory — including
 * supermin's own `<staging>.XXXXXXXX` directory after a failed run — is removed with it, also on
 * SIGINT/SIGTERM; work directories of builds that were killed outright are swept by the next build.
 *
 * Replacing an existing output takes two renames (a directory cannot atomically replace a non-empty
 * one), so for an instant the path does not exist; it never holds partial content.
 */
export async function withAtomicOutput<T>(
  outputPath: string,
  build: (ctx: AtomicOutputContext) => Promise<T>,
  options: AtomicOutputOptions = {},
): Promise<T> {
  const output = resolve(outputPath);
  const parent = dirname(output);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new IoError('the directory that should hold the output does not exist', { file: parent });
  }

  const lock = await acquireExclusiveLock(join(parent, `.${basename(output)}.lock`), {
    timeoutMs: options.lockTimeoutMs,
    onWait: options.onWaitForLock,
  });
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  let workDir: string | undefined;

  const onSignal = (sig: NodeJS.Signals): void => {
    interruptedBy ??= sig;
    controller.abort();
  };
  // A synchronous exit elsewhere skips `finally`; still do not leave a half-built tree behind.
  const onExit = (): void => {
    if (workDir) removeTree(workDir);
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', onExit);

  try {
    for (const stale of staleWorkDirs(output)) removeTree(stale);
    workDir = mkdtempSync(join(parent, workPrefix(output)));
    const stagingPath = join(workDir, 'output');
    const result = await build({ stagingPath, workDir, signal: controller.signal });
    if (interruptedBy) throw interrupted(interruptedBy, output);
    if (!pathExists(stagingPath)) {
      throw new ScriptletError('E_BUILD', 'the build finished without producing an output', { file: output });
    }
    publish(stagingPath, output, workDir);
    return result;
  } catch (e) {
    // Whatever the build reports after an abort (a killed child, a partial read) is a consequence.
    if (interruptedBy) throw interrupted(interruptedBy, output);
    throw e;
  } finally {
    if (workDir) removeTree(workDir);
    workDir = undefined;
    process.removeListener('exit', onExit);
    if (handleSignals) for (const s of SIGNALS) process.removeListener(s, onSignal);
    lock.release();
  }
}

function interrupted(sig: NodeJS.Signals, output: string): ScriptletError {
  return new ScriptletError('E_BUILD', `build interrupted by ${sig}; the previous output (if any) is unchanged`, {
    file: output,
  });
}

function pathExists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

function publish(staging: string, output: string, workDir: string): void {
  const previous = join(workDir, 'previous');
  const hadPrevious = pathExists(output);
  try {
    if (hadPrevious) renameSync(output, previous);
    renameSync(staging, output);
  } catch (e) {
    if (hadPrevious && pathExists(previous) && !pathExists(output)) renameSync(previous, output);
    throw new IoError(`cannot move the new output into place: ${(e as Error).message}`, { file: output }, { cause: e });
  }
}
