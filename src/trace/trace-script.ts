/**
 * One trace, start to end: copy the root, unpack the package into it (inside the sandbox), register
 * it in dpkg's database as unpacked, snapshot, run the script the way the package manager would on
 * a fresh install (arguments and environment from plan/script-invocation), snapshot again, and
 * report calls, file changes and account changes.
 */
import { mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scriptBytes } from '../appliance/deferred-plan.js';
import { ToolError, UsageError } from '../errors.js';
import type { Package, Scriptlet } from '../formats/types.js';
import { freshInstallInvocation } from '../plan/script-invocation.js';
import { lastLines, runTool } from '../process/run-tool.js';
import { diffAccounts } from './account-diff.js';
import { controlFields, fileList, infoName, registerUnpacked } from './dpkg-registration.js';
import { createPidsLimit } from './pids-limit.js';
import { runSandbox, type SandboxRun } from './run-sandbox.js';
import { sandboxArgv, type SandboxMode } from './sandbox-argv.js';
import { HARNESS_DIR, POLICY_RC_D, PRESEED, RUN_DIR, RUNNER, SHIM_DIR, XTRACE_MARK } from './sandbox-layout.js';
import { addRunFile, makeScratch, readCallLog, type Scratch, type ScratchChoice } from './scratch-tree.js';
import { parseShimLog } from './shim-log.js';
import type { TraceReport } from './trace-report.js';
import { diffTrees } from './tree-diff.js';
import { hashTreeFile, isRealDir, readTreeFile, writeTreeFile } from './tree-file.js';
import { snapshotTree, type TreeSnapshot } from './tree-snapshot.js';

export interface TraceRoot {
  /** `base`: a cached minbase tree; `dir`: a tree the user gave (--root). */
  kind: 'base' | 'dir';
  dir: string;
  label: string;
}

export interface TraceOptions {
  pkg: Package;
  /** The package file (a .deb is unpacked into the tree; other formats are not). */
  packageFile: string;
  scriptlet: Scriptlet;
  root: TraceRoot;
  /** Parent of the scratch directory. */
  workParent: string;
  timeoutSeconds: number;
  tty: boolean;
  xtrace: boolean;
  preseed?: { label: string; text: string };
  /** Use a user namespace even when running as root. */
  forceUserns: boolean;
  maxProcs: number;
  /** Keep the scratch directory (its path goes into the notes). */
  keep: boolean;
  hostPath: string;
  /** Overlay of the root, or a copy (see scratch-tree.ts). */
  scratch: ScratchChoice;
}

const MAX_OUTPUT = 4 * 1024 * 1024;
const MAX_LOG = 16 * 1024 * 1024;
const MAX_ACCOUNT_FILE = 16 * 1024 * 1024;
const MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024;
const SHELLS = new Set(['sh', 'bash']);

function sandboxMode(force: boolean): SandboxMode {
  return process.getuid?.() === 0 && !force ? 'host-root' : 'userns';
}

/** Mount points bwrap had to create in the tree are the harness's, not the script's. */
function removeMountpoints(tree: string, hadPolicyRcD: boolean): void {
  try {
    rmdirSync(join(tree, HARNESS_DIR));
  } catch {
    // Not there, or (impossible under the tmpfs) not empty: left for the diff to show.
  }
  if (!hadPolicyRcD) {
    const created = readTreeFile(tree, POLICY_RC_D, 1);
    if (created !== undefined && created.length === 0) rmSync(join(tree, POLICY_RC_D), { force: true });
  }
}

/** A script may leave directories without permissions; as a non-root user they must be opened first. */
async function removeWork(work: string): Promise<void> {
  try {
    rmSync(work, { recursive: true, force: true });
  } catch {
    await runTool(['chmod', '-R', 'u+rwX', work]);
    rmSync(work, { recursive: true, force: true });
  }
}

function treeHas(tree: string, path: string): boolean {
  return readTreeFile(tree, path, 0) !== undefined;
}

