/**
 * coreutils mkdir: `mkdir [-p] [-m MODE] DIR...` becomes one directory action per DIR. `-m`
 * applies to the named directory only; a symbolic mode starts from a=rwx (mkdir's base) and is
 * refused when a clause leaves out `who`, since the umask would then decide. Without `-m` the
 * mode is left to the default. As with mkdir -p, a directory that already exists keeps its mode.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { applyModeSpec, parseModeSpec } from './file-mode.js';
import { Invocation } from './invocation.js';
import { lastOption, type OptionSpec } from './parse-argv.js';

const specs: readonly OptionSpec[] = [
  { id: 'mode', short: 'm', long: ['mode'], value: 'required' },
  { id: 'parents', short: 'p', long: ['parents'], value: 'none' },
  { id: 'verbose', short: 'v', long: ['verbose'], value: 'none' },
  { id: 'selinux', short: 'Z', value: 'none' },
  { id: 'context', long: ['context'], value: 'optional' },
  { id: 'help', long: ['help'], value: 'none' },
  { id: 'version', long: ['version'], value: 'none' },
];

export const translateMkdir: Translator = (command, _params, ctx) => {
  const inv = new Invocation('mkdir', command, ctx, ['mkdir']);
  const args = inv.parse(specs, 'getopt');
  for (const o of args.options) {
    if (o.id === 'help' || o.id === 'version') inv.fail(`${o.spelled} prints text and creates nothing`);
    if (o.id === 'context' && o.value) inv.fail(`${o.spelled} sets an explicit SELinux context`);
  }
  if (args.operands.length === 0) inv.fail('no directory given');
  let mode: number | undefined;
  const m = lastOption(args, 'mode');
  if (m) {
    const text = inv.literal(m.value, `${m.spelled} mode`);
    const spec = parseModeSpec(text);
    if (!spec) inv.fail(`invalid mode ${text}`);
    else if (spec.usesUmask) inv.fail(`mode ${text} depends on the umask`);
    else mode = applyModeSpec(spec, 0o777, true, 0);
  }
  return args.operands.map(
    (w): Action => ({ kind: 'directory', path: inv.path(w, 'directory'), ...(mode !== undefined ? { mode } : {}) }),
  );
};
