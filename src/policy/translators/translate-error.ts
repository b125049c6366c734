import { ScriptletError, type ErrorContext } from '../../errors.js';

/**
 * A command a translator cannot turn into actions without guessing: a dynamic argument it needs,
 * an option it does not model, a form whose effect depends on the machine it runs on. The
 * classifier defers that part and shows `message` as the reason.
 */
export class TranslateError extends ScriptletError {
  /** The translator that refused, e.g. `adduser`. */
  readonly translator: string;

  constructor(translator: string, message: string, context: ErrorContext = {}) {
    super('E_TRANSLATE', `${translator}: ${message}`, context);
    this.translator = translator;
  }
}
