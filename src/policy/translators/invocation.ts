/**
 * One call of a translator on one command: knows which translator runs, on which command of which
 * scriptlet, and turns every "cannot translate" into a TranslateError that names them. Translators
 * read arguments through it so a dynamic word or a bad value always fails the same way.
 */
import type { Command, Word } from '../../shell/analysis.js';
import type { TranslatorContext } from '../translator.js';
import { dpkgRootPath } from './dpkg-root-path.js';
import { parseArgv, type ArgvStyle, type OptionSpec, type ParsedArgs } from './parse-argv.js';
import { TranslateError } from './translate-error.js';

export class Invocation {
  /** argv[0] without its directory: `/usr/sbin/adduser` is `adduser`. */
  readonly program: string;

  constructor(
    readonly translator: string,
    readonly command: Command,
    readonly ctx: TranslatorContext,
    programs: readonly string[],
  ) {
    if (command.name === null) {
      this.program = '';
      this.fail('the command name is not literal');
    }
    this.program = command.name.slice(command.name.lastIndexOf('/') + 1);
    if (!programs.includes(this.program)) {
      this.fail(`does not translate ${this.program} (it handles ${programs.join(', ')})`);
    }
  }

  fail(message: string): never {
    throw new TranslateError(this.translator, message, {
      package: this.ctx.scriptlet.package,
      member: this.ctx.scriptlet.origin,
      line: this.command.line,
    });
  }

  parse(specs: readonly OptionSpec[], style: ArgvStyle, exactLong = false): ParsedArgs {
    return parseArgv(this.command.args, specs, { style, exactLong }, (m) => this.fail(m));
  }

  literal(word: Word | undefined, what: string): string {
    if (word === undefined) return this.fail(`missing ${what}`);
    if (!word.literal) return this.fail(`${what} ${word.text} is not literal`);
    return word.text;
  }

  /**
   * An absolute, normalised path. Arch scripts use root-relative paths (`usr/share/icons`)
   * because pacman runs them from the root directory; elsewhere a relative path is refused.
   */
  path(word: Word | undefined, what: string): string {
    const rooted = word !== undefined && !word.literal ? dpkgRootPath(word.text) : undefined;
    const text = rooted ?? this.literal(word, what);
    let full = text;
    if (!text.startsWith('/')) {
      if (this.ctx.scriptlet.format !== 'arch') this.fail(`${what} ${text} is relative`);
      full = `/${text}`;
    }
    const parts: string[] = [];
    for (const seg of full.split('/')) {
      if (seg === '' || seg === '.') continue;
      // `..` through a symlink need not mean the parent: refuse rather than resolve textually.
      if (seg === '..') this.fail(`${what} ${text} contains ..`);
      parts.push(seg);
    }
    return `/${parts.join('/')}`;
  }

  integer(word: Word | undefined, what: string, min: number, max: number): number {
    const text = this.literal(word, what);
    if (!/^[-+]?[0-9]+$/.test(text)) this.fail(`${what} ${text} is not a number`);
    const n = Number.parseInt(text, 10);
    if (n < min || n > max) this.fail(`${what} ${text} is out of range ${min}..${max}`);
    return n;
  }
}
