import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The policies/ directory shipped with scriptlet. Found by walking up from this module, because the
 * module runs both from src/ (tests) and from dist/src/ (the installed CLI).
 */
export function defaultPolicyDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'policies');
    if (existsSync(join(candidate, 'base.json5'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'policies');
    dir = up;
  }
}
