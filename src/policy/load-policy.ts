/**
 * Loads a policy file and its `extends` chain, validates everything, and compiles its JavaScript
 * modules: the edge where policy text comes off the disk. Every problem is a PolicyError that
 * names the file, line and column (and the rule, when one is at fault).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { IoError, PolicyError } from '../errors.js';
import { parsePolicyText, sortProblems, type ParsedPolicy } from './parse-policy.js';
import type { PolicyFile } from './policy-schema.js';
import { createPolicyRuntime, type PolicyRuntime } from './policy-runtime.js';
import type { ResolvedPolicy, ResolvedRule } from './resolved-policy.js';
import { defaultSandboxLimits, type SandboxLimits } from './sandbox.js';
import type { Translator } from './translator.js';
import { translators as builtinTranslators } from './translators/registry.js';
import { defaultPolicyDir } from './policy-dir.js';

export interface LoadPolicyOptions {
  /** Where a policy given by name is looked up (default: the policies/ shipped with scriptlet). */
  policyDir?: string;
  /** Base for relative paths (default: process.cwd()). */
  cwd?: string;
  translators?: ReadonlyMap<string, Translator>;
  limits?: SandboxLimits;
}

export interface LoadedPolicy {
  policy: ResolvedPolicy;
  runtime: PolicyRuntime;
}

/** A name (`debian`) or a path (`./my.json5`, anything with a slash or a .json5/.json suffix). */
export function policyPath(ref: string, options: LoadPolicyOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  if (ref.includes('/') || /\.json5?$/.test(ref)) return isAbsolute(ref) ? ref : resolve(cwd, ref);
  return join(options.policyDir ?? defaultPolicyDir(), `${ref}.json5`);
}

/** Loads and resolves a policy; throws the first problem (in file and line order). */
export function loadPolicy(ref: string, options: LoadPolicyOptions = {}): LoadedPolicy {
  const { loaded, problems } = resolveChain(ref, options);
  if (problems.length > 0 || !loaded) {
    loaded?.runtime.dispose();
    throw problems[0] ?? new PolicyError('E_POLICY_REF', 'policy could not be loaded', { file: policyPath(ref, options) });
  }
  return loaded;
}

/** Every problem of a policy and its chain, for `policy check`; empty when it is valid. */
export function checkPolicy(ref: string, options: LoadPolicyOptions = {}): PolicyError[] {
  const { loaded, problems } = resolveChain(ref, options);
  loaded?.runtime.dispose();
  return problems;
}

interface Node {
  file: string;
  parsed: ParsedPolicy;
  doc: PolicyFile;
}

