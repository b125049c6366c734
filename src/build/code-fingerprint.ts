import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPolicyDir } from '../policy/policy-dir.js';

/** Code and data files; source maps and declarations do not change what runs. */
const CODE_FILE = /\.(js|ts|json|wasm)$/;
const NOT_CODE = /\.d\.ts$/;

function hashTree(hash: ReturnType<typeof createHash>, root: string, rel: string): void {
  const entries = readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) hashTree(hash, root, path);
    else if (e.isFile() && CODE_FILE.test(e.name) && !NOT_CODE.test(e.name)) {
      hash.update(`${path}\0`);
      hash.update(readFileSync(join(root, path)));
      hash.update('\0');
    }
  }
}

/**
 * A hash of the scriptlet that is running: every code file under its source root (dist for the
 * CLI, which runs dist/bundle; src/ under the tests) and its package.json, whose exact dependency
 * versions pin the shell parsers. The version number alone would not do: a working tree changes without a new version.
 */
export function codeFingerprint(sourceRoot: string = dirname(dirname(fileURLToPath(import.meta.url)))): string {
  const hash = createHash('sha256');
  hashTree(hash, sourceRoot, '');
  hash.update(readFileSync(join(dirname(defaultPolicyDir()), 'package.json')));
  return hash.digest('hex');
}
