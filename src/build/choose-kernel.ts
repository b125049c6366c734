/**
 * The kernel an ext2 appliance boots: the caller's (SUPERMIN_KERNEL and SUPERMIN_MODULES, as
 * supermin itself reads them), else the host's when supermin can use it, else a Debian kernel
 * fetched into the cache (trimmed to what booting from a virtio disk needs).
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import { fetchKernel } from '../supermin/fetch-kernel.js';
import type { SuperminKernel } from '../supermin/run-supermin.js';

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when /boot has a readable vmlinuz whose modules directory exists (what supermin looks for). */
export function hostKernelUsable(boot = '/boot', modules = '/lib/modules'): boolean {
  if (!existsSync(boot)) return false;
  return readdirSync(boot).some((n) => n.startsWith('vmlinuz-') && readable(join(boot, n)) && existsSync(join(modules, n.slice('vmlinuz-'.length), 'modules.dep')));
}

export async function chooseKernel(
  env: NodeJS.ProcessEnv,
  options: { cacheDir: string; signal?: AbortSignal; onProgress?: (m: string) => void },
): Promise<SuperminKernel | undefined> {
  const kernel = env.SUPERMIN_KERNEL;
  const modules = env.SUPERMIN_MODULES;
  if (kernel) {
    if (!modules) throw new UsageError('SUPERMIN_KERNEL is set but SUPERMIN_MODULES is not', { hint: 'set both, as for supermin' });
    return { kernel, modules, version: env.SUPERMIN_KERNEL_VERSION || basename(modules) };
  }
  if (hostKernelUsable()) return undefined;
  return fetchKernel({ cacheDir: options.cacheDir, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
}
