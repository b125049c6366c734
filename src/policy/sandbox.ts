/**
 * Runs policy JavaScript (rule predicates and translators) inside isolated-vm: its own V8 heap
 * with a memory cap, a time limit per call, and nothing of the host reachable. Data crosses the
 * boundary only as structured copies (plain JSON-like values), both ways, so nothing the module
 * does to its own prototypes or globals can touch the host.
 *
 * The APIs used are the synchronous ones: a call blocks the host thread for at most the timeout,
 * which keeps the classifier a plain function instead of an async pipeline.
 */
import ivm from 'isolated-vm';
import { PolicyError } from '../errors.js';

export interface SandboxLimits {
  /** Heap cap per module isolate, in MB (isolated-vm's minimum is 8). */
  memoryMb: number;
  /** Wall time per call (and for the module's top-level code), in ms. */
  timeoutMs: number;
}

export const defaultSandboxLimits: SandboxLimits = { memoryMb: 32, timeoutMs: 100 };

/** One compiled module, callable by its exported function names. */
export interface SandboxModule {
  readonly file: string;
  /** Calls `exportName(input)` inside the sandbox; returns the copied-out result. */
  call(exportName: string, input: unknown, rule: string): unknown;
  dispose(): void;
}

interface Live {
  isolate: ivm.Isolate;
  context: ivm.Context;
  module: ivm.Module;
  exports: Map<string, ivm.Reference<unknown>>;
}

/**
 * Handles are released before their isolate goes: a handle left to the garbage collector can be
 * finalized after the isolate is gone, and isolated-vm then aborts the whole process at exit
 * (`IsolateEnvironment::GetCurrent(): Assertion ... failed`, SIGABRT), seen in the test suite.
 */
function disposeLive(live: Live): void {
  const handles: { release(): void }[] = [...live.exports.values(), live.module, live.context];
  live.exports.clear();
  for (const h of handles) {
    try {
      h.release();
    } catch {
      // The isolate already went (its memory cap): nothing is left to release.
    }
  }
  if (!live.isolate.isDisposed) live.isolate.dispose();
}

function sandboxError(file: string, rule: string, what: string, e: unknown): PolicyError {
  const message = e instanceof Error ? e.message : String(e);
  // isolated-vm ends compile errors with "[file:line:col]".
  const pos = /:(\d+):(\d+)\]$/.exec(message);
  const context: { file: string; rule: string; line?: number; column?: number; hint: string } = {
    file,
    rule,
    hint: 'policy JavaScript runs without require, import, process or host objects, within time and memory limits',
  };
  if (pos) {
    context.line = Number(pos[1]);
    context.column = Number(pos[2]);
  }
  const memory = /memory limit/i.test(message) ? ' (memory limit reached)' : '';
  return new PolicyError('E_POLICY_SANDBOX', `JavaScript ${what} failed${memory}: ${message}`, context, { cause: e });
}

/**
 * Compiles and evaluates `source` as an ES module in a fresh isolate. `exportNames` must all be
 * exported functions. `rule` names the first rule using the module, for load-time errors.
 */
export function compileSandboxModule(
  source: string,
  file: string,
  exportNames: readonly string[],
  rule: string,
  limits: SandboxLimits = defaultSandboxLimits,
): SandboxModule {
  const start = (forRule: string): Live => {
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    try {
      const context = isolate.createContextSync();
      let mod: ivm.Module;
      try {
        mod = isolate.compileModuleSync(source, { filename: file });
      } catch (e) {
        throw sandboxError(file, forRule, 'module did not compile', e);
      }
      if (mod.dependencySpecifiers.length > 0) {
        throw new PolicyError(
          'E_POLICY_SANDBOX',
          `JavaScript module may not import anything (imports ${mod.dependencySpecifiers.map((s) => `'${s}'`).join(', ')})`,
          { file, rule: forRule },
        );
      }
      try {
        mod.instantiateSync(context, () => {
          throw new Error('imports are not available in the policy sandbox');
        });
        mod.evaluateSync({ timeout: limits.timeoutMs });
      } catch (e) {
        throw sandboxError(file, forRule, 'module top-level code', e);
      }
      const exports = new Map<string, ivm.Reference<unknown>>();
      for (const name of exportNames) {
        const ref = mod.namespace.getSync(name, { reference: true }) as ivm.Reference<unknown>;
        if (ref.typeof !== 'function') {
          throw new PolicyError('E_POLICY_SANDBOX', `JavaScript module must export a function named '${name}'`, {
            file,
            rule: forRule,
          });
        }
        exports.set(name, ref);
      }
      return { isolate, context, module: mod, exports };
    } catch (e) {
      if (!isolate.isDisposed) isolate.dispose();
      throw e;
    }
  };

  let live: Live | null = start(rule);
  return {
    file,
    call(exportName, input, forRule) {
      // A module that hit its memory cap lost its isolate; start it afresh for the next rule.
      if (live?.isolate.isDisposed) {
        disposeLive(live);
        live = null;
      }
      if (!live) live = start(forRule);
      const fn = live.exports.get(exportName);
      if (!fn) throw new PolicyError('E_POLICY_SANDBOX', `JavaScript module has no export '${exportName}'`, { file, rule: forRule });
      try {
        return fn.applySync(undefined, [input], {
          arguments: { copy: true },
          result: { copy: true },
          timeout: limits.timeoutMs,
        });
      } catch (e) {
        throw sandboxError(file, forRule, `'${exportName}'`, e);
      }
    },
    dispose() {
      if (live) disposeLive(live);
      live = null;
    },
  };
}