function resolveChain(
  ref: string,
  options: LoadPolicyOptions,
): { loaded?: LoadedPolicy; problems: PolicyError[] } {
  const translators = options.translators ?? builtinTranslators;
  const problems: PolicyError[] = [];
  const nodes = new Map<string, Node | null>();
  const order: Node[] = [];

  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new IoError(code === 'ENOENT' ? 'policy file not found' : `cannot read policy file (${code ?? 'error'})`, {
        file,
      });
    }
  };

  // Depth-first, parents visited last-listed first and emitted child-before-parent in reverse, so
  // that a shared ancestor (base) lands after every policy that extends it.
  const visit = (file: string, stack: string[]): void => {
    if (nodes.has(file)) return;
    const parsed = parsePolicyText(read(file), file);
    problems.push(...parsed.problems);
    if (!parsed.doc) {
      nodes.set(file, null);
      return;
    }
    const node: Node = { file, parsed, doc: parsed.doc };
    nodes.set(file, node);
    const parents = parsed.doc.extends === undefined ? [] : [parsed.doc.extends].flat();
    const dir = dirname(file);
    for (const [i, parent] of [...parents.entries()].reverse()) {
      const pointer = Array.isArray(parsed.doc.extends) ? `/extends/${i}` : '/extends';
      const at = parsed.locate(pointer);
      // A sibling file first (a policy directory of one's own), then the shipped policies, so a
      // custom policy anywhere can say `extends: 'debian'`.
      const sibling = join(dir, `${parent}.json5`);
      const shipped = join(options.policyDir ?? defaultPolicyDir(), `${parent}.json5`);
      const parentFile = existsSync(sibling) || !existsSync(shipped) ? sibling : shipped;
      if (stack.includes(parentFile) || parentFile === file) {
        const cycle = [...stack.slice(stack.indexOf(parentFile)), file, parentFile].map((f) => nameOf(f));
        problems.push(
          new PolicyError('E_POLICY_REF', `extends cycle: ${cycle.join(' -> ')}`, { file, line: at.line, column: at.column }),
        );
        continue;
      }
      if (!existsSync(parentFile)) {
        problems.push(
          new PolicyError('E_POLICY_REF', `extends '${parent}': no file ${parentFile}`, {
            file,
            line: at.line,
            column: at.column,
            hint: 'a parent policy is looked up as NAME.json5 in the same directory, then among the shipped policies',
          }),
        );
        continue;
      }
      visit(parentFile, [...stack, file]);
      const parentNode = nodes.get(parentFile);
      if (parentNode && parentNode.doc.family !== 'any' && parentNode.doc.family !== parsed.doc.family) {
        problems.push(
          new PolicyError(
            'E_POLICY_REF',
            `family '${parsed.doc.family}' cannot extend '${parent}' (family '${parentNode.doc.family}')`,
            { file, line: at.line, column: at.column },
          ),
        );
      }
    }
    order.push(node);
  };

  const root = policyPath(ref, options);
  try {
    visit(root, []);
  } catch (e) {
    if (e instanceof IoError && e.context.file === root) throw e;
    if (e instanceof IoError) problems.push(new PolicyError('E_POLICY_REF', e.message, e.context));
    else throw e;
  }
  order.reverse();
  const rootNode = nodes.get(root);
  if (!rootNode) return { problems: sortProblems(problems) };

  const rules: ResolvedRule[] = [];
  const byId = new Map<string, ResolvedRule>();
  for (const node of order) {
    node.doc.rules.forEach((rule, i) => {
      const at = node.parsed.locate(`/rules/${i}`);
      const dir = dirname(node.file);
      const resolved: ResolvedRule = { rule, policy: node.doc.name, file: node.file, line: at.line, column: at.column };
      if (rule.match.js) resolved.matchModule = resolve(dir, rule.match.js);
      if (rule.translate?.js) resolved.translateModule = resolve(dir, rule.translate.js);
      const where = (pointer: string) => {
        const p = node.parsed.locate(`/rules/${i}${pointer}`);
        return { file: node.file, line: p.line, column: p.column, rule: rule.id };
      };
      const other = byId.get(rule.id);
      if (other && other.file !== node.file) {
        problems.push(
          new PolicyError('E_POLICY_SCHEMA', `duplicate rule id '${rule.id}' (also in ${other.file}:${other.line})`, where('/id')),
        );
      } else if (!other) byId.set(rule.id, resolved);
      const name = rule.translate?.translator;
      if (name !== undefined && !translators.has(name)) {
        problems.push(
          new PolicyError('E_POLICY_REF', `unknown translator '${name}'`, {
            ...where('/translate/translator'),
            hint: `built-in translators: ${[...translators.keys()].sort().join(', ') || '(none)'}`,
          }),
        );
      }
      for (const [path, pointer] of [
        [resolved.matchModule, '/match/js'],
        [resolved.translateModule, '/translate/js'],
      ] as const) {
        if (path && !existsSync(path)) {
          problems.push(new PolicyError('E_POLICY_REF', `JavaScript module not found: ${path}`, where(pointer)));
        }
      }
      rules.push(resolved);
    });
  }

  const policy: ResolvedPolicy = {
    name: rootNode.doc.name,
    family: rootNode.doc.family,
    file: root,
    rules,
    files: order.map((n) => n.file),
  };
  if (rootNode.doc.description !== undefined) policy.description = rootNode.doc.description;
  if (problems.length > 0) return { problems: sortProblems(problems) };
  try {
    const runtime = createPolicyRuntime(policy, translators, (path) => read(path), options.limits ?? defaultSandboxLimits);
    return { loaded: { policy, runtime }, problems: [] };
  } catch (e) {
    if (e instanceof PolicyError || e instanceof IoError) return { problems: [asPolicyError(e)] };
    throw e;
  }
}

function asPolicyError(e: PolicyError | IoError): PolicyError {
  return e instanceof PolicyError ? e : new PolicyError('E_POLICY_REF', e.message, e.context);
}

function nameOf(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.json5$/, '');
}
