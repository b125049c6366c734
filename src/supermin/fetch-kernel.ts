import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { ScriptletError, ToolError } from '../errors.js';
import { lastLines, runTool, type RunToolOptions } from '../process/run-tool.js';
import { BOOT_MODULE_PATTERNS, selectModules } from './boot-modules.js';
import { candidateVersion, kernelFlavour, kernelPackageFromDepends } from './kernel-package.js';
import { removeTree } from './remove-tree.js';
import type { SuperminKernel } from './run-supermin.js';

export interface FetchKernelOptions {
  /** Where unpacked kernels are kept, one directory per package version. */
  cacheDir: string;
  /** Debian kernel flavour (`linux-image-<flavour>`); default: from `dpkg --print-architecture`. */
  flavour?: string;
  /**
   * Keep only the modules needed to boot from a virtio/ext2 disk (plus `extraModules`): about
   * 70 MB of appliance instead of 470 MB, since supermin copies the whole modules directory into
   * the image.
   */
  trim?: boolean;
  /** More module file-name globs to keep when trimming (e.g. `virtio_net.ko*` is already in). */
  extraModules?: readonly string[];
  /**
   * Ask APT for the current kernel even when one is cached (default false: a cached kernel of the
   * same flavour is used without consulting APT, which takes seconds and may need fresh lists).
   */
  refresh?: boolean;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface FetchedKernel extends SuperminKernel {
  package: string;
  packageVersion: string;
  trimmed: boolean;
}

const DEBIAN_HINT = 'fetching a kernel needs a Debian-family host (apt-get, apt-cache, dpkg-deb)';

async function run(argv: string[], what: string, options: RunToolOptions): Promise<string> {
  const result = await runTool(argv, { timeoutMs: 600_000, ...options, env: { ...process.env, LC_ALL: 'C' } });
  if (result.aborted) throw new ToolError('E_TOOL_FAILED', `${what} was interrupted`);
  if (result.code !== 0) {
    throw new ToolError('E_TOOL_FAILED', `${what} failed (${argv.slice(0, 2).join(' ')}): ${lastLines(result.stderr, 4)}`, {
      hint: options.missingHint,
    });
  }
  return result.stdout;
}

/** Finds `<root>/lib/modules/<ver>` or `<root>/usr/lib/modules/<ver>` (merged-/usr packages). */
function findModulesDir(root: string): { dir: string; version: string } {
  for (const base of [join(root, 'lib', 'modules'), join(root, 'usr', 'lib', 'modules')]) {
    if (!existsSync(base)) continue;
    const versions = readdirSync(base).sort();
    if (versions.length === 1 && versions[0]) return { dir: join(base, versions[0]), version: versions[0] };
  }
  throw new ScriptletError('E_BUILD', 'the kernel package holds no single lib/modules/<version> directory', { file: root });
}

/**
 * depmod -b looks in `<base>/lib/modules` or `<base>/usr/lib/modules` depending on how kmod was
 * built; give it both.
 */
function bothModuleRoots(base: string): void {
  const lib = join(base, 'lib', 'modules');
  const usrLib = join(base, 'usr', 'lib', 'modules');
  if (existsSync(lib) && !existsSync(usrLib)) {
    mkdirSync(dirname(usrLib), { recursive: true });
    symlinkSync('../../lib/modules', usrLib);
  } else if (!existsSync(lib) && existsSync(usrLib)) {
    mkdirSync(dirname(lib), { recursive: true });
    symlinkSync('../usr/lib/modules', lib);
  }
}

async function depmod(base: string, version: string, signal?: AbortSignal): Promise<void> {
  bothModuleRoots(base);
  await run(['depmod', '-b', base, version], 'depmod', {
    signal,
    missingHint: 'depmod comes with kmod (Debian: apt-get install kmod)',
  });
}

interface CacheRecord {
  flavour: string;
  package: string;
  packageVersion: string;
  version: string;
  trimmed: boolean;
}

function readRecord(entry: string): CacheRecord | undefined {
  const recordFile = join(entry, 'kernel.json');
  if (!existsSync(recordFile)) return undefined;
  try {
    return JSON.parse(readFileSync(recordFile, 'utf8')) as CacheRecord;
  } catch {
    return undefined;
  }
}

function fromCache(entry: string): FetchedKernel | undefined {
  const r = readRecord(entry);
  if (!r) return undefined;
  return {
    kernel: join(entry, 'boot', `vmlinuz-${r.version}`),
    modules: join(entry, 'lib', 'modules', r.version),
    version: r.version,
    package: r.package,
    packageVersion: r.packageVersion,
    trimmed: r.trimmed,
  };
}

/** A fetch takes well under a minute; a work directory this old belongs to a killed process. */
const ABANDONED_AFTER_MS = 6 * 3600 * 1000;

/** Removes work directories of fetches that were killed (each holds a whole unpacked kernel). */
function sweepAbandonedFetches(cacheDir: string): void {
  const now = Date.now();
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('.fetch-')) continue;
    const path = join(cacheDir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st && now - st.mtimeMs > ABANDONED_AFTER_MS) removeTree(path);
  }
}

/** The most recently cached kernel of this flavour and trimming, if any. */
function newestCached(cacheDir: string, flavour: string, trim: boolean): FetchedKernel | undefined {
  let best: { entry: string; mtime: number } | undefined;
  for (const name of readdirSync(cacheDir)) {
    if (name.startsWith('.')) continue;
    const entry = join(cacheDir, name);
    const r = readRecord(entry);
    if (!r || r.flavour !== flavour || r.trimmed !== trim) continue;
    const mtime = statSync(join(entry, 'kernel.json')).mtimeMs;
    if (!best || mtime > best.mtime) best = { entry, mtime };
  }
  return best ? fromCache(best.entry) : undefined;
}

