/**
 * Bounds the number of processes a traced script can make. bwrap has no such option and
 * RLIMIT_NPROC does not bind processes whose real uid is the host's root (the kernel exempts it),
 * so as root the bound is a pids cgroup made under our own (cgroup v1 `pids` hierarchy or v2 with
 * the pids controller), joined by the sandbox's launcher before it execs bwrap. Other users get
 * RLIMIT_NPROC, which counts every process of their uid: the limit is what they already run plus
 * the allowance. Whatever was applied is reported; `none` is reported too.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PidsLimit {
  kind: 'cgroup' | 'rlimit';
  /** For the report: where the limit lives and its value. */
  description: string;
  /** cgroup: the file the launcher writes its pid into. */
  procsFile?: string;
  /** rlimit: the value for `prlimit --nproc`. */
  nproc?: number;
  /** Removes the cgroup once empty (waits briefly for the last processes to be reaped). */
  release(): Promise<void>;
}

function ownCgroup(): { v1Pids?: string; v2?: string } {
  let text = '';
  try {
    text = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return {};
  }
  const out: { v1Pids?: string; v2?: string } = {};
  for (const line of text.split('\n')) {
    const [, controllers, path] = /^[0-9]+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (controllers!.split(',').includes('pids')) out.v1Pids = path;
    if (controllers === '') out.v2 = path;
  }
  return out;
}

/** Traces of one process may run side by side (policy verify --jobs): each needs its own group. */
let made = 0;

function tryCgroup(parent: string, label: string, max: number): PidsLimit | undefined {
  const dir = join(parent, `scriptlet-trace-${process.pid}-${Date.now().toString(36)}-${made++}`);
  try {
    mkdirSync(dir);
  } catch {
    return undefined;
  }
  const release = async (): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      try {
        rmdirSync(dir);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        // EBUSY while the sandbox's last processes are reaped.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  try {
    writeFileSync(join(dir, 'pids.max'), String(max));
    const procs = join(dir, 'cgroup.procs');
    accessSync(procs, constants.W_OK);
    return { kind: 'cgroup', description: `${label} pids.max=${max}`, procsFile: procs, release };
  } catch {
    void release();
    return undefined;
  }
}

/** Processes of this uid now (RLIMIT_NPROC counts all of them). */
function processesOfUid(uid: number): number {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const status = readFileSync(join('/proc', entry, 'status'), 'utf8');
      const m = /^Uid:\s+([0-9]+)/m.exec(status);
      if (m && Number(m[1]) === uid) n++;
    } catch {
      // Exited meanwhile.
    }
  }
  return n;
}

export function createPidsLimit(max: number): PidsLimit | undefined {
  const uid = process.getuid?.() ?? -1;
  if (uid === 0) {
    const own = ownCgroup();
    if (own.v1Pids !== undefined && existsSync('/sys/fs/cgroup/pids')) {
      const limit = tryCgroup(join('/sys/fs/cgroup/pids', own.v1Pids), 'cgroup v1', max);
      if (limit) return limit;
    }
    if (own.v2 !== undefined) {
      for (const mount of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
        try {
          if (!readFileSync(join(mount, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('pids')) continue;
        } catch {
          continue;
        }
        const limit = tryCgroup(join(mount, own.v2), 'cgroup v2', max);
        if (limit) return limit;
      }
    }
    return undefined;
  }
  const nproc = processesOfUid(uid) + max;
  return { kind: 'rlimit', description: `RLIMIT_NPROC=${nproc} (uid ${uid} had ${nproc - max})`, nproc, release: async () => undefined };
}
