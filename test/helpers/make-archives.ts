import { execFileSync } from 'node:child_process';
import { pack } from 'tar-stream';

/** Hand-made archives for hostile-input tests, where real tools would refuse to write the file. */

export interface ArInput {
  name: string;
  data: Uint8Array | string;
}

function pad(text: string, width: number): string {
  return text.padEnd(width, ' ').slice(0, width);
}

/** A GNU-style `ar` archive; `sizeOverride` lets a test make a member header lie about its size. */
export function makeAr(members: readonly ArInput[], options: { sizeOverride?: Record<string, number> } = {}): Uint8Array {
  const parts: Buffer[] = [Buffer.from('!<arch>\n', 'latin1')];
  for (const member of members) {
    const data = typeof member.data === 'string' ? Buffer.from(member.data) : Buffer.from(member.data);
    const size = options.sizeOverride?.[member.name] ?? data.length;
    const header = `${pad(member.name, 16)}${pad('0', 12)}${pad('0', 6)}${pad('0', 6)}${pad('100644', 8)}${pad(String(size), 10)}\`\n`;
    parts.push(Buffer.from(header, 'latin1'), data);
    if (data.length % 2 === 1) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

export interface TarInput {
  name: string;
  data?: string | Uint8Array;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
  mode?: number;
}

/** A tar built with tar-stream (which, unlike GNU tar, writes `../x` and `/x` names as given). */
export async function makeTar(entries: readonly TarInput[]): Promise<Uint8Array> {
  const packer = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of packer) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    if (type === 'file') {
      const data = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data ?? new Uint8Array());
      packer.entry({ name: e.name, type, mode: e.mode ?? 0o644, size: data.length }, data);
    } else {
      packer.entry({ name: e.name, type, mode: e.mode ?? 0o755, ...(e.linkname ? { linkname: e.linkname } : {}) });
    }
  }
  packer.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Compresses with the real command-line tool (gzip, xz or zstd). */
export function compressWith(tool: 'gzip' | 'xz' | 'zstd', data: Uint8Array, extra: string[] = []): Uint8Array {
  const args = tool === 'zstd' ? ['-q', '-c', ...extra] : ['-c', ...extra];
  return execFileSync(tool, args, { input: data, maxBuffer: 1024 * 1024 * 1024 });
}
