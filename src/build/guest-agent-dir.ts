import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The guest-agent/ directory shipped with scriptlet, found by walking up from this module because
 * it runs both from src/ (tests) and from dist/src/ (the installed CLI).
 */
export function guestAgentDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'guest-agent');
    if (existsSync(join(candidate, 'agent'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'guest-agent');
    dir = up;
  }
}
