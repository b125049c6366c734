/**
 * Parses a command's arguments the way the real tool parses its argv, so a translator sees the
 * same options and operands the tool would. Three parsers exist among the tools we translate:
 *
 * - `getopt`: glibc getopt_long with argument permutation (coreutils, shadow, systemd): short
 *   options cluster (`-rm`), a short option's value is the rest of the word or the next word,
 *   long options take `--name=value` or `--name value` and may be abbreviated to a unique prefix.
 * - `getopt-ordered`: the same, but options end at the first operand (POSIX order; dpkg's own
 *   option parser behaves this way, without abbreviations).
 * - `perl`: Perl Getopt::Long with its defaults (adduser, deb-systemd-helper): names are matched
 *   case-insensitively, `-name` and `--name` are the same, unique prefixes are accepted, short
 *   options do not cluster, and operands may come between options.
 *
 * In every style `--` ends the options and a lone `-` is an operand.
 */
import { dpkgRootPath } from './dpkg-root-path.js';
import type { Word } from '../../shell/analysis.js';

export type ArgvStyle = 'getopt' | 'getopt-ordered' | 'perl';

export interface OptionSpec {
  /** The name translators look options up by. */
  id: string;
  /** Single-character spelling (`-r`). */
  short?: string;
  /** Long spellings without dashes (`system`). */
  long?: readonly string[];
  /** `optional` values only attach (`--name=value`, `-xvalue`), as getopt defines them. */
  value: 'none' | 'required' | 'optional';
}

export interface ParsedOption {
  id: string;
  /** As written, for messages: `--home`, `-m`. */
  spelled: string;
  value?: Word;
}

export interface ParsedArgs {
  options: ParsedOption[];
  operands: Word[];
  /** Operands that came after `--` (they are also in `operands`, at the end). */
  afterDoubleDash: number;
}

interface ParseSettings {
  style: ArgvStyle;
  /** Disable abbreviated long options (dpkg's parser wants exact names). */
  exactLong?: boolean;
}

/**
 * `${DPKG_ROOT:+--root="$DPKG_ROOT"}`, which debhelper puts in front of the options of
 * systemd-tmpfiles, systemd-sysusers and others: it expands to nothing on a normal install and to
 * `--root=<the image root>` when dpkg installs into a root, which is the image we build either way.
 */
export function isDpkgRootOption(word: Word): boolean {
  return !word.literal && /^\$\{DPKG_ROOT:\+[^}]*\}$/.test(word.text);
}

export function parseArgv(
  args: readonly Word[],
  specs: readonly OptionSpec[],
  settings: ParseSettings,
  fail: (message: string) => never,
): ParsedArgs {
  const { style } = settings;
  const options: ParsedOption[] = [];
  const operands: Word[] = [];
  let afterDoubleDash = 0;
  let i = 0;
  /** After `--`, or after the first operand in `getopt-ordered`. */
  let optionsEnded = false;
  let sawDoubleDash = false;

  const findLong = (written: string): OptionSpec => {
    const name = style === 'perl' ? written.toLowerCase() : written;
    const exact = specs.find((s) => s.long?.includes(name) || (style === 'perl' && s.short === name));
    if (exact) return exact;
    if (settings.exactLong) return fail(`unknown option --${written}`);
    const hits = specs.filter(
      (s) => s.long?.some((l) => l.startsWith(name)) || (style === 'perl' && s.short?.startsWith(name)),
    );
    const ids = new Set(hits.map((h) => h.id));
    if (ids.size === 1 && hits[0]) return hits[0];
    if (ids.size > 1) return fail(`ambiguous option --${written} (${[...ids].sort().join(', ')})`);
    return fail(`unknown option ${style === 'perl' ? '-' : '--'}${written}`);
  };

  /** `--name[=value]` (or `-name` for perl); `body` has the dashes stripped. */
  const takeLong = (word: Word, dashes: string, body: string): void => {
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = findLong(name);
    const spelled = `${dashes}${name}`;
    if (eq >= 0) {
      if (spec.value === 'none') fail(`option ${spelled} takes no value`);
      options.push({ id: spec.id, spelled, value: { text: body.slice(eq + 1), literal: word.literal } });
      return;
    }
    if (spec.value === 'required') {
      const next = args[i + 1];
      if (next === undefined) fail(`option ${spelled} needs a value`);
      i += 1;
      options.push({ id: spec.id, spelled, value: next });
      return;
    }
    options.push({ id: spec.id, spelled });
  };

  const takeShortCluster = (word: Word, body: string): void => {
    for (let k = 0; k < body.length; k += 1) {
      const ch = body.charAt(k);
      const spec = specs.find((s) => s.short === ch);
      if (!spec) fail(`unknown option -${ch}`);
      const spelled = `-${ch}`;
      if (spec.value === 'none') {
        options.push({ id: spec.id, spelled });
        continue;
      }
      const rest = body.slice(k + 1);
      if (rest !== '') {
        options.push({ id: spec.id, spelled, value: { text: rest, literal: word.literal } });
        return;
      }
      if (spec.value === 'required') {
        const next = args[i + 1];
        if (next === undefined) fail(`option ${spelled} needs a value`);
        i += 1;
        options.push({ id: spec.id, spelled, value: next });
        return;
      }
      options.push({ id: spec.id, spelled });
    }
  };

  for (; i < args.length; i += 1) {
    const word = args[i] as Word;
    if (optionsEnded) {
      operands.push(word);
      if (sawDoubleDash) afterDoubleDash += 1;
      continue;
    }
    if (isDpkgRootOption(word)) continue;
    const text = word.text;
    // A path under $DPKG_ROOT starts with `/` whatever DPKG_ROOT holds: an operand, never an option.
    if (!word.literal && dpkgRootPath(text) !== undefined) {
      operands.push(word);
      continue;
    }
    if (!word.literal) {
      // Only the option name needs to be literal: `--gecos="$NAME"`, `-m"$MODE"`.
      const long = /^(--?)([A-Za-z0-9][-A-Za-z0-9_]*)=/.exec(text);
      if (long && (long[1] === '--' || style === 'perl')) {
        takeLong(word, long[1] as string, text.slice(long[1]!.length));
        continue;
      }
      const short = /^-([A-Za-z0-9])[^-A-Za-z0-9]/.exec(text);
      if (short && style !== 'perl') {
        takeShortCluster(word, text.slice(1));
        continue;
      }
      // An expansion may turn into an option, several words or none: only its value could tell.
      fail(`argument ${text} is not literal, so it cannot be told apart from an option`);
    }
    if (text === '--') {
      optionsEnded = true;
      sawDoubleDash = true;
      continue;
    }
    if (text === '-' || !text.startsWith('-')) {
      operands.push(word);
      if (style === 'getopt-ordered') optionsEnded = true;
      continue;
    }
    if (text.startsWith('--')) {
      takeLong(word, '--', text.slice(2));
    } else if (style === 'perl') {
      takeLong(word, '-', text.slice(1));
    } else {
      takeShortCluster(word, text.slice(1));
    }
  }
  return { options, operands, afterDoubleDash };
}

export function hasOption(parsed: ParsedArgs, id: string): boolean {
  return parsed.options.some((o) => o.id === id);
}

/** The last occurrence wins, as with every tool here that stores an option's value. */
export function lastOption(parsed: ParsedArgs, id: string): ParsedOption | undefined {
  for (let k = parsed.options.length - 1; k >= 0; k -= 1) {
    const o = parsed.options[k] as ParsedOption;
    if (o.id === id) return o;
  }
  return undefined;
}
