/**
 * Writes policies/policy.schema.json from the TypeBox schema (`npm run schema`), so editors can
 * complete and check policy files. A test keeps the committed file equal to this output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPolicyDir } from './policy-dir.js';
import { policyJsonSchema } from './policy-schema.js';

export function renderPolicySchema(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

export function policySchemaPath(): string {
  return join(defaultPolicyDir(), 'policy.schema.json');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(policySchemaPath(), renderPolicySchema());
  process.stdout.write(`wrote ${policySchemaPath()}\n`);
}
