/**
 * `policy test DIR`: every `NAME.sh` in DIR is classified and compared with `NAME.expect.json5`
 * ({ phase, format?, package?, outcome, rule?, actions? }). Policy authors keep their intent next
 * to examples; a rule change that alters a verdict shows up as a failing fixture.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import JSON5 from 'json5';
import { Ajv, type ValidateFunction } from 'ajv';
import { Type, type Static } from '@sinclair/typebox';
import { IoError, PolicyError } from '../errors.js';
import type { PackageFormat } from '../formats/types.js';
import { ActionSchema } from '../policy/action-schema.js';
import { classify } from '../policy/classify.js';
import { locateJson5, positionAt } from '../policy/json5-locator.js';
import type { LoadedPolicy } from '../policy/load-policy.js';
import { outcomes, packageFormats, phases } from '../policy/policy-schema.js';
import type { Verdict } from '../policy/verdict.js';
import { analyse } from '../shell/analyse.js';
import { scriptletFromScriptFile } from './script-file-scriptlet.js';

export const ExpectationSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    phase: Type.Union(phases.map((p) => Type.Literal(p))),
    format: Type.Optional(Type.Union(packageFormats.map((f) => Type.Literal(f)))),
    package: Type.Optional(Type.String({ minLength: 1 })),
    outcome: Type.Union(outcomes.map((o) => Type.Literal(o))),
    rule: Type.Optional(Type.String({ minLength: 1 })),
    actions: Type.Optional(Type.Array(ActionSchema)),
  },
  { additionalProperties: false },
);
export type Expectation = Static<typeof ExpectationSchema>;

// Compiled on first use: every CLI command loads this module, only `policy test` reads fixtures.
let compiled: ValidateFunction<Expectation> | undefined;
const expectationValidator = (): ValidateFunction<Expectation> =>
  (compiled ??= new Ajv({ allErrors: false, strict: false }).compile<Expectation>(ExpectationSchema));

export interface FixtureResult {
  name: string;
  ok: boolean;
  /** What differed, one line each (empty when ok). */
  differences: string[];
  verdict: Verdict;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new IoError(`cannot read fixture (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
}

export function parseExpectation(text: string, file: string): Expectation {
  let data: unknown;
  try {
    data = JSON5.parse(text);
  } catch (e) {
    const err = e as SyntaxError & { lineNumber?: number; columnNumber?: number };
    throw new PolicyError('E_POLICY_TEST', `JSON5 syntax error: ${err.message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '')}`, {
      file,
      line: err.lineNumber,
      column: err.columnNumber,
    });
  }
  const validate = expectationValidator();
  if (!validate(data)) {
    const e = validate.errors![0]!;
    const key = e.keyword === 'additionalProperties' ? String(e.params.additionalProperty) : undefined;
    const at = positionAt(locateJson5(text), e.instancePath, key);
    const what = key ? `unknown property '${key}'` : `${e.instancePath.slice(1) || 'expectation'} ${e.message ?? 'is invalid'}`;
    throw new PolicyError('E_POLICY_TEST', `bad expectation: ${what}`, { file, line: at.line, column: at.column });
  }
  return data;
}

/**
 * Runs every fixture of `dir`, sorted by name. `policyFor` gives the loaded policy for a format.
 * A `.sh` without its `.expect.json5` is an error, not a silent pass.
 */
export async function runPolicyFixtures(dir: string, policyFor: (format: PackageFormat) => LoadedPolicy): Promise<FixtureResult[]> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.sh')).sort();
  } catch (e) {
    throw new IoError(`cannot read fixture directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file: dir });
  }
  if (names.length === 0) throw new PolicyError('E_POLICY_TEST', 'no fixtures (*.sh) in directory', { file: dir });
  const results: FixtureResult[] = [];
  for (const name of names) {
    const stem = name.slice(0, -'.sh'.length);
    const expectFile = join(dir, `${stem}.expect.json5`);
    if (!existsSync(expectFile)) {
      throw new PolicyError('E_POLICY_TEST', `fixture has no expectation file ${stem}.expect.json5`, { file: join(dir, name) });
    }
    const expected = parseExpectation(readText(expectFile), expectFile);
    const options: { phase: string; format?: PackageFormat; package?: string } = { phase: expected.phase };
    if (expected.format) options.format = expected.format;
    options.package = expected.package ?? stem;
    const scriptlet = scriptletFromScriptFile(name, readText(join(dir, name)), options);
    const loaded = policyFor(scriptlet.format);
    const verdict = classify(scriptlet, await analyse(scriptlet), loaded.policy, loaded.runtime);
    const differences: string[] = [];
    if (verdict.outcome !== expected.outcome) differences.push(`outcome: expected ${expected.outcome}, got ${verdict.outcome} (${verdict.reason})`);
    if (expected.rule !== undefined && verdict.rule.id !== expected.rule) {
      differences.push(`rule: expected ${expected.rule}, got ${verdict.rule.id}`);
    }
    if (expected.actions !== undefined && !isDeepStrictEqual(verdict.actions, expected.actions)) {
      differences.push(`actions: expected ${JSON.stringify(expected.actions)}, got ${JSON.stringify(verdict.actions)}`);
    }
    results.push({ name: stem, ok: differences.length === 0, differences, verdict });
  }
  return results;
}