async function unpackDeb(opts: TraceOptions, s: Scratch, mode: SandboxMode, hadPolicyRcD: boolean): Promise<{ paths: string[]; control: string; members: Map<string, Buffer> } | string> {
  const payload = join(s.runDir, 'payload.tar');
  const tarred = await runTool(['sh', '-c', 'dpkg-deb --fsys-tarfile "$1" >"$2"', 'sh', opts.packageFile, payload], { missingHint: 'apt-get install dpkg' });
  if (tarred.code !== 0) throw new ToolError('E_TOOL_FAILED', `dpkg-deb cannot read the package: ${lastLines(tarred.stderr, 3)}`, { file: opts.packageFile });
  const listed = await runTool(['tar', '-tf', payload]);
  if (listed.code !== 0) throw new ToolError('E_TOOL_FAILED', `cannot list the package's files: ${lastLines(listed.stderr, 3)}`, { file: opts.packageFile });
  const controlDir = join(s.work, 'control');
  const extracted = await runTool(['dpkg-deb', '--control', opts.packageFile, controlDir]);
  if (extracted.code !== 0) throw new ToolError('E_TOOL_FAILED', `dpkg-deb cannot read the control archive: ${lastLines(extracted.stderr, 3)}`, { file: opts.packageFile });
  const members = new Map<string, Buffer>();
  for (const name of readdirSync(controlDir).sort()) {
    const data = readTreeFile(controlDir, `/${name}`, 64 * 1024 * 1024);
    if (data !== undefined) members.set(name, data);
  }
  // The tree's own tar unpacks, inside the sandbox, so the tree's links resolve inside the tree.
  const tarArgs = ['tar', '-x', '--keep-directory-symlink', '-f', `${RUN_DIR}/payload.tar`, '-C', '/'];
  if (mode === 'userns') tarArgs.push('--no-same-owner');
  else tarArgs.push('--numeric-owner');
  const run = await runSandbox({
    argv: [
      ...s.enter,
      ...sandboxArgv({ mode, tree: s.innerTree, shimDir: s.shimDir, logDir: s.logDir, runDir: s.runDir, policyRcD: s.policyRcD, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, command: tarArgs }),
    ],
    timeoutMs: 600_000,
    tty: false,
    maxFileBytes: MAX_FILE_BYTES,
    maxOutputBytes: 64 * 1024,
    hostPath: opts.hostPath,
  });
  removeMountpoints(s.tree, hadPolicyRcD);
  rmSync(payload, { force: true });
  rmSync(join(s.logDir, 'calls'), { force: true });
  if (run.exitCode !== 0) return `unpacking the package into the tree failed (tar exit ${run.exitCode}): ${lastLines(run.output, 3)}`;
  return { paths: listed.stdout.split('\n').filter((l) => l !== ''), control: members.get('control')?.toString('utf8') ?? '', members };
}

/** Registers the package as unpacked; returns the script's path in the tree, or undefined. */
function registerDeb(s: Scratch, unpacked: { paths: string[]; control: string; members: Map<string, Buffer> }, phase: string): string | undefined {
  const status = readTreeFile(s.tree, '/var/lib/dpkg/status', 256 * 1024 * 1024);
  if (status === undefined || !isRealDir(s.tree, '/var/lib/dpkg/info') || unpacked.control === '') return undefined;
  const info = infoName(unpacked.control);
  writeTreeFile(s.tree, '/var/lib/dpkg/status', registerUnpacked(status.toString('utf8'), unpacked.control), 0o644);
  writeTreeFile(s.tree, `/var/lib/dpkg/info/${info}.list`, fileList(unpacked.paths), 0o644);
  for (const [name, data] of unpacked.members) {
    if (name === 'control') continue;
    const script = ['preinst', 'postinst', 'prerm', 'postrm', 'config'].includes(name);
    writeTreeFile(s.tree, `/var/lib/dpkg/info/${info}.${name}`, data, script ? 0o755 : 0o644);
  }
  return unpacked.members.has(phase) ? `/var/lib/dpkg/info/${info}.${phase}` : undefined;
}

/** The version of `name` the tree's dpkg database has installed, if any. */
function installedVersionOf(tree: string, name: string): string | undefined {
  const status = readTreeFile(tree, '/var/lib/dpkg/status', 256 * 1024 * 1024)?.toString('utf8');
  if (!status) return undefined;
  for (const stanza of status.split(/\n\n+/)) {
    const f = controlFields(stanza);
    if (f.get('package') === name && /installed$/.test(f.get('status') ?? '')) return f.get('version');
  }
  return undefined;
}

