import { FormatError, type ErrorContext } from '../../errors.js';

/** `.PKGINFO` as keys to values in file order; keys such as `depend` repeat. */
export type PkgInfo = ReadonlyMap<string, readonly string[]>;

/**
 * Parses makepkg's `.PKGINFO`: `key = value` lines, `#` comments, blank lines. Values may contain
 * `=` (`depend = glibc>=2.38`, `xdata = pkgtype=pkg`), so only the first ` = ` splits.
 */
export function parsePkgInfo(text: string, context: ErrorContext): PkgInfo {
  const info = new Map<string, string[]>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = /^([A-Za-z0-9_]+) =(?: (.*))?$/.exec(line);
    if (!m || m[1] === undefined) {
      throw new FormatError('E_FORMAT_CORRUPT', `expected "key = value", found ${JSON.stringify(line.slice(0, 40))}`, {
        ...context,
        line: i + 1,
        column: 1,
      });
    }
    const values = info.get(m[1]) ?? [];
    values.push((m[2] ?? '').trim());
    info.set(m[1], values);
  }
  return info;
}
