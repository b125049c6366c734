/**
 * One policy file's text to a validated PolicyFile, or a list of problems each at file:line:col.
 * Pure: the loader does the reading and the resolving of `extends`.
 */
import JSON5 from 'json5';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { PolicyError } from '../errors.js';
import { locateJson5, positionAt, type LocatedValue, type SourcePosition } from './json5-locator.js';
import type { PolicyFile } from './policy-schema.js';
import { validate as generatedValidate } from './policy-validator.generated.js';

export interface ParsedPolicy {
  /** Present when the text is valid JSON5 that satisfies the schema (other problems may remain). */
  doc?: PolicyFile;
  problems: PolicyError[];
  /** Position of the value at a JSON pointer (or of a member key, with `key`). */
  locate: (pointer: string, key?: string) => SourcePosition;
}

// Compiled ahead of time from PolicySchema (src/policy/write-schema.ts); a test keeps it current.
const validate = generatedValidate as ValidateFunction<PolicyFile>;

export function parsePolicyText(text: string, file: string): ParsedPolicy {
  let data: unknown;
  try {
    data = JSON5.parse(text);
  } catch (e) {
    const err = e as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const message = err.message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    return {
      problems: [
        new PolicyError('E_POLICY_SYNTAX', `JSON5 syntax error: ${message}`, {
          file,
          line: err.lineNumber,
          column: err.columnNumber,
        }),
      ],
      locate: () => ({ line: 1, column: 1 }),
    };
  }
  const tree: LocatedValue = locateJson5(text);
  const locate = (pointer: string, key?: string): SourcePosition => positionAt(tree, pointer, key);
  const ruleIdAt = (pointer: string): string | undefined => {
    const m = /^\/rules\/(\d+)(\/|$)/.exec(pointer);
    if (!m) return undefined;
    const rules = (data as { rules?: unknown }).rules;
    const rule = Array.isArray(rules) ? (rules[Number(m[1])] as { id?: unknown } | undefined) : undefined;
    return typeof rule?.id === 'string' ? rule.id : `#${Number(m[1]) + 1}`;
  };
  const problem = (code: 'E_POLICY_SCHEMA' | 'E_POLICY_REF', pointer: string, message: string, key?: string, hint?: string) => {
    const at = locate(pointer, key);
    const rule = ruleIdAt(pointer);
    return new PolicyError(code, message, {
      file,
      line: at.line,
      column: at.column,
      ...(rule !== undefined ? { rule } : {}),
      ...(hint ? { hint } : {}),
    });
  };

  if (!validate(data)) {
    const problems = schemaMessages(validate.errors ?? []).map((m) => problem('E_POLICY_SCHEMA', m.pointer, m.message, m.key));
    return { problems: sortProblems(problems), locate };
  }
  const doc = data;
  const problems: PolicyError[] = [];
  const seen = new Map<string, number>();
  doc.rules.forEach((rule, i) => {
    const base = `/rules/${i}`;
    const previous = seen.get(rule.id);
    if (previous !== undefined) {
      const at = locate(`/rules/${previous}`);
      problems.push(problem('E_POLICY_SCHEMA', `${base}/id`, `duplicate rule id '${rule.id}' (first at line ${at.line})`));
    } else seen.set(rule.id, i);
    if (rule.outcome === 'translate') {
      const t = rule.translate;
      if (!t) problems.push(problem('E_POLICY_SCHEMA', base, "outcome 'translate' needs a `translate` entry", 'outcome'));
      else if ((t.translator === undefined) === (t.js === undefined)) {
        problems.push(problem('E_POLICY_SCHEMA', `${base}/translate`, 'translate needs exactly one of `translator` and `js`'));
      }
    } else if (rule.translate) {
      problems.push(
        problem('E_POLICY_SCHEMA', base, `a \`translate\` entry needs outcome 'translate', not '${rule.outcome}'`, 'translate'),
      );
    }
    if (rule.match.empty !== undefined && rule.scope !== 'script') {
      problems.push(problem('E_POLICY_SCHEMA', `${base}/match`, "`empty` only applies to rules with scope 'script'", 'empty'));
    }
  });
  return { doc, problems, locate };
}

export function sortProblems(problems: PolicyError[]): PolicyError[] {
  return [...problems].sort(
    (a, b) =>
      (a.context.file ?? '').localeCompare(b.context.file ?? '') ||
      (a.context.line ?? 0) - (b.context.line ?? 0) ||
      (a.context.column ?? 0) - (b.context.column ?? 0) ||
      a.message.localeCompare(b.message),
  );
}

interface SchemaMessage {
  pointer: string;
  key?: string;
  message: string;
}

/**
 * Turns ajv's error list into one message per place. Fields that take "a value or a list" are
 * anyOf unions, for which ajv reports every branch's failure; keep the branch the user meant.
 */
function schemaMessages(errors: ErrorObject[]): SchemaMessage[] {
  const relevant = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if');
  const paths = new Set(relevant.map((e) => e.instancePath));
  // A failure deeper inside a value explains the failure of the value itself.
  const deepest = relevant.filter((e) => ![...paths].some((p) => p !== e.instancePath && p.startsWith(`${e.instancePath}/`)));
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of deepest) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const out: SchemaMessage[] = [];
  for (const [pointer, group] of byPath) {
    const name = pointer.split('/').pop() || 'policy';
    for (const e of group) {
      if (e.keyword === 'additionalProperties') {
        const prop = String(e.params.additionalProperty);
        const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        const near = nearest(prop, known);
        out.push({ pointer, key: prop, message: `unknown property '${prop}'${near ? ` (did you mean '${near}'?)` : ''}` });
      } else if (e.keyword === 'required') {
        out.push({ pointer, message: `missing required property '${String(e.params.missingProperty)}'` });
      }
    }
    const rest = group.filter((e) => e.keyword !== 'additionalProperties' && e.keyword !== 'required');
    if (rest.length === 0) continue;
    const allowed = rest.filter((e) => e.keyword === 'const').map((e) => String(e.params.allowedValue));
    if (allowed.length > 0) {
      out.push({ pointer, message: `${name} must be one of ${allowed.join(', ')}` });
      continue;
    }
    // The "or a list" branch failing on a scalar says nothing useful when the scalar branch also failed.
    const scalar = rest.filter((e) => !(e.keyword === 'type' && e.params.type === 'array')) ;
    const chosen = scalar[0] ?? rest[0]!;
    const description = (chosen.parentSchema as { description?: string } | undefined)?.description;
    out.push({
      pointer,
      message: `${name} ${chosen.message ?? 'is invalid'}${chosen.keyword === 'pattern' && description ? ` (${description})` : ''}`,
    });
  }
  return out;
}

function nearest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
