/**
 * coreutils `touch PATH...` on literal paths: creates each missing file empty (mode 0666 less the
 * usual umask 022, owned by root) and leaves an existing one as it is but for its time stamps,
 * which no image compares. That is tmpfiles.d's `f PATH` with every field `-`, applied at build
 * time. Options that set a time, refer to another file, or stop creation (-c) are refused.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import type { OptionSpec } from './parse-argv.js';

const specs: readonly OptionSpec[] = [
  { id: 'access', short: 'a', value: 'none' },
  { id: 'modify', short: 'm', value: 'none' },
  { id: 'no-create', short: 'c', long: ['no-create'], value: 'none' },
  { id: 'date', short: 'd', long: ['date'], value: 'required' },
  { id: 'reference', short: 'r', long: ['reference'], value: 'required' },
  { id: 'stamp', short: 't', value: 'required' },
  { id: 'no-dereference', short: 'h', long: ['no-dereference'], value: 'none' },
];

export const translateTouch: Translator = (command, _params, ctx) => {
  const inv = new Invocation('touch', command, ctx, ['touch']);
  // The new file's mode comes from the umask; a script that sets its own (`umask 066` before
  // touching a password history file) wants another mode than tmpfiles' default.
  if (ctx.analysis.commands.some((c, i) => i < ctx.index && c.name === 'umask')) inv.fail('the script sets its umask, so the new file\'s mode is not the default');
  const args = inv.parse(specs, 'getopt');
  for (const o of args.options) {
    if (o.id !== 'access' && o.id !== 'modify') inv.fail(`${o.spelled} is not translated`);
  }
  if (args.operands.length === 0) inv.fail('no path given');
  return args.operands.map((w): Action => {
    const path = inv.path(w, 'path');
    // tmpfiles.d quoting: a path with white space or quotes would need escapes; refuse it.
    if (/[\s"'\\%]/.test(path)) inv.fail(`path ${path} needs quoting`);
    return { kind: 'tmpfiles', config: '(touch)', lines: [`f ${path} - - - -`] };
  });
};
