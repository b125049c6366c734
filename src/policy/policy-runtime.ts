/**
 * What classification needs beyond data: the built-in translators and the compiled JavaScript
 * modules of a policy. Created once when a policy is loaded, then passed to classify().
 */
import type { Action } from '../actions/action.js';
import { PolicyError } from '../errors.js';
import { compileSandboxModule, defaultSandboxLimits, type SandboxLimits, type SandboxModule } from './sandbox.js';
import type { ResolvedPolicy, ResolvedRule } from './resolved-policy.js';
import type { Translator } from './translator.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { ActionSchema, TranslatorResultSchema } from './action-schema.js';

export interface PolicyRuntime {
  translators: ReadonlyMap<string, Translator>;
  /** Runs the rule's `match.js` predicate. */
  predicate(rule: ResolvedRule, input: unknown): boolean;
  /** Runs the rule's `translate.js` translator; null means "cannot translate this form". */
  translate(rule: ResolvedRule, input: unknown): Action[] | null;
  /** Frees the isolates. */
  dispose(): void;
}

interface ResultValidators {
  result: ValidateFunction<Action[] | null>;
  /** One validator per action kind, so a bad action is reported against its own kind's shape. */
  kinds: Map<string, ValidateFunction>;
}
let validators: ResultValidators | undefined;

/**
 * Compiled on first use, not when the module loads: only JavaScript translators need them, most
 * policies have none, and compiling these schemas took most of a second of every CLI start.
 */
function resultValidators(): ResultValidators {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    validators = {
      result: ajv.compile<Action[] | null>(TranslatorResultSchema),
      kinds: new Map(ActionSchema.anyOf.map((s) => [String(s.properties.kind.const), ajv.compile(s)] as const)),
    };
  }
  return validators;
}

/** Why `out` is not a valid translator result, or null when it is. */
function resultProblem(out: unknown): string | null {
  const { result: validateResult, kinds: validateKind } = resultValidators();
  if (validateResult(out)) return null;
  if (!Array.isArray(out)) return `got ${describe(out)}`;
  for (const [i, item] of out.entries()) {
    const kind = typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined;
    const validate = typeof kind === 'string' ? validateKind.get(kind) : undefined;
    if (!validate) return `action ${i} has no known kind (${JSON.stringify(kind) ?? 'none'})`;
    if (!validate(item)) {
      const e = validate.errors?.[0];
      const extra = e?.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : '';
      return `action ${i} (${kind}): ${e?.instancePath ? `${e.instancePath.slice(1)} ` : ''}${e?.message ?? 'is invalid'}${extra}`;
    }
  }
  return 'it is invalid';
}

/**
 * Compiles every JavaScript module the policy's rules name. `readModule` returns a module's source
 * (the caller owns file access); errors in a module are PolicyErrors naming the first rule using it.
 */
export function createPolicyRuntime(
  policy: ResolvedPolicy,
  translators: ReadonlyMap<string, Translator>,
  readModule: (path: string, rule: ResolvedRule) => string,
  limits: SandboxLimits = defaultSandboxLimits,
): PolicyRuntime {
  const modules = new Map<string, SandboxModule>();
  const wanted = new Map<string, Set<string>>();
  const firstRule = new Map<string, ResolvedRule>();
  for (const r of policy.rules) {
    for (const [path, exportName] of [
      [r.matchModule, 'match'],
      [r.translateModule, 'translate'],
    ] as const) {
      if (!path) continue;
      if (!wanted.has(path)) wanted.set(path, new Set());
      wanted.get(path)!.add(exportName);
      if (!firstRule.has(path)) firstRule.set(path, r);
    }
  }
  try {
    for (const [path, names] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
      const rule = firstRule.get(path)!;
      modules.set(path, compileSandboxModule(readModule(path, rule), path, [...names].sort(), rule.rule.id, limits));
    }
  } catch (e) {
    for (const m of modules.values()) m.dispose();
    throw e;
  }
  return runtimeOver(translators, modules);
}

/** A runtime for policies without JavaScript (tests, hand-built policies). */
export function builtinRuntime(translators: ReadonlyMap<string, Translator>): PolicyRuntime {
  return runtimeOver(translators, new Map());
}

function runtimeOver(translators: ReadonlyMap<string, Translator>, modules: Map<string, SandboxModule>): PolicyRuntime {
  const moduleFor = (rule: ResolvedRule, path: string | undefined): SandboxModule => {
    const m = path ? modules.get(path) : undefined;
    if (!m) {
      throw new PolicyError('E_POLICY_REF', 'JavaScript module was not loaded with the policy', {
        file: path ?? rule.file,
        rule: rule.rule.id,
      });
    }
    return m;
  };
  return {
    translators,
    predicate(rule, input) {
      const m = moduleFor(rule, rule.matchModule);
      const out = m.call('match', input, rule.rule.id);
      if (typeof out !== 'boolean') {
        throw new PolicyError('E_POLICY_SANDBOX', `JavaScript predicate must return true or false, not ${describe(out)}`, {
          file: m.file,
          rule: rule.rule.id,
        });
      }
      return out;
    },
    translate(rule, input) {
      const m = moduleFor(rule, rule.translateModule);
      const out = m.call('translate', input, rule.rule.id);
      const problem = resultProblem(out);
      if (problem !== null) {
        throw new PolicyError(
          'E_POLICY_SANDBOX',
          `JavaScript translator must return an array of actions or null: ${problem}`,
          { file: m.file, rule: rule.rule.id },
        );
      }
      return out as Action[] | null;
    },
    dispose() {
      for (const m of modules.values()) m.dispose();
    },
  };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40) ?? ''}`.trim();
}
