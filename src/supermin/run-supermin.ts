import { isAbsolute, resolve } from 'node:path';
import { ToolError } from '../errors.js';
import { lastLines, runTool, type RunToolResult } from '../process/run-tool.js';
import { SUPERMIN_INSTALL_HINT } from './probe-supermin.js';
import { superminFailureHint } from './supermin-failure-hint.js';

/** A kernel for ext2 appliances that is not (or not only) the host's. */
export interface SuperminKernel {
  /** The vmlinuz file. */
  kernel: string;
  /** A directory laid out like /lib/modules/<version> (with modules.dep). */
  modules: string;
  version: string;
}

export interface RunSuperminOptions {
  kernel?: SuperminKernel;
  /** Base environment (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

/** The environment supermin runs in: the kernel override, and a TMPDIR it will accept. */
export function superminEnv(base: NodeJS.ProcessEnv, kernel?: SuperminKernel): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // supermin refuses a relative TMPDIR outright (RHBZ#1190754); make it absolute instead of failing.
  if (env.TMPDIR !== undefined && env.TMPDIR !== '' && !isAbsolute(env.TMPDIR)) env.TMPDIR = resolve(env.TMPDIR);
  if (kernel) {
    env.SUPERMIN_KERNEL = kernel.kernel;
    env.SUPERMIN_MODULES = kernel.modules;
    env.SUPERMIN_KERNEL_VERSION = kernel.version;
  } else {
    // A stray variable from the caller's shell would silently pick another kernel.
    delete env.SUPERMIN_KERNEL;
    delete env.SUPERMIN_MODULES;
    delete env.SUPERMIN_KERNEL_VERSION;
  }
  return env;
}

/**
 * Runs supermin with an argv from superminPrepareArgv/superminBuildArgv. Any failure becomes
 * E_TOOL_FAILED carrying the end of supermin's log and advice on what to change.
 */
export async function runSupermin(argv: readonly string[], options: RunSuperminOptions = {}): Promise<RunToolResult> {
  const result = await runTool(argv, {
    env: superminEnv(options.env ?? process.env, options.kernel),
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    onStdout: options.onStdout,
    onStderr: options.onStderr,
    missingHint: SUPERMIN_INSTALL_HINT,
  });
  const mode = argv.includes('--prepare') ? 'prepare' : 'build';
  if (result.aborted) throw new ToolError('E_TOOL_FAILED', `supermin --${mode} was interrupted`);
  if (result.timedOut) {
    throw new ToolError('E_TOOL_FAILED', `supermin --${mode} did not finish within ${options.timeoutMs} ms`, {
      hint: 'the host may be overloaded; try again or allow more time',
    });
  }
  if (result.code !== 0) {
    const log = `${result.stdout}\n${result.stderr}`;
    const tail = lastLines(result.stderr, 8) || lastLines(result.stdout, 8);
    const how = result.code === null ? `was killed by ${result.signal}` : `exited with status ${result.code}`;
    throw new ToolError('E_TOOL_FAILED', `supermin --${mode} ${how}${tail ? `:\n${tail}` : ''}`, {
      hint: superminFailureHint(log),
    });
  }
  return result;
}
