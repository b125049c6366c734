import t from 'tap';
import { readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { Ajv } from 'ajv';
import { policySchemaPath, renderPolicySchema } from '../../src/policy/write-schema.js';

t.test('the committed policies/policy.schema.json is what `npm run schema` generates', async (t) => {
  t.equal(readFileSync(policySchemaPath(), 'utf8'), renderPolicySchema(), 'run `npm run schema` and commit the result');
});

t.test('the generated JSON Schema accepts the shipped base policy and rejects a broken one', async (t) => {
  const validate = new Ajv({ strict: false }).compile(JSON.parse(renderPolicySchema()) as object);
  const base = JSON5.parse(readFileSync(policySchemaPath().replace(/policy\.schema\.json$/, 'base.json5'), 'utf8')) as unknown;
  t.equal(validate(base), true, JSON.stringify(validate.errors));
  t.equal(validate({ name: 'x', family: 'any', rules: [{ id: 'a', match: { nope: 1 }, outcome: 'drop', reason: 'r' }] }), false);
});
