import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, ToolError } from '../errors.js';
import { runTool } from '../process/run-tool.js';

export interface OwnershipEntry {
  /** Relative to the image root, as in an overlay (`usr/lib/x` or `./usr/lib/x`). */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (with setuid/setgid/sticky); ignored for symlinks. */
  mode?: number;
  uid?: number;
  gid?: number;
}

const TYPE_BITS: Record<OwnershipEntry['type'], number> = { file: 0o100000, dir: 0o040000, symlink: 0o120000 };

/**
 * debugfs commands that set each entry's owner and mode inside an ext2 image. debugfs reads
 * arguments with its own quoting, so paths with a double quote or a control character are refused
 * rather than escaped.
 */
export function ext2OwnershipCommands(entries: readonly OwnershipEntry[]): string {
  const lines: string[] = [];
  for (const e of entries) {
    const rel = e.path.startsWith('./') ? e.path.slice(2) : e.path;
    if (rel === '' || rel.startsWith('/') || /["\u0000-\u001f\u007f]/.test(rel) || rel.split('/').includes('..')) {
      throw new FormatError('E_ARCHIVE_PATH', `cannot set ownership of ${JSON.stringify(e.path)} with debugfs`, { member: e.path });
    }
    const target = `"/${rel}"`;
    lines.push(`sif ${target} uid ${e.uid ?? 0}`, `sif ${target} gid ${e.gid ?? 0}`);
    if (e.type !== 'symlink' && e.mode !== undefined) {
      lines.push(`sif ${target} mode 0${(TYPE_BITS[e.type] | (e.mode & 0o7777)).toString(8)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** debugfs's stderr minus its version banner: what is left are the commands that failed. */
export function debugfsErrors(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^debugfs \d+\.\d+/.test(l));
}

/**
 * Restores owners and modes of overlay entries inside a built ext2 image. Needed after a build
 * without root: supermin unpacks overlay tarballs with `tar -x`, which as an ordinary user makes
 * every entry the builder's own (and drops setuid bits), and the ext2 image then records that
 * (measured with 5.2.2: files from host packages keep owner 0, tarball entries get the builder's
 * uid). debugfs edits the image file directly, so this needs no privilege either.
 */
export async function fixExt2Ownership(
  image: string,
  entries: readonly OwnershipEntry[],
  options: { workDir: string; signal?: AbortSignal },
): Promise<void> {
  const commands = ext2OwnershipCommands(entries);
  if (commands === '') return;
  const file = join(options.workDir, `debugfs-ownership-${process.pid}.cmd`);
  writeFileSync(file, commands);
  try {
    const result = await runTool(['debugfs', '-w', '-f', file, image], {
      signal: options.signal,
      timeoutMs: 300_000,
      env: { ...process.env, LC_ALL: 'C' },
      missingHint: 'debugfs comes with e2fsprogs (Debian: apt-get install e2fsprogs)',
    });
    const errors = debugfsErrors(result.stderr);
    if (result.code !== 0 || errors.length > 0) {
      throw new ToolError('E_TOOL_FAILED', `debugfs could not set ownership in the image: ${errors.slice(0, 5).join('; ')}`, {
        file: image,
      });
    }
  } finally {
    rmSync(file, { force: true });
  }
}
