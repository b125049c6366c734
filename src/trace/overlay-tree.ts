/**
 * A writable view of a root tree without copying it: a kernel overlayfs (the root tree as the lower
 * layer, an empty upper directory taking every change) mounted in a private mount namespace that a
 * small holder process keeps alive for the whole trace. The host never sees the mount; the trace
 * reads and writes the tree through `/proc/<holder>/root`, and starts the sandbox inside the
 * namespace with nsenter. When the holder ends (the trace is done, or scriptlet died and closed its
 * stdin), the namespace and the mount go with it: nothing is left mounted on the host.
 *
 * As root the namespace is a mount namespace only, so owners stay real; otherwise it is also a user
 * namespace (`unshare -r`) and the overlay keeps its bookkeeping in `user.overlay.*` attributes
 * (`userxattr`), as unprivileged overlay mounts must.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface OverlayTree {
  /** Host path of the merged tree, through the holder's mount namespace. */
  tree: string;
  /** The merged tree's path inside the namespace (what the sandbox binds as `/`). */
  innerTree: string;
  /** Host path of the upper layer (every change the trace made). */
  upper: string;
  /** Prefix that runs a command inside the namespace. */
  enter: string[];
  holderPid: number;
  release(): Promise<void>;
}

export interface OverlayOptions {
  /** The lower layer, never written. */
  lower: string;
  /** Empty directory for upper, work and merged. */
  dir: string;
  /** The caller is not root: a user namespace is needed to mount. */
  userns: boolean;
  /** PATH used to find unshare, mount and nsenter. */
  hostPath: string;
  timeoutMs?: number;
}

/** Mounts, then waits for stdin to close: the holder's lifetime is the mount's. */
const HOLD =
  'mount -t overlay overlay -o "$1" "$2" || exit 97; echo ready; exec cat >/dev/null';

export function overlayMountOptions(lower: string, upper: string, work: string, userns: boolean): string {
  // A comma or colon in a path would be read as another option or layer.
  return `${userns ? 'userxattr,' : ''}lowerdir=${lower},upperdir=${upper},workdir=${work}`;
}

export function holderArgv(lower: string, upper: string, work: string, merged: string, userns: boolean): string[] {
  return [
    'unshare',
    ...(userns ? ['--map-root-user'] : []),
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    HOLD,
    'scriptlet-overlay',
    overlayMountOptions(lower, upper, work, userns),
    merged,
  ];
}

export function enterArgv(pid: number, userns: boolean): string[] {
  return ['nsenter', `--target=${pid}`, ...(userns ? ['--user', '--preserve-credentials'] : []), '--mount', '--'];
}

/** Paths the mount option string cannot carry. */
export function overlayPathProblem(paths: readonly string[]): string | undefined {
  const bad = paths.find((p) => /[,:\\\n]/.test(p));
  return bad === undefined ? undefined : `the path ${bad} has a character overlayfs options cannot hold (',' ':' '\\')`;
}

/**
 * Mounts the overlay, or returns why it could not (no unshare, no overlayfs, user namespaces
 * disabled, an upper filesystem overlayfs refuses): the caller then falls back to a copy.
 */
export function mountOverlay(opts: OverlayOptions): Promise<OverlayTree | { failed: string }> {
  const upper = join(opts.dir, 'upper');
  const work = join(opts.dir, 'work');
  const merged = join(opts.dir, 'merged');
  const problem = overlayPathProblem([opts.lower, upper, work, merged]);
  if (problem !== undefined) return Promise.resolve({ failed: problem });
  for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });
  const argv = holderArgv(opts.lower, upper, work, merged, opts.userns);
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), { cwd: '/', env: { PATH: opts.hostPath }, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ failed: `cannot start unshare: ${(e as Error).message}` });
      return;
    }
    let out = '';
    let err = '';
    let settled = false;
    const settle = (v: OverlayTree | { failed: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ failed: 'mounting the overlay did not finish in time' });
    }, opts.timeoutMs ?? 30_000);
    child.on('error', (e: NodeJS.ErrnoException) => settle({ failed: e.code === 'ENOENT' ? 'unshare is not installed' : `cannot start unshare: ${e.message}` }));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (err.length < 4096) err += d;
    });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!out.includes('ready\n') || child.pid === undefined) return;
      const pid = child.pid;
      settle({
        tree: `/proc/${pid}/root${merged}`,
        innerTree: merged,
        upper,
        enter: enterArgv(pid, opts.userns),
        holderPid: pid,
        release: async () => {
          child.stdin!.end();
          const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(late);
        },
      });
    });
    child.once('close', (code) => {
      const why = err.trim().split('\n').slice(-2).join('; ');
      settle({ failed: `mounting the overlay failed (exit ${code ?? 'signal'})${why ? `: ${why}` : ''}` });
    });
    // A holder whose parent died unexpectedly must not keep the mount: stdin closes with us.
    child.stdin!.on('error', () => undefined);
  });
}
