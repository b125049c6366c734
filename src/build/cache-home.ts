import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** scriptlet's cache (downloaded packages, fetched kernels): $XDG_CACHE_HOME/scriptlet or ~/.cache/scriptlet. */
export function cacheHome(env: NodeJS.ProcessEnv, cwd: string, override?: string): string {
  if (override) return resolve(cwd, override);
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.cache'), 'scriptlet');
}