/**
 * A kernel and its modules for ext2 appliances on hosts without one installed (or with one only
 * root can read), from the distribution's current `linux-image-<flavour>` package: downloaded with
 * `apt-get download`, unpacked with `dpkg-deb -x`, modules indexed with `depmod`, and cached. Each
 * cache entry is built in a private directory and renamed into place, so concurrent callers never
 * see a partial one (the loser of a race discards its copy).
 */
export async function fetchKernel(options: FetchKernelOptions): Promise<FetchedKernel> {
  const { cacheDir, signal } = options;
  const trim = options.trim ?? true;
  const progress = options.onProgress ?? (() => undefined);
  mkdirSync(cacheDir, { recursive: true });
  sweepAbandonedFetches(cacheDir);

  const flavour =
    options.flavour ??
    kernelFlavour(await run(['dpkg', '--print-architecture'], 'dpkg', { signal, missingHint: DEBIAN_HINT }));
  if (!options.refresh) {
    const cached = newestCached(cacheDir, flavour, trim);
    if (cached) return cached;
  }
  const meta = `linux-image-${flavour}`;
  const depends = await run(['apt-cache', 'depends', '--important', meta], 'apt-cache depends', {
    signal,
    missingHint: DEBIAN_HINT,
  });
  const pkg = kernelPackageFromDepends(depends, flavour);
  if (!pkg) {
    throw new ToolError('E_TOOL_FAILED', `apt-cache knows no kernel package behind ${meta}`, {
      hint: 'run apt-get update, or check that the Debian main archive is in the APT sources',
    });
  }
  const version = candidateVersion(await run(['apt-cache', 'policy', pkg], 'apt-cache policy', { signal, missingHint: DEBIAN_HINT }));
  if (!version) throw new ToolError('E_TOOL_FAILED', `${pkg} has no installable version`, { hint: 'run apt-get update' });

  const entry = join(cacheDir, `${pkg}_${version.replace(/[^A-Za-z0-9.+~-]/g, '_')}${trim ? '-boot' : '-full'}`);
  const cached = fromCache(entry);
  if (cached) return cached;

  const work = mkdtempSync(join(cacheDir, '.fetch-'));
  try {
    const download = join(work, 'download');
    mkdirSync(download);
    progress(`downloading ${pkg} ${version}`);
    await run(['apt-get', 'download', '--quiet', '--quiet', `${pkg}=${version}`], 'apt-get download', {
      cwd: download,
      signal,
      missingHint: DEBIAN_HINT,
    });
    const debs = readdirSync(download).filter((n) => n.endsWith('.deb'));
    if (debs.length !== 1 || !debs[0]) throw new ScriptletError('E_BUILD', `apt-get download left ${debs.length} packages`, { file: download });

    const full = join(work, 'full');
    progress(`unpacking ${debs[0]}`);
    await run(['dpkg-deb', '-x', join(download, debs[0]), full], 'dpkg-deb -x', { signal, missingHint: DEBIAN_HINT });
    removeTree(download);
    const { dir: fullModules, version: kernelVersion } = findModulesDir(full);
    const vmlinuz = [join(full, 'boot', `vmlinuz-${kernelVersion}`), join(fullModules, 'vmlinuz')].find((p) => existsSync(p));
    if (!vmlinuz) throw new ScriptletError('E_BUILD', `no vmlinuz for ${kernelVersion} in ${pkg}`, { package: pkg });

    // Debian kernel packages ship no modules.dep (their postinst runs depmod); make one.
    progress(`indexing modules of ${kernelVersion}`);
    await depmod(full, kernelVersion, signal);

    const staged = join(work, 'entry');
    const modules = join(staged, 'lib', 'modules', kernelVersion);
    mkdirSync(join(staged, 'boot'), { recursive: true });
    copyFileSync(vmlinuz, join(staged, 'boot', `vmlinuz-${kernelVersion}`));
    if (trim) {
      const chosen = selectModules(readFileSync(join(fullModules, 'modules.dep'), 'utf8'), [
        ...BOOT_MODULE_PATTERNS,
        ...(options.extraModules ?? []),
      ]);
      progress(`keeping ${chosen.length} boot modules`);
      for (const rel of chosen) {
        mkdirSync(dirname(join(modules, rel)), { recursive: true });
        copyFileSync(join(fullModules, rel), join(modules, rel));
      }
      for (const meta of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) {
        if (existsSync(join(fullModules, meta))) copyFileSync(join(fullModules, meta), join(modules, meta));
      }
      await depmod(staged, kernelVersion, signal);
    } else {
      mkdirSync(dirname(modules), { recursive: true });
      renameSync(fullModules, modules);
    }
    if (!existsSync(join(modules, 'modules.dep'))) {
      throw new ScriptletError('E_BUILD', `depmod wrote no modules.dep for ${kernelVersion}`, { file: modules });
    }
    const record: CacheRecord = { flavour, package: pkg, packageVersion: version, version: kernelVersion, trimmed: trim };
    writeFileSync(join(staged, 'kernel.json'), `${JSON.stringify(record, null, 2)}\n`);
    try {
      renameSync(staged, entry);
    } catch (e) {
      // Another process published the same entry first; theirs is as good as ours.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
  } finally {
    removeTree(work);
  }
  const result = fromCache(entry);
  if (!result) throw new ScriptletError('E_BUILD', 'the kernel cache entry vanished after it was written', { file: entry });
  return result;
}
