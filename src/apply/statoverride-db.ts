/**
 * dpkg's /var/lib/dpkg/statoverride: lines `USER GROUP MODE PATH` (mode in octal without a leading
 * zero, as `%o` prints it). dpkg writes them by walking its file-name hash table (libdpkg
 * fsys-hash.c, dpkg 1.21: 262139 bins, FNV-1a over the path without its leading slash, each bin's
 * chain in insertion order), so the order is that of the bins, not of the paths.
 */

export interface StatOverride {
  user: string;
  group: string;
  mode: number;
  path: string;
}

const BINS = 262139;

/** dpkg's str_fnv_hash: FNV-1a over `char`, which is signed on the architectures Debian builds. */
export function dpkgPathHash(path: string): number {
  let h = 2166136261;
  for (const byte of Buffer.from(path.replace(/^(\/|\.\/)+/, ''), 'utf8')) {
    const c = byte >= 0x80 ? (byte | 0xffffff00) >>> 0 : byte;
    h = Math.imul((h ^ c) >>> 0, 16777619) >>> 0;
  }
  return h;
}

export function parseStatOverrides(text: string): StatOverride[] {
  const out: StatOverride[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+) ([0-7]+) (.+)$/.exec(line);
    if (m) out.push({ user: m[1] as string, group: m[2] as string, mode: Number.parseInt(m[3] as string, 8), path: m[4] as string });
  }
  return out;
}

/** The file as dpkg-statoverride writes it; `entries` in the order they were loaded or added. */
export function formatStatOverrides(entries: readonly StatOverride[]): string {
  const indexed = entries.map((e, i) => ({ e, i, bin: dpkgPathHash(e.path) % BINS }));
  indexed.sort((a, b) => a.bin - b.bin || a.i - b.i);
  return indexed.map(({ e }) => `${e.user} ${e.group} ${e.mode.toString(8)} ${e.path}\n`).join('');
}
