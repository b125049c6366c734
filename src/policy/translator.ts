/**
 * The contract between the classifier and the built-in translators (src/policy/translators/).
 * A translator turns one analysed command into declarative actions. It is pure: data in, data out.
 */
import type { Action } from '../actions/action.js';
import type { Scriptlet } from '../formats/types.js';
import type { Analysis, Command } from '../shell/analysis.js';

export interface TranslatorContext {
  scriptlet: Scriptlet;
  analysis: Analysis;
  /** Index of the command in `analysis.commands`. */
  index: number;
}

/**
 * Returns the actions the command stands for; `[]` when it needs none (state queries, bookkeeping
 * such as `deb-systemd-helper was-enabled`); `null` when the command's shape is outside what the
 * translator understands (non-literal arguments, unknown flags): the part then defers.
 *
 * For a rule matching a generated segment (debhelper, rpm macro), the classifier calls the
 * translator once per command of the segment, in script order, skipping commands the policy drops
 * on their own (`[ .. ]` tests, `|| true`, messages), and concatenates the actions; one `null` (or
 * thrown E_TRANSLATE) defers the whole segment.
 */
export type Translator = (
  command: Command,
  params: Record<string, unknown>,
  ctx: TranslatorContext,
) => Action[] | null;
