import t from 'tap';
import { readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { Ajv } from 'ajv';
import { POLICY_VALIDATOR_OPTIONS, PolicySchema } from '../../src/policy/policy-schema.js';
import { validate as generated } from '../../src/policy/policy-validator.generated.js';
import { policySchemaPath, policyValidatorPath, renderPolicySchema, renderPolicyValidator } from '../../src/policy/write-schema.js';

t.test('the committed policies/policy.schema.json is what `npm run schema` generates', async (t) => {
  t.equal(readFileSync(policySchemaPath(), 'utf8'), renderPolicySchema(), 'run `npm run schema` and commit the result');
});

t.test('the generated JSON Schema accepts the shipped base policy and rejects a broken one', async (t) => {
  const validate = new Ajv({ strict: false }).compile(JSON.parse(renderPolicySchema()) as object);
  const base = JSON5.parse(readFileSync(policySchemaPath().replace(/policy\.schema\.json$/, 'base.json5'), 'utf8')) as unknown;
  t.equal(validate(base), true, JSON.stringify(validate.errors));
  t.equal(validate({ name: 'x', family: 'any', rules: [{ id: 'a', match: { nope: 1 }, outcome: 'drop', reason: 'r' }] }), false);
});

t.test('the committed policy validator is what `npm run schema` generates', async (t) => {
  t.equal(readFileSync(policyValidatorPath(), 'utf8'), renderPolicyValidator(), 'run `npm run schema` and commit the result');
});

t.test('the generated validator decides and reports exactly as ajv compiling the schema now', async (t) => {
  const fresh = new Ajv(POLICY_VALIDATOR_OPTIONS).compile(PolicySchema);
  const base = JSON5.parse(readFileSync(policySchemaPath().replace(/policy\.schema\.json$/, 'base.json5'), 'utf8')) as unknown;
  const rule = { id: 'a', match: {}, outcome: 'drop', reason: 'r' };
  const cases: [string, unknown][] = [
    ['the shipped base policy', base],
    ['an unknown match field', { name: 'x', family: 'any', rules: [{ ...rule, match: { nope: 1 } }] }],
    ['a bad outcome and an empty reason', { name: 'x', family: 'debian', rules: [{ ...rule, outcome: 'explode', reason: '' }] }],
    ['missing name, bad family', { family: 'gentoo', rules: [] }],
    ['bad glob lists and flags', { name: 'x', family: 'arch', rules: [{ ...rule, match: { command: [], args: { hasFlag: 'r' } } }] }],
    ['not an object', 42],
  ];
  for (const [name, doc] of cases) {
    const a = fresh(doc);
    const b = (generated as typeof fresh)(doc);
    t.equal(b, a, `${name}: same decision`);
    // As JSON: the embedded schemas lose TypeBox's symbol keys, which no message reads.
    const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null)) as unknown;
    t.same(plain((generated as typeof fresh).errors), plain(fresh.errors), `${name}: same errors`);
  }
});
