import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditResultJsonSchemaText } from '../../src/audit/audit-result.js';
import { riskKinds } from '../../src/audit/risk.js';

const schemaFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'audit-result.schema.json');
const docFile = join(dirname(schemaFile), 'audit-json.md');

t.test('docs/audit-result.schema.json is the generated schema', async (t) => {
  const generated = auditResultJsonSchemaText();
  // Regenerate after a schema change with: SCRIPTLET_UPDATE_SCHEMA=1 npx tap test/audit/audit-result-schema.test.ts
  if (process.env.SCRIPTLET_UPDATE_SCHEMA === '1') writeFileSync(schemaFile, generated);
  t.equal(readFileSync(schemaFile, 'utf8'), generated, 'committed schema is up to date');
  const doc = JSON.parse(generated) as { $schema: string; properties: Record<string, unknown> };
  t.equal(doc.$schema, 'http://json-schema.org/draft-07/schema#');
  t.same(Object.keys(doc.properties), ['schemaVersion', 'packages', 'totals']);
});

t.test('docs/audit-json.md documents every risk kind and every field', async (t) => {
  const doc = readFileSync(docFile, 'utf8');
  for (const kind of riskKinds) t.match(doc, `\`${kind}\``, `risk kind ${kind} documented`);
  const fields = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) fields.add(k);
      for (const v of Object.values(o)) walk(v);
    }
  };
  walk(JSON.parse(auditResultJsonSchemaText()));
  for (const f of [...fields].sort()) t.match(doc, `\`${f}\``, `field ${f} documented`);
});
