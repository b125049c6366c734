/**
 * Chooses the root a package's script is traced over and runs the trace: the user's tree
 * (--root), or a cached minbase tree holding the packages the traced package depends on (so its
 * script finds adduser, debconf, ucf… as dpkg would guarantee), or the packages named by --base.
 * Shared by `scriptlet trace`, `audit --trace` and `policy verify`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { Package, Scriptlet } from '../formats/types.js';
import { ensureBaseTree } from './base-tree.js';
import type { ScratchChoice } from './scratch-tree.js';
import { traceScript, type TraceRoot } from './trace-script.js';
import type { TraceReport } from './trace-report.js';

export interface TracePackageOptions {
  /** A root tree to copy (e.g. a `scriptlet build -f chroot` appliance). */
  root?: string;
  /** Packages of the default base; default: the package's Depends and Pre-Depends. */
  base?: string[];
  suite?: string;
  cacheDir: string;
  workParent: string;
  hostPath: string;
  timeoutSeconds: number;
  tty: boolean;
  xtrace: boolean;
  preseed?: { label: string; text: string };
  forceUserns: boolean;
  maxProcs: number;
  keep: boolean;
  /** Overlay or copy of the root (default auto: an overlay where one can be mounted). */
  scratch?: ScratchChoice;
  onWait?: () => void;
  /** Told each step (making the base tree, running the script), for progress. */
  onStage?: (stage: string) => void;
  /** mmdebstrap's output while a base tree is made (-v). */
  onOutput?: (chunk: string) => void;
}

/** Names apt can install: the first alternative of each dependency group, arch qualifiers dropped. */
export function baseIncludes(pkg: Package): string[] {
  const names = new Set<string>();
  for (const group of [...pkg.preDepends, ...pkg.depends]) {
    const first = group[0];
    if (first) names.add(first.name.replace(/:.*$/, ''));
  }
  names.delete(pkg.name);
  return [...names].sort();
}

/** The suite of the host (VERSION_CODENAME), or bookworm. */
export function hostSuite(): string {
  try {
    const m = /^VERSION_CODENAME=([a-z]+)$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1]!;
  } catch {
    // No os-release.
  }
  return 'bookworm';
}

export async function resolveTraceRoot(pkg: Package, opts: TracePackageOptions): Promise<TraceRoot> {
  if (opts.root !== undefined) {
    if (!existsSync(opts.root) || !statSync(opts.root).isDirectory()) {
      throw new UsageError('--root must be a directory holding a root tree', { file: opts.root });
    }
    return { kind: 'dir', dir: opts.root, label: `dir ${opts.root}` };
  }
  if (pkg.format !== 'deb') {
    throw new UsageError(`the default root is a Debian tree; tracing a ${pkg.format} package needs --root with a tree of its distribution`, {
      package: pkg.name,
      file: pkg.source,
    });
  }
  const include = opts.base ?? baseIncludes(pkg);
  const base = await ensureBaseTree({
    cacheDir: opts.cacheDir,
    suite: opts.suite ?? hostSuite(),
    include,
    asRoot: process.getuid?.() === 0,
    ...(opts.onWait ? { onWait: opts.onWait } : {}),
    ...(opts.onStage ? { onStage: opts.onStage } : {}),
    ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
  });
  return { kind: 'base', dir: base.dir, label: `base ${base.key} (minbase${base.include.length ? ` + ${base.include.join(' ')}` : ''})` };
}

export async function tracePackageScript(file: string, pkg: Package, s: Scriptlet, opts: TracePackageOptions, root?: TraceRoot): Promise<TraceReport> {
  const tree = root ?? (await resolveTraceRoot(pkg, opts));
  opts.onStage?.(`running the ${s.entry ?? s.phase} of ${pkg.name} in the sandbox`);
  return traceScript({
    pkg,
    packageFile: file,
    scriptlet: s,
    root: tree,
    workParent: opts.workParent,
    timeoutSeconds: opts.timeoutSeconds,
    tty: opts.tty,
    xtrace: opts.xtrace,
    ...(opts.preseed ? { preseed: opts.preseed } : {}),
    forceUserns: opts.forceUserns,
    maxProcs: opts.maxProcs,
    keep: opts.keep,
    hostPath: opts.hostPath,
    scratch: opts.scratch ?? 'auto',
  });
}
