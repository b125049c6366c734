import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { buildAuditResult } from '../../src/audit/build-audit-result.js';
import { AuditScriptSchema } from '../../src/audit/audit-result.js';
import { renderJson } from '../../src/report/render-json.js';
import { sampleAuditInput } from '../helpers/audit-fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const schemaFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'audit-result.schema.json');

function sample() {
  const { packages, assessments } = sampleAuditInput();
  return buildAuditResult(packages, assessments);
}

/** The same data with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

t.test('output validates against docs/audit-result.schema.json', async (t) => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  const text = renderJson(sample());
  const ok = validate(JSON.parse(text));
  t.ok(ok, JSON.stringify(validate.errors));
  // The schema is strict: an unknown field is rejected, so validation can fail.
  const broken = JSON.parse(text) as { packages: { scripts: Record<string, unknown>[] }[] };
  broken.packages[0]!.scripts[0]!.surprise = true;
  t.notOk(validate(broken), 'unknown field rejected');
});

t.test('format: schema key order, 2-space indent, trailing newline, deterministic', async (t) => {
  const result = sample();
  const text = renderJson(result);
  t.ok(text.endsWith('}\n'));
  t.match(text, /^\{\n {2}"schemaVersion": 1,\n {2}"packages": \[/);
  t.equal(renderJson(reverseKeys(result) as typeof result), text, 'key order does not depend on construction order');
  const parsed = JSON.parse(text) as { packages: { scripts: object[] }[]; totals: object };
  const scriptKeys = Object.keys(parsed.packages[0]!.scripts[0]!);
  const schemaKeys = Object.keys(AuditScriptSchema.properties).filter((k) => scriptKeys.includes(k));
  t.same(scriptKeys, schemaKeys);
  t.same(Object.keys(parsed.totals), ['packages', 'scripts', 'byOutcome', 'scriptsWithRisks', 'byRisk', 'bySeverity', 'installTime']);
  const action = (JSON.parse(renderJson(reverseKeys(result) as typeof result)) as { packages: { scripts: { actions: object[] }[] }[] })
    .packages[1]!.scripts.find((s) => s.actions.length > 0)!.actions[0]!;
  t.same(Object.keys(action), ['kind', 'name', 'system'], 'union members (actions) are ordered by their own variant');
});