function accountsOf(tree: string): { passwd: string; group: string } {
  return {
    passwd: readTreeFile(tree, '/etc/passwd', MAX_ACCOUNT_FILE)?.toString('utf8') ?? '',
    group: readTreeFile(tree, '/etc/group', MAX_ACCOUNT_FILE)?.toString('utf8') ?? '',
  };
}

function splitXtrace(output: string, on: boolean): { output: string; xtrace?: string[] } {
  if (!on) return { output };
  const xtrace: string[] = [];
  const kept: string[] = [];
  for (const line of output.split('\n')) {
    const at = line.indexOf(XTRACE_MARK);
    if (at >= 0) {
      xtrace.push(line.slice(at + XTRACE_MARK.length).replace(/\r$/, ''));
      const before = line.slice(0, at);
      if (before !== '') kept.push(before);
    } else kept.push(line);
  }
  return { output: kept.join('\n'), xtrace };
}

export async function traceScript(opts: TraceOptions): Promise<TraceReport> {
  const s0 = opts.scriptlet;
  if (s0.interpreter.kind === 'lua' || s0.interpreter.kind === 'deb-triggers') {
    throw new UsageError(`a ${s0.interpreter.kind} script cannot be run by itself`, { package: opts.pkg.name, member: s0.origin });
  }
  const mode = sandboxMode(opts.forceUserns);
  const notes: string[] = [];
  const work = mkdtempSync(join(opts.workParent, 'scriptlet-trace-'));
  let scratch: Scratch | undefined;
  try {
    const s = await makeScratch(work, opts.root.dir, { choice: opts.scratch, unprivileged: process.getuid?.() !== 0, hostPath: opts.hostPath });
    scratch = s;
    notes.push(...s.warnings);
    const hadPolicyRcD = treeHas(s.tree, POLICY_RC_D);
    let scriptPath: string | undefined;
    let unpacked = false;
    // A package the root already has (apt in a minbase) is reinstalled, not freshly installed:
    // what its script makes may be there already and then shows as no change.
    const preinstalled = opts.pkg.format === 'deb' ? installedVersionOf(s.tree, opts.pkg.name) : undefined;
    if (preinstalled !== undefined) {
      notes.push(`the root already has ${opts.pkg.name} ${preinstalled} installed: effects its scripts had then are already in the tree and do not show as changes`);
    }
    const packagePaths = new Set<string>();
    if (opts.pkg.format === 'deb' && s0.phase === 'preinst') {
      // dpkg runs preinst before unpacking: the tree stays as it was.
      notes.push('preinst runs before the package is unpacked: its files are not in the tree');
    } else if (opts.pkg.format === 'deb') {
      const result = await unpackDeb(opts, s, mode, hadPolicyRcD);
      if (typeof result === 'string') notes.push(result);
      else {
        unpacked = true;
        for (const p of result.paths) packagePaths.add(p.replace(/^\.\/?/, '/').replace(/\/$/, ''));
        scriptPath = registerDeb(s, result, s0.phase);
        if (scriptPath === undefined) notes.push('the tree has no dpkg database: the package is unpacked but not registered, and debconf finds no templates');
      }
    } else {
      notes.push(`${opts.pkg.format} packages are not unpacked into the tree: the script runs over the root as given`);
    }
    const dpkgVersion = opts.pkg.format === 'deb' ? installedVersionOf(s.tree, 'dpkg') : undefined;
    const inv = freshInstallInvocation(opts.pkg, s0, dpkgVersion !== undefined ? { dpkgVersion } : {});
    if (scriptPath === undefined && inv.script !== '') {
      addRunFile(s, 'script', scriptBytes(inv), 0o755);
      scriptPath = `${RUN_DIR}/script`;
    }
    if (opts.preseed) addRunFile(s, 'preseed', opts.preseed.text);
    const interpreter = [...inv.interpreter];
    if (opts.xtrace) {
      if (SHELLS.has(s0.interpreter.kind)) interpreter.splice(1, 0, '-x');
      else notes.push(`--xtrace applies to shell scripts; this is a ${s0.interpreter.kind} script`);
    }
    const scriptArgv = [...interpreter, ...(inv.script !== '' && scriptPath ? [scriptPath] : []), ...inv.args];
    const env: Record<string, string> = {
      ...inv.env,
      PATH: `${SHIM_DIR}:${inv.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`,
      HOME: '/root',
      TERM: opts.tty ? 'xterm' : 'dumb',
      DEBIAN_FRONTEND: 'noninteractive',
      DEBCONF_NONINTERACTIVE_SEEN: 'true',
    };
    if (opts.xtrace) env.PS4 = XTRACE_MARK;

    const exclude = new Set([HARNESS_DIR]);
    const before: TreeSnapshot = snapshotTree(s.tree, { exclude });
    const accountsBefore = accountsOf(s.tree);
    // Package files are new in the tree: their pre-run content is hashed now, the rest comes
    // from the pristine root on demand.
    const packageHashes = new Map<string, string>();
    for (const p of packagePaths) {
      if (before.get(p)?.type === 'file') {
        const h = hashTreeFile(s.tree, p);
        if (h !== undefined) packageHashes.set(p, h);
      }
    }

    const pids = createPidsLimit(opts.maxProcs);
    if (!pids) notes.push('no process limit could be applied (no writable pids cgroup): a fork bomb is bounded only by the timeout');
    let run: SandboxRun;
    try {
      run = await runSandbox({
        argv: [
          ...s.enter,
          ...sandboxArgv({
            mode,
            tree: s.innerTree,
            shimDir: s.shimDir,
            logDir: s.logDir,
            runDir: s.runDir,
            policyRcD: s.policyRcD,
            env,
            command: ['/bin/sh', RUNNER, ...scriptArgv],
          }),
        ],
        timeoutMs: opts.timeoutSeconds * 1000,
        tty: opts.tty,
        ...(pids ? { pids } : {}),
        maxFileBytes: MAX_FILE_BYTES,
        maxOutputBytes: MAX_OUTPUT,
        hostPath: opts.hostPath,
      });
    } finally {
      await pids?.release();
    }
    removeMountpoints(s.tree, hadPolicyRcD);

    const after = snapshotTree(s.tree, { exclude });
    const files = diffTrees(before, after, {
      before: (path, node) => {
        const known = packageHashes.get(path);
        if (known !== undefined) return known;
        // Everything else was copied from the pristine root, which still has the old content.
        return node.type === 'file' ? hashTreeFile(opts.root.dir, path) : undefined;
      },
      after: (path) => hashTreeFile(s.tree, path),
    });
    const log = parseShimLog(readCallLog(s, MAX_LOG));
    const { output, xtrace } = splitXtrace(run.output, opts.xtrace);
    if (mode === 'userns') {
      notes.push('user namespace: only uid and gid 0 exist inside, so chown to any other id fails (EINVAL) and owners in the tree are not those of a real install; run as root for full fidelity');
    }
    notes.push('calls are those of shimmed commands only (service, init and account tools, systemctl, file tools); other commands are seen only through --xtrace or their effects on files');
    if (opts.xtrace) notes.push('--xtrace shows the top-level shell only; a script that re-executes itself (debconf confmodule) continues untraced');
    if (log.malformedAt !== undefined) notes.push('the call log was written to by something other than the shims: records after the first bad one are ignored');
    if (run.timedOut) notes.push(`the script was killed after ${opts.timeoutSeconds} s`);
    if (opts.keep) notes.push(s.kind === 'overlay' ? `scratch directory kept: ${work} (the changes are in overlay/upper)` : `scratch directory kept: ${work}`);

    const report: TraceReport = {
      package: { name: opts.pkg.name, version: opts.pkg.version, arch: opts.pkg.arch, format: opts.pkg.format, source: opts.packageFile },
      script: { phase: s0.phase, ...(s0.entry ? { entry: s0.entry } : {}), argv: scriptArgv, args: inv.args, env },
      sandbox: {
        mode,
        root: opts.root.label,
        scratch: s.kind,
        ...(preinstalled !== undefined ? { preinstalled } : {}),
        packageUnpacked: unpacked,
        tty: opts.tty,
        timeoutSeconds: opts.timeoutSeconds,
        pidsLimit: pids?.description ?? 'none',
        ...(opts.preseed ? { preseed: opts.preseed.label } : {}),
      },
      result: { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, durationMs: run.durationMs },
      output,
      outputDroppedBytes: run.droppedBytes,
      calls: log.calls,
      callLogTampered: log.malformedAt !== undefined,
      ...(xtrace ? { xtrace } : {}),
      files,
      accounts: diffAccounts(accountsBefore, accountsOf(s.tree)),
      notes,
    };
    return report;
  } finally {
    await scratch?.release();
    if (!opts.keep) await removeWork(work);
  }
}
