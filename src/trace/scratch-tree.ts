/**
 * The scratch area of one trace: a writable view of the root tree the script will change, and the
 * harness directories bound into the sandbox (shims, call log, runner). The view is an overlay of
 * the root (see overlay-tree.ts; milliseconds) or, where no overlay can be mounted, a copy made
 * with `cp -a` on the host (links copied as links, never followed; seconds to minutes for a big
 * tree). Everything that would have to resolve a link of the tree (unpacking the package's files)
 * runs inside the sandbox, where links resolve within the tree.
 */
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../errors.js';
import { lastLines, runTool } from '../process/run-tool.js';
import { runnerScript } from './runner-script.js';
import { policyRcD, shimScripts } from './shim-scripts.js';
import { mountOverlay } from './overlay-tree.js';
import { readTreeFile } from './tree-file.js';

/** `auto`: an overlay when one can be mounted, else a copy. */
export type ScratchChoice = 'auto' | 'overlay' | 'copy';
export type ScratchKind = 'overlay' | 'copy';

export interface Scratch {
  work: string;
  kind: ScratchKind;
  /** Host path of the writable tree. */
  tree: string;
  /** The same tree as the sandbox launcher sees it (inside the overlay's mount namespace). */
  innerTree: string;
  /** Argv prefix that runs the sandbox launcher where `innerTree` exists. */
  enter: string[];
  /** Unmounts (overlay); the work directory is the caller's to remove. */
  release(): Promise<void>;
  shimDir: string;
  logDir: string;
  runDir: string;
  policyRcD: string;
  /** Problems copying the root (files the caller may not read): reported, not fatal. */
  warnings: string[];
}

export interface ScratchOptions {
  choice: ScratchChoice;
  /** The caller is not root (an overlay then needs a user namespace). */
  unprivileged: boolean;
  hostPath: string;
}

export async function makeScratch(work: string, source: string, opts: ScratchOptions): Promise<Scratch> {
  const s: Scratch = {
    work,
    kind: 'copy',
    tree: join(work, 'tree'),
    innerTree: join(work, 'tree'),
    enter: [],
    release: () => Promise.resolve(),
    shimDir: join(work, 'bin'),
    logDir: join(work, 'log'),
    runDir: join(work, 'run'),
    policyRcD: join(work, 'policy-rc.d'),
    warnings: [],
  };
  for (const d of [s.shimDir, s.logDir, s.runDir]) mkdirSync(d, { recursive: true });
  // The script runs as (mapped) root: the log must be writable whatever id that is on the host.
  chmodSync(s.logDir, 0o777);
  for (const [name, text] of shimScripts()) writeFileSync(join(s.shimDir, name), text, { mode: 0o755 });
  writeFileSync(s.policyRcD, policyRcD(), { mode: 0o755 });
  writeFileSync(join(s.runDir, 'runner'), runnerScript(), { mode: 0o755 });
  if (opts.choice !== 'copy') {
    const overlay = await mountOverlay({ lower: source, dir: join(work, 'overlay'), userns: opts.unprivileged, hostPath: opts.hostPath });
    if (!('failed' in overlay)) {
      return { ...s, kind: 'overlay', tree: overlay.tree, innerTree: overlay.innerTree, enter: overlay.enter, release: overlay.release };
    }
    if (opts.choice === 'overlay') {
      throw new ToolError('E_TOOL_FAILED', `cannot mount an overlay of the root tree: ${overlay.failed}`, {
        file: source,
        hint: 'needs unshare and nsenter (util-linux), overlayfs, and user namespaces when not root; or use --scratch copy',
      });
    }
    s.warnings.push(`no overlay (${overlay.failed}): the root tree was copied instead`);
  }
  mkdirSync(s.tree, { recursive: true });
  const copied = await runTool(['cp', '-a', '--reflink=auto', '--no-target-directory', `${source}/.`, s.tree], { timeoutMs: 1_800_000 });
  if (copied.code !== 0) {
    const lines = copied.stderr.split('\n').filter((l) => l.trim() !== '');
    if (readdirSync(s.tree).length === 0) throw new ToolError('E_TOOL_FAILED', `cannot copy the root tree: ${lastLines(copied.stderr, 3)}`, { file: source });
    s.warnings.push(`${lines.length} entries of the root could not be copied (first: ${lines[0] ?? '?'})`);
  }
  return s;
}

/** Writes a harness file into the run directory (bound read-only at RUN_DIR). */
export function addRunFile(s: Scratch, name: string, data: string | Uint8Array, mode = 0o644): void {
  writeFileSync(join(s.runDir, name), data, { mode });
}

/** The call log the shims appended to, capped: a script can flood it. */
export function readCallLog(s: Scratch, maxBytes: number): string {
  // Never followed: the script may have replaced the log by a link to a host file.
  return readTreeFile(s.logDir, '/calls', maxBytes)?.toString('utf8') ?? '';
}
