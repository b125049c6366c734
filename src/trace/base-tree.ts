/**
 * The default root a trace runs over: a Debian minbase tree made once by mmdebstrap (plus the
 * packages the traced package needs, so its script finds adduser, debconf, ucf…) and kept in the
 * cache. mmdebstrap writes a tarball and it is unpacked here, so the same steps work for root
 * (owners kept) and for other users (`--mode=unshare`, which needs /etc/subuid ranges; every file
 * then belongs to the caller).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireExclusiveLock } from '../supermin/exclusive-lock.js';
import { IoError, ToolError } from '../errors.js';
import { lastLines, runTool } from '../process/run-tool.js';

export interface BaseTreeOptions {
  /** scriptlet's cache directory; bases live in `<cache>/trace-bases/`. */
  cacheDir: string;
  /** Debian suite, e.g. bookworm. */
  suite: string;
  /** Packages added to minbase. */
  include: readonly string[];
  /** Host user is root: mmdebstrap runs in root mode, else in unshare mode. */
  asRoot: boolean;
  onWait?: () => void;
  /** Told each step of making a new tree (minutes the first time), for progress. */
  onStage?: (stage: string) => void;
  /** mmdebstrap's own output, as it comes (otherwise it runs --quiet). */
  onOutput?: (chunk: string) => void;
}

export interface BaseTree {
  dir: string;
  key: string;
  include: string[];
}

const NAME = /^[a-z0-9][a-z0-9+.-]*$/;

export function baseKey(suite: string, include: readonly string[]): string {
  const sorted = [...new Set(include)].sort();
  const digest = createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 12);
  return `${suite}-minbase-${sorted.length === 0 ? 'plain' : digest}`;
}

export async function ensureBaseTree(opts: BaseTreeOptions): Promise<BaseTree> {
  if (!NAME.test(opts.suite)) throw new ToolError('E_TOOL_FAILED', `not a suite name: ${opts.suite}`);
  const include = [...new Set(opts.include)].sort();
  const bad = include.find((n) => !NAME.test(n));
  if (bad !== undefined) throw new ToolError('E_TOOL_FAILED', `not a package name: ${bad}`);
  const key = baseKey(opts.suite, include);
  const root = join(opts.cacheDir, 'trace-bases');
  const dir = join(root, key);
  const done = `${dir}.done`;
  if (existsSync(done)) return { dir, key, include };
  try {
    mkdirSync(root, { recursive: true });
  } catch (cause) {
    throw new IoError(`cannot create the cache directory: ${(cause as Error).message}`, { file: root }, { cause });
  }
  const lock = await acquireExclusiveLock(`${dir}.lock`, { timeoutMs: 1_800_000, onWait: opts.onWait });
  try {
    if (existsSync(done)) return { dir, key, include };
    const partial = `${dir}.partial`;
    const tarball = `${dir}.tar`;
    rmSync(partial, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    const output = opts.onOutput;
    const argv = ['mmdebstrap', ...(output ? [] : ['--quiet']), '--variant=minbase', `--mode=${opts.asRoot ? 'root' : 'unshare'}`];
    if (include.length > 0) argv.push(`--include=${include.join(',')}`);
    argv.push(opts.suite, tarball);
    opts.onStage?.(`making the ${opts.suite} minbase tree${include.length ? ` + ${include.length} packages` : ''} with mmdebstrap (once; minutes)`);
    const made = await runTool(argv, {
      timeoutMs: 1_800_000,
      missingHint: 'apt-get install mmdebstrap (or give --root with a tree)',
      ...(output ? { onStdout: (c: Buffer) => output(c.toString('utf8')), onStderr: (c: Buffer) => output(c.toString('utf8')) } : {}),
    });
    if (made.code !== 0) {
      rmSync(tarball, { force: true });
      throw new ToolError('E_TOOL_FAILED', `mmdebstrap failed: ${lastLines(made.stderr, 5)}`, {
        hint: opts.asRoot
          ? 'check the network and the package names given to --base'
          : 'unprivileged mmdebstrap needs a /etc/subuid range for your user; or give --root with a tree',
      });
    }
    mkdirSync(partial);
    opts.onStage?.('unpacking the base tree');
    const unpacked = await runTool(['tar', '-C', partial, '--numeric-owner', '-xf', tarball]);
    rmSync(tarball, { force: true });
    if (unpacked.code !== 0) throw new ToolError('E_TOOL_FAILED', `cannot unpack the base tree: ${lastLines(unpacked.stderr, 3)}`, { file: tarball });
    renameSync(partial, dir);
    writeFileSync(done, `${include.join('\n')}\n`);
    return { dir, key, include };
  } finally {
    lock.release();
  }
}
