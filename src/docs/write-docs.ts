/** `npm run docs`: writes the generated documentation files (see generated-docs.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedDocs, repoRoot } from './generated-docs.js';

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = repoRoot();
  for (const doc of generatedDocs(root)) {
    const file = join(root, doc.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, doc.text);
    process.stdout.write(`wrote ${doc.path}\n`);
  }
}
