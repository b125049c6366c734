import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A persistent, git-ignored cache for downloads shared by tests and benchmarks (`<repo>/.cache/<sub>`). */
export function cacheDir(sub: string): string {
  const dir = join(process.env.SCRIPTLET_CACHE ?? join(repoRoot, '.cache'), sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
