/**
 * chmod-style modes (octal or symbolic, as coreutils' mode_compile reads them) and the result of
 * applying one to a known starting mode, following gnulib's mode_adjust. Translators use it to turn
 * `chmod u=rwx,go=rx`, `mkdir -m 750` or `install -m 0644` into a plain number, and to notice when
 * the number would depend on something only the running system knows (the file's current mode,
 * the umask).
 */

interface ModeClause {
  op: '=' | '+' | '-';
  /** Bits the `who` part selects; 0 when it was omitted (then the umask limits the change). */
  affected: number;
  /** Bits named by the permission letters (or the octal value). */
  value: number;
  /** Bits the clause names explicitly; on a directory, set-id bits not named are kept. */
  mentioned: number;
  flag: 'ordinary' | 'copy' | 'x-if-any-x';
}

export interface ModeSpec {
  text: string;
  clauses: ModeClause[];
  /** True when some clause omits `who`, so the result depends on the umask. */
  usesUmask: boolean;
}

const ALL = 0o7777;
const RWX_ALL = 0o777;

function whoBits(ch: string): number {
  switch (ch) {
    case 'u':
      return 0o4700;
    case 'g':
      return 0o2070;
    case 'o':
      return 0o1007;
    default:
      return ALL;
  }
}

function permBits(ch: string): number {
  switch (ch) {
    case 'r':
      return 0o444;
    case 'w':
      return 0o222;
    case 'x':
      return 0o111;
    case 's':
      return 0o6000;
    case 't':
      return 0o1000;
    default:
      return 0;
  }
}

/** Parses a mode the way chmod, mkdir -m and install -m do; null when it is not a valid mode. */
export function parseModeSpec(text: string): ModeSpec | null {
  if (/^[0-7]+$/.test(text)) {
    const mode = Number.parseInt(text, 8);
    if (mode > ALL) return null;
    // Fewer than five digits leave a directory's set-id bits alone unless the number sets them.
    const mentioned = text.length < 5 ? (mode & 0o6000) | 0o1000 | RWX_ALL : ALL;
    return { text, usesUmask: false, clauses: [{ op: '=', affected: ALL, value: mode, mentioned, flag: 'ordinary' }] };
  }
  const clauses: ModeClause[] = [];
  let usesUmask = false;
  for (const part of text.split(',')) {
    const m = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(part);
    if (!m) return null;
    const who = m[1] as string;
    let affected = 0;
    for (const ch of who) affected |= whoBits(ch);
    if (who === '') usesUmask = true;
    for (const action of (m[2] as string).match(/[-+=](?:[ugo]|[rwxXst]*)/g) ?? []) {
      const op = action.charAt(0) as ModeClause['op'];
      const perms = action.slice(1);
      if (perms.length === 1 && 'ugo'.includes(perms)) {
        const value = perms === 'u' ? 0o700 : perms === 'g' ? 0o070 : 0o007;
        clauses.push({ op, affected, value, mentioned: affected ? affected & value : value, flag: 'copy' });
        continue;
      }
      let value = 0;
      let flag: ModeClause['flag'] = 'ordinary';
      for (const ch of perms) {
        if (ch === 'X') flag = 'x-if-any-x';
        else value |= permBits(ch);
      }
      clauses.push({ op, affected, value, mentioned: affected ? affected & value : value, flag });
    }
  }
  return { text, clauses, usesUmask };
}

/** The mode `spec` gives a file that had mode `base` (gnulib mode_adjust). */
export function applyModeSpec(spec: ModeSpec, base: number, isDir: boolean, umask: number): number {
  let mode = base & ALL;
  for (const c of spec.clauses) {
    const omit = (isDir ? 0o6000 : 0) & ~c.mentioned;
    let value = c.value;
    if (c.flag === 'copy') {
      value &= mode;
      value =
        (value & 0o444 ? 0o444 : 0) | (value & 0o222 ? 0o222 : 0) | (value & 0o111 ? 0o111 : 0);
    } else if (c.flag === 'x-if-any-x' && ((mode & 0o111) !== 0 || isDir)) {
      value |= 0o111;
    }
    value &= (c.affected ? c.affected : ~umask & ALL) & ~omit;
    if (c.op === '=') {
      const preserved = (c.affected ? ~c.affected & ALL : 0) | omit;
      mode = (mode & preserved) | value;
    } else if (c.op === '+') {
      mode |= value;
    } else {
      mode &= ~value;
    }
  }
  return mode & ALL;
}

/**
 * The mode `spec` sets whatever the file's current mode was, or null when the result depends on
 * it (`u+x`, `g-w`, `go=u`) or on the umask (a clause without `who`). Every starting mode is tried:
 * 4096 cheap evaluations decide it exactly. Evaluated for a non-directory; chmod keeps a
 * directory's set-id bits when a mode does not name them, which a numeric path attribute does not
 * express.
 */
export function absoluteMode(spec: ModeSpec): number | null {
  if (spec.usesUmask) return null;
  const first = applyModeSpec(spec, 0, false, 0);
  for (let base = 1; base <= ALL; base += 1) {
    if (applyModeSpec(spec, base, false, 0) !== first) return null;
  }
  return first;
}
