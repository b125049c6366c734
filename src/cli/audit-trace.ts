/**
 * `scriptlet audit --trace`: runs each install script of the audited package files in the trace
 * sandbox (see `scriptlet trace`) and puts what it did beside its static verdict, as the optional
 * `trace` field of each install-time script in the audit result. Opt-in, because it runs the
 * scripts (contained) and needs bubblewrap: checked before any package is read, so a machine
 * without it gets one clear error instead of a report full of failures.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditResult, AuditScript } from '../audit/audit-result.js';
import { ScriptletError, ToolError } from '../errors.js';
import { readPackageFile } from '../formats/read-package-file.js';
import type { Package, Phase, Scriptlet } from '../formats/types.js';
import { lastLines, runTool } from '../process/run-tool.js';
import { mapLimited } from '../trace/map-limited.js';
import { summariseTrace, type ScriptTrace } from '../trace/trace-summary.js';
import { tracePackageScript } from '../trace/trace-package.js';
import type { CliIo } from './io.js';
import { traceEnvironment } from './trace-command.js';

export interface AuditTraceOptions {
  trace?: boolean;
  traceRoot?: string;
  traceBase?: string;
  traceTimeout: number;
  traceJobs: number;
}

/** Scripts a fresh install runs by themselves, with the arguments plan/script-invocation gives. */
const TRACED: ReadonlySet<Phase> = new Set<Phase>(['preinst', 'postinst', 'pretrans', 'pre', 'post', 'posttrans', 'pre_install', 'post_install']);

const BWRAP_HINT = 'apt-get install bubblewrap (and util-linux for unshare, nsenter and prlimit)';

/** Fails unless bubblewrap is installed and can make the namespaces a trace uses. */
export async function checkTraceSandbox(io: CliIo): Promise<void> {
  const env = { PATH: io.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
  const probe = async (argv: string[]): Promise<{ code: number | null; stderr: string }> => {
    try {
      return await runTool(argv, { env, timeoutMs: 30_000 });
    } catch (e) {
      if (e instanceof ToolError && e.code === 'E_TOOL_MISSING') {
        throw new ToolError('E_TOOL_MISSING', `audit --trace needs ${argv[0]}, which is not installed or not on PATH`, { hint: BWRAP_HINT });
      }
      throw e;
    }
  };
  await probe(['prlimit', '--version']);
  const version = await probe(['bwrap', '--version']);
  if (version.code !== 0) throw new ToolError('E_TOOL_FAILED', `audit --trace: bwrap --version failed: ${lastLines(version.stderr, 2)}`, { hint: BWRAP_HINT });
  const asRoot = process.getuid?.() === 0;
  const ns = asRoot ? ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts'] : ['--unshare-all', '--uid', '0', '--gid', '0'];
  const made = await probe(['bwrap', ...ns, '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true']);
  if (made.code !== 0) {
    throw new ToolError('E_TOOL_FAILED', `audit --trace: bubblewrap cannot create the sandbox's namespaces: ${lastLines(made.stderr, 2)}`, {
      hint: asRoot
        ? 'the container may forbid new namespaces; run where bwrap works, or audit without --trace'
        : 'unprivileged user namespaces must be allowed (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0), or run as root',
    });
  }
}

interface Job {
  script: AuditScript;
  file: string;
  pkg: Package;
  scriptlet: Scriptlet;
}

function sameScript(a: AuditScript, s: Scriptlet): boolean {
  return a.phase === s.phase && a.entry === s.entry && a.origin === s.origin;
}

/**
 * Traces every install script of `result` that a fresh install runs and sets its `trace`. Scripts
 * that cannot be traced get a `not-traced` entry saying why; other scripts are left as they were.
 */
export async function addAuditTraces(
  result: AuditResult,
  opts: AuditTraceOptions,
  io: CliIo,
  onProgress?: (done: number, total: number, stage?: string) => void,
): Promise<void> {
  const jobs: Job[] = [];
  const notTraced = (script: AuditScript, reason: string): void => {
    script.trace = { status: 'not-traced', reason };
  };
  for (const p of result.packages) {
    const installScripts = p.scripts.filter((s) => s.installPhase);
    if (installScripts.length === 0) continue;
    const file = resolve(io.cwd, p.source);
    if (!existsSync(file) || !statSync(file).isFile()) {
      for (const s of installScripts) notTraced(s, 'read from a package database: there is no package file to unpack');
      continue;
    }
    let pkg: Package | undefined;
    try {
      pkg = await readPackageFile(file);
    } catch (e) {
      if (!(e instanceof ScriptletError)) throw e;
      for (const s of installScripts) notTraced(s, e.toOneLine());
      continue;
    }
    for (const s of installScripts) {
      const scriptlet = pkg.scriptlets.find((x) => sameScript(s, x));
      if (!TRACED.has(s.phase) || !scriptlet || scriptlet.interpreter.kind === 'lua' || scriptlet.interpreter.kind === 'deb-triggers') {
        notTraced(s, `a ${s.phase} ${s.interpreter.kind} script is not run by itself on a fresh install`);
      } else if (p.format !== 'deb' && opts.traceRoot === undefined) {
        notTraced(s, `tracing a ${p.format} package needs --trace-root with a tree of its distribution`);
      } else jobs.push({ script: s, file, pkg, scriptlet });
    }
  }
  const env = traceEnvironment(io, {
    ...(opts.traceRoot !== undefined ? { root: opts.traceRoot } : {}),
    ...(opts.traceBase !== undefined ? { base: opts.traceBase } : {}),
  });
  let done = 0;
  onProgress?.(0, jobs.length);
  await mapLimited(jobs, opts.traceJobs, async (j) => {
    let trace: ScriptTrace;
    try {
      const report = await tracePackageScript(j.file, j.pkg, j.scriptlet, {
        ...env,
        timeoutSeconds: opts.traceTimeout,
        tty: false,
        xtrace: false,
        forceUserns: false,
        maxProcs: 512,
        keep: false,
        // Making a base tree takes minutes the first time: shown beside the count.
        onStage: (stage) => {
          if (!stage.startsWith('running')) onProgress?.(done, jobs.length, stage);
        },
      });
      trace = summariseTrace(report);
    } catch (e) {
      if (!(e instanceof ScriptletError)) throw e;
      trace = { status: 'not-traced', reason: e.toOneLine() };
    }
    j.script.trace = trace;
    onProgress?.(++done, jobs.length);
  });
}
