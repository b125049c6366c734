/** Runs a translator on one command line; returns its actions or the TranslateError it threw. */
import type { Action } from '../../src/actions/action.js';
import type { PackageFormat } from '../../src/formats/types.js';
import type { Translator } from '../../src/policy/translator.js';
import { TranslateError } from '../../src/policy/translators/translate-error.js';
import { cmd } from './command.js';
import { translatorContext } from './translator-context.js';

export function runTranslator(
  translator: Translator,
  line: string,
  params: Record<string, unknown> = {},
  format: PackageFormat = 'deb',
): Action[] | null | TranslateError {
  try {
    return translator(cmd(line), params, translatorContext(format));
  } catch (e) {
    if (e instanceof TranslateError) return e;
    throw e;
  }
}
