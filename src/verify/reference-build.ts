/**
 * The two trees `verify` compares, made by mmdebstrap and cached by package set:
 * - reference.tar: `--variant=minbase --include=PKGS`, a real install in which dpkg runs every
 *   maintainer script (mmdebstrap's policy-rc.d keeps services from starting). A customize hook
 *   copies out every .deb it installed (`--skip=essential/unlink` keeps the essential ones), so
 * - pristine.tar: `--variant=extract` of exactly those .deb files, unpacked with no script run,
 *   through the same setup (sources.list, hostname) as the reference, with /usr merged.
 * Both are tarballs so that owners are right whatever mmdebstrap's mode: mmdebstrap's default
 * `auto` mode is `root` for root, `unshare` for a user with /etc/subuid and /etc/subgid entries,
 * else `fakechroot`. A set is built in a private directory and renamed into place when complete,
 * so an interrupted or concurrent build never leaves a half-made set behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError, UsageError } from '../errors.js';
import { runTool } from '../process/run-tool.js';

export interface ReferenceRequest {
  packages: readonly string[];
  suite: string;
  /** mmdebstrap MIRROR arguments; none means its default (deb.debian.org plus updates and security for stable suites). */
  mirrors: readonly string[];
  cacheDir: string;
  /** Called with each line mmdebstrap prints, for progress. */
  onLine?: (line: string) => void;
  timeoutMs?: number;
}

export interface ReferenceSet {
  dir: string;
  reference: string;
  pristine: string;
  /** Directory holding the .deb files of the reference install. */
  debs: string;
  /** True when the set came from the cache. */
  cached: boolean;
}

const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$/;
/** A path mmdebstrap's hook parser passes through unchanged (it splits hooks on white space and quotes). */
export const SAFE_PATH = /^[^\s'"\\$`]+$/;
const DEFAULT_TIMEOUT = 30 * 60 * 1000;
/**
 * mmdebstrap's own hook that lays out /bin, /sbin and /lib as links into /usr before unpacking.
 * The reference ends up merged too (usrmerge's postinst converts it, or the hook's dummy
 * usr-is-merged is used), and an image is built merged; unpacking unmerged would make every
 * file under /bin a difference that says nothing about the scripts.
 */
export const MERGED_USR_HOOKS = '/usr/share/mmdebstrap/hooks/merged-usr';

export function referenceKey(r: Pick<ReferenceRequest, 'packages' | 'suite' | 'mirrors'>): string {
  const packages = [...new Set(r.packages)].sort();
  const digest = createHash('sha256').update(JSON.stringify({ v: 2, variant: 'minbase', suite: r.suite, mirrors: r.mirrors, packages })).digest('hex');
  return `${r.suite}-${digest.slice(0, 16)}`;
}

function checkRequest(r: ReferenceRequest): void {
  if (r.packages.length === 0) throw new UsageError('nothing to verify: name at least one package', { hint: 'scriptlet verify openssh-server' });
  for (const p of r.packages) {
    if (!PACKAGE_NAME.test(p)) throw new UsageError(`not a Debian package name: ${JSON.stringify(p)}`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(r.suite)) throw new UsageError(`not a suite name: ${JSON.stringify(r.suite)}`);
  // The customize hook's path is split by mmdebstrap on white space.
  if (!SAFE_PATH.test(r.cacheDir)) throw new UsageError(`the cache directory must not contain white space or quotes: ${r.cacheDir}`);
}

export async function mmdebstrap(args: string[], r: Pick<ReferenceRequest, 'timeoutMs' | 'onLine'>, what: string): Promise<void> {
  let pending = '';
  const res = await runTool(['mmdebstrap', ...args], {
    timeoutMs: r.timeoutMs ?? DEFAULT_TIMEOUT,
    missingHint: 'install mmdebstrap (apt-get install mmdebstrap); verify builds its reference installs with it',
    onStderr: (chunk) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) r.onLine?.(l);
    },
  });
  if (res.timedOut) throw new ToolError('E_TOOL_FAILED', `mmdebstrap (${what}) timed out`);
  if (res.code !== 0) {
    const lastError = res.stderr.split('\n').filter((l) => l.startsWith('E: ')).slice(-2).join(' / ');
    throw new ToolError('E_TOOL_FAILED', `mmdebstrap (${what}) failed with status ${res.code ?? res.signal}: ${lastError || res.stderr.trim().split('\n').slice(-3).join(' / ')}`, {
      hint: 'it needs the network to reach the Debian mirror, and root or an /etc/subuid entry (unshare mode) or fakechroot',
    });
  }
}

/** Every .deb file under `dir`, sorted. */
export function debsIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.deb')) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The cached set for the request, built first when missing. */
export async function ensureReference(r: ReferenceRequest): Promise<ReferenceSet> {
  checkRequest(r);
  const dir = join(r.cacheDir, referenceKey(r));
  const done = (cached: boolean): ReferenceSet => ({ dir, reference: join(dir, 'reference.tar'), pristine: join(dir, 'pristine.tar'), debs: join(dir, 'debs'), cached });
  if (existsSync(join(dir, 'complete'))) return done(true);

  mkdirSync(r.cacheDir, { recursive: true });
  const work = join(r.cacheDir, `.${referenceKey(r)}.${process.pid}.partial`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'debs'), { recursive: true });
  try {
    const packages = [...new Set(r.packages)].sort();
    await mmdebstrap(
      [
        '--variant=minbase',
        `--include=${packages.join(',')}`,
        '--skip=essential/unlink',
        `--customize-hook=copy-out /var/cache/apt/archives ${join(work, 'debs')}`,
        r.suite,
        join(work, 'reference.tar'),
        ...r.mirrors,
      ],
      r,
      'reference install',
    );
    const debs = debsIn(join(work, 'debs'));
    if (debs.length === 0) throw new ToolError('E_TOOL_FAILED', 'mmdebstrap left no .deb files to unpack (the customize hook copied nothing)');
    await mmdebstrap(
      ['--variant=extract', `--hook-dir=${MERGED_USR_HOOKS}`, ...debs.map((d) => `--include=${d}`), r.suite, join(work, 'pristine.tar'), ...r.mirrors],
      r,
      'unpacking without scripts',
    );
    writeFileSync(join(work, 'request.json'), `${JSON.stringify({ packages, suite: r.suite, mirrors: r.mirrors }, null, 2)}\n`);
    writeFileSync(join(work, 'complete'), '');
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  return done(false);
}
