/** Table-driven translator checks: each case either yields exactly `want` or a TranslateError matching it. */
import type { BuiltPlugins, Test, TestOpts } from '@tapjs/test';
import type { Action } from '../../src/actions/action.js';
import type { PackageFormat } from '../../src/formats/types.js';
import type { Translator } from '../../src/policy/translator.js';
import { TranslateError } from '../../src/policy/translators/translate-error.js';
import { runTranslator } from './run-translator.js';

export interface TranslatorCase {
  line: string;
  want: Action[] | RegExp;
  params?: Record<string, unknown>;
  format?: PackageFormat;
}

type Asserts = Test<BuiltPlugins, TestOpts> & BuiltPlugins;

export function translatorTable(t: Asserts, translator: Translator, cases: readonly TranslatorCase[]): void {
  for (const c of cases) {
    const got = runTranslator(translator, c.line, c.params, c.format);
    if (c.want instanceof RegExp) {
      if (!(got instanceof TranslateError)) {
        t.fail(`${c.line}: expected TranslateError, got ${JSON.stringify(got)}`);
        continue;
      }
      t.match(got.message, c.want, c.line);
      t.equal(got.code, 'E_TRANSLATE', `${c.line}: code`);
    } else {
      t.same(got, c.want, c.line);
    }
  }
}
