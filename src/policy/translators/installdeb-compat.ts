/**
 * The compat-file snippet dictionaries-common-dev's installdeb-aspell, -ispell, -hunspell and
 * -wordlist put into a dictionary's preinst and postinst:
 *
 *     dico_class="aspell"
 *     [dico_vardir="/var/lib/$dico_class"]
 *     dico_compat="ca.compat"
 *     [ -d "/var/lib/$dico_class" ] || mkdir -p "/var/lib/$dico_class"    (preinst)
 *     mkdir -p "$dico_vardir"                                             (postinst)
 *     for i in $dico_compat; do
 *         >"/var/lib/$dico_class/$i"
 *     done
 *
 * It makes /var/lib/CLASS and empties each compat file, which tells aspell-autobuildhash (run by
 * the dictionaries-common batch) to rebuild the hash. The analysis cannot follow `$dico_vardir`
 * (assigned from another variable) or the loop variable, and does not mark these sections as
 * generated (their version is `UNDECLARED`), so this translator reads the text between the
 * section's markers and translates only when it is exactly that template: a directory and a `f+`
 * tmpfiles line (create or truncate, empty) per compat file, realised at build time.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { TranslateError } from './translate-error.js';

const opening = /^# Automatically added by (installdeb-(?:aspell|ispell|hunspell|wordlist))\//;
const closing = /^# End automatically added section/;

/** The installdeb section around 1-based `line`: its helper and its lines, markers excluded. */
export function installdebSection(body: string, line: number): { helper: string; lines: string[] } | undefined {
  const all = body.split('\n');
  for (let i = line - 2; i >= 0; i--) {
    if (closing.test(all[i]!)) return undefined;
    const open = opening.exec(all[i]!);
    if (!open) continue;
    for (let j = line - 1; j < all.length; j++) {
      if (closing.test(all[j]!)) return { helper: open[1]!, lines: all.slice(i + 1, j) };
      if (opening.test(all[j]!)) return undefined;
    }
    return undefined;
  }
  return undefined;
}

const word = '[A-Za-z0-9][A-Za-z0-9._+-]*';

/** The snippet with comments and blank lines removed, lines trimmed and joined by `\n`. */
const preinstTemplate = new RegExp(
  [
    `^dico_class="(${word})"`,
    `dico_compat="(${word}(?: ${word})*)"`,
    '\\[ -d "/var/lib/\\$dico_class" \\] \\|\\| mkdir -p "/var/lib/\\$dico_class"',
    'for i in \\$dico_compat; do',
    '>"/var/lib/\\$dico_class/\\$i"',
    'done$',
  ].join('\\n'),
);

const postinstTemplate = new RegExp(
  [
    `^dico_class="(${word})"`,
    'dico_vardir="/var/lib/\\$dico_class"',
    `dico_compat="(${word}(?: ${word})*)"`,
    'mkdir -p "\\$dico_vardir"',
    'for i in \\$dico_compat; do',
    '>"/var/lib/\\$dico_class/\\$i"',
    'done$',
  ].join('\\n'),
);

export const translateInstalldebCompat: Translator = (command, _params, ctx) => {
  const fail = (message: string): never => {
    throw new TranslateError('installdeb-compat', message, {
      package: ctx.scriptlet.package,
      member: ctx.scriptlet.origin,
      line: command.line,
    });
  };
  const seg = installdebSection(ctx.scriptlet.body, command.line);
  if (!seg) return fail('not inside an installdeb-aspell, -ispell, -hunspell or -wordlist section');
  const text = seg.lines
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .join('\n');
  const m = preinstTemplate.exec(text) ?? postinstTemplate.exec(text);
  if (!m) return fail(`the ${seg.helper} snippet is not the compat-file template`);
  const dir = `/var/lib/${m[1]!}`;
  const isMkdir = command.name === 'mkdir';
  const isTruncate = command.name === null && command.args.length === 0 && command.redirects.length === 1;
  if (isMkdir) return [{ kind: 'directory', path: dir }];
  if (!isTruncate) return fail(`${command.name ?? 'a computed command'} is not part of the compat-file template`);
  return m[2]!.split(' ').map((f): Action => ({ kind: 'tmpfiles', config: `(${seg.helper})`, lines: [`f+ ${dir}/${f} - - - -`] }));
};
