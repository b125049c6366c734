import { lstatSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../errors.js';
import { runTool } from '../process/run-tool.js';
import { ext2OwnershipCommands, fixExt2Ownership, type OwnershipEntry } from './ext2-ownership.js';
import { isSuperminTarball, tarOwnership } from './tar-ownership.js';

export interface RepairOptions {
  /** The uid/gid the build ran as: what unprivileged `tar -x` gave every tarball entry. */
  builderUid: number;
  builderGid: number;
  workDir: string;
  /** Where to look up owners of directories tar created implicitly (default `/`, the host). */
  hostRoot?: string;
  signal?: AbortSignal;
}

/** The tarballs supermin unpacks from these inputs, in the order it unpacks them. */
function tarballsOf(inputs: readonly string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (statSync(input).isDirectory()) {
      for (const name of readdirSync(input).sort()) {
        const p = join(input, name);
        if (statSync(p).isFile() && isSuperminTarball(readFileSync(p))) out.push(p);
      }
    } else if (isSuperminTarball(readFileSync(input))) {
      out.push(input);
    }
  }
  return out;
}

/** `stat` of many paths in one debugfs run: path -> uid (paths absent from the image are left out). */
export function parseDebugfsStats(stdout: string): Map<string, number> {
  const owners = new Map<string, number>();
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    const cmd = /^debugfs: stat "\/(.*)"$/.exec(line);
    if (cmd) {
      current = cmd[1];
      continue;
    }
    const user = /^User:\s+(\d+)\s+Group:/.exec(line);
    if (user && current !== undefined) {
      owners.set(current, Number(user[1]));
      current = undefined;
    }
  }
  return owners;
}

async function imageOwners(image: string, paths: readonly string[], options: RepairOptions): Promise<Map<string, number>> {
  const file = join(options.workDir, `debugfs-stat-${process.pid}.cmd`);
  writeFileSync(file, paths.map((p) => `stat "/${p}"\n`).join(''));
  try {
    const result = await runTool(['debugfs', '-f', file, image], {
      signal: options.signal,
      timeoutMs: 300_000,
      env: { ...process.env, LC_ALL: 'C', PAGER: 'cat', DEBUGFS_PAGER: '__none__' },
      missingHint: 'debugfs comes with e2fsprogs (Debian: apt-get install e2fsprogs)',
    });
    if (result.code !== 0) throw new ToolError('E_TOOL_FAILED', `debugfs could not read the image (status ${result.code})`, { file: image });
    return parseDebugfsStats(result.stdout);
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * After an ext2 build without root, gives back to root (or to the owner a tarball entry names)
 * everything supermin unpacked from tarballs — the prepared base image and our overlays — and
 * restores their modes: unprivileged `tar -x` made them the builder's and applied its umask.
 * Only inodes the image shows as the builder's are touched, so files that host packages later
 * overwrote keep what supermin copied. Directories tar created implicitly get the owner and mode of
 * the same directory on the host (what supermin would have copied), or root and their current mode.
 * Returns how many paths were repaired.
 */
export async function repairExt2Ownership(image: string, inputs: readonly string[], options: RepairOptions): Promise<number> {
  if (options.builderUid === 0) return 0;
  const mapId = (id: number, builder: number): number => (id === builder ? 0 : id);
  const wanted = new Map<string, OwnershipEntry>();
  const implicit = new Set<string>();

  for (const tarball of tarballsOf(inputs)) {
    for (const e of await tarOwnership(readFileSync(tarball), tarball)) {
      // Later tarballs overwrite earlier ones, as when supermin unpacks them in this order.
      wanted.set(e.path, {
        path: e.path,
        type: e.type,
        mode: e.mode,
        uid: mapId(e.uid, options.builderUid),
        gid: mapId(e.gid, options.builderGid),
      });
      const parts = e.path.split('/');
      for (let i = 1; i < parts.length; i++) implicit.add(parts.slice(0, i).join('/'));
    }
  }
  const hostRoot = options.hostRoot ?? '/';
  for (const dir of implicit) {
    if (wanted.has(dir)) continue;
    const host = lstatSync(join(hostRoot, dir), { throwIfNoEntry: false });
    wanted.set(
      dir,
      host?.isDirectory()
        ? { path: dir, type: 'dir', mode: host.mode & 0o7777, uid: host.uid, gid: host.gid }
        : { path: dir, type: 'dir', uid: 0, gid: 0 },
    );
  }
  if (wanted.size === 0) return 0;

  const paths = [...wanted.keys()].sort();
  // Refuse unusable paths before touching anything.
  ext2OwnershipCommands(paths.map((p) => wanted.get(p) as OwnershipEntry));
  const owners = await imageOwners(image, paths, options);
  const fix = paths.filter((p) => owners.get(p) === options.builderUid).map((p) => wanted.get(p) as OwnershipEntry);
  await fixExt2Ownership(image, fix, { workDir: options.workDir, signal: options.signal });
  return fix.length;
}
