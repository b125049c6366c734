/**
 * Runs the real guest agent (guest-agent/agent) in a temporary root, unprivileged, under the two
 * shells an appliance may have: dash with only coreutils (plus util-linux's setsid) on PATH, and
 * busybox alone (PATH holds nothing but busybox applet links).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_FILES, AGENT_PREFIX, AGENT_STATE_DIR } from '../../src/appliance/agent-layout.js';
import { type DeferredStep, renderDeferredPlan } from '../../src/appliance/deferred-plan.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const agentSource = join(repoRoot, 'guest-agent', 'agent');

export interface Shell {
  name: 'dash' | 'busybox';
  /** argv prefix that runs a script file with this shell. */
  command: string[];
  /** The only directory on PATH. */
  path: string;
  /** Interpreter for test steps, so steps too need nothing but this shell's world. */
  interpreter: string[];
}

function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p.startsWith('/') ? p : undefined;
}

/** The shells available here; a missing one is reported by the caller as a skip. */
export function findShells(workDir: string): { shells: Shell[]; missing: string[] } {
  const shells: Shell[] = [];
  const missing: string[] = [];
  const dash = which('dash');
  const coreutils = spawnSync('dpkg', ['-L', 'coreutils'], { encoding: 'utf8' });
  if (dash && coreutils.status === 0) {
    const bin = join(workDir, 'dash-bin');
    mkdirSync(bin, { recursive: true });
    const programs = coreutils.stdout.split('\n').filter((p) => /^\/(usr\/)?s?bin\/[^/]+$/.test(p));
    const setsid = which('setsid');
    for (const p of [...programs, ...(setsid ? [setsid] : [])]) {
      const link = join(bin, p.slice(p.lastIndexOf('/') + 1));
      if (!existsSync(link)) symlinkSync(p, link);
    }
    if (!existsSync(join(bin, 'sh'))) symlinkSync(dash, join(bin, 'sh'));
    shells.push({ name: 'dash', command: [dash], path: bin, interpreter: [dash] });
  } else {
    missing.push('dash with coreutils (dpkg -L coreutils)');
  }
  const busybox = which('busybox');
  if (busybox) {
    const bin = join(workDir, 'busybox-bin');
    mkdirSync(bin, { recursive: true });
    const list = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const applet of list) {
      const link = join(bin, applet);
      if (!existsSync(link)) symlinkSync(busybox, link);
    }
    shells.push({ name: 'busybox', command: [busybox, 'sh'], path: bin, interpreter: [busybox, 'sh'] });
  } else {
    missing.push('busybox');
  }
  return { shells, missing };
}

export interface AgentRoot {
  root: string;
  state: string;
  console: string;
}

/** A temp root with the rendered plan, the agent files, and an empty /run. */
export function makeRoot(dir: string, steps: readonly DeferredStep[]): AgentRoot {
  const root = join(dir, 'root');
  for (const [path, file] of renderDeferredPlan(steps)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, file.contents);
    chmodSync(abs, file.mode);
  }
  for (const f of AGENT_FILES) {
    const abs = join(root, f.target);
    mkdirSync(dirname(abs), { recursive: true });
    copyFileSync(join(repoRoot, 'guest-agent', f.source), abs);
    chmodSync(abs, f.mode);
  }
  mkdirSync(join(root, 'run'), { recursive: true });
  return { root, state: join(root, AGENT_STATE_DIR), console: join(dir, 'console') };
}

export interface AgentResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** Fail (kill and reject) when the agent takes longer. */
  limitMs?: number;
  env?: Record<string, string>;
  /** Called with the child once started (power-cut tests kill its process group). */
  onSpawn?: (pid: number) => void;
}

/** Runs the agent from its place in the root, with stdout and stderr as pipes (as a host would). */
export function runAgent(r: AgentRoot, shell: Shell, args: string[], opts: RunOptions = {}): Promise<AgentResult> {
  const [cmd, ...pre] = shell.command as [string, ...string[]];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, join(r.root, AGENT_PREFIX, 'agent'), ...args], {
      env: {
        PATH: shell.path,
        SCRIPTLET_ROOT: r.root,
        SCRIPTLET_CONSOLE: r.console,
        SCRIPTLET_KILL_GRACE: '1',
        ...opts.env,
      },
      cwd: r.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a test can kill "the whole machine" at once.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`agent ${args.join(' ')} under ${shell.name} did not finish in ${opts.limitMs}ms`));
    }, opts.limitMs ?? 60000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // 'close' waits for the pipes: an agent that leaves a process holding them would hang here.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  });
}

export interface JournalEntry {
  state: 'started' | 'ok' | 'failed' | 'timeout';
  rc: string;
  attempts: number;
  note: string;
  time: string;
}

/**
 * The journal's current state per step: its last line for each step wins (the agent appends a
 * record per change). Parsed strictly: a complete line not in the agent's format fails the test
 * that reads it. An unterminated last line is a torn append, which the agent ignores; so does
 * this (`torn` says whether there was one).
 */
export function readJournal(r: AgentRoot): Map<string, JournalEntry> & { torn?: boolean } {
  const file = join(r.state, 'journal');
  const entries: Map<string, JournalEntry> & { torn?: boolean } = new Map<string, JournalEntry>();
  if (!existsSync(file)) return entries;
  const lines = readFileSync(file, 'utf8').split('\n');
  entries.torn = lines.pop() !== '';
  for (const line of lines) {
    const f = line.split('\t');
    const [id, state, rc, attempts, note, time] = f;
    if (
      f.length !== 6 ||
      id === undefined ||
      !['started', 'ok', 'failed', 'timeout'].includes(state ?? '') ||
      !/^(-|\d+)$/.test(rc ?? '') ||
      !/^[1-9]\d*$/.test(attempts ?? '') ||
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(time ?? '')
    ) {
      throw new Error(`malformed journal line ${JSON.stringify(line)}`);
    }
    entries.delete(id);
    entries.set(id, { state: state as JournalEntry['state'], rc: rc!, attempts: Number(attempts), note: note!, time: time! });
  }
  return entries;
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A step with test defaults: a shell script run by `shell`, a Debian postinst fresh install. */
export function step(shell: Shell, id: string, script: string, extra: Partial<DeferredStep> = {}): DeferredStep {
  return {
    id,
    package: id.replace(/^\d+-/, '').replace(/\..*$/, ''),
    phase: 'postinst',
    interpreter: shell.interpreter,
    script,
    args: ['configure', ''],
    env: {},
    timeoutSeconds: 30,
    reason: 'test',
    ...extra,
  };
}
