/**
 * coreutils rm, only `rm -f [-r] PATH...` on literal paths (no globs, no variables): with -f a
 * missing path is not an error, so the remove action is exact. Without -f rm fails on a missing
 * path and can prompt; interactive forms and removing / are refused.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { hasOption, type OptionSpec } from './parse-argv.js';

const specs: readonly OptionSpec[] = [
  { id: 'force', short: 'f', long: ['force'], value: 'none' },
  { id: 'interactive-i', short: 'i', value: 'none' },
  { id: 'interactive-I', short: 'I', value: 'none' },
  { id: 'interactive', long: ['interactive'], value: 'optional' },
  { id: 'one-file-system', long: ['one-file-system'], value: 'none' },
  { id: 'no-preserve-root', long: ['no-preserve-root'], value: 'none' },
  { id: 'preserve-root', long: ['preserve-root'], value: 'optional' },
  { id: 'recursive', short: 'r', long: ['recursive'], value: 'none' },
  { id: 'recursive-R', short: 'R', value: 'none' },
  { id: 'dir', short: 'd', long: ['dir'], value: 'none' },
  { id: 'verbose', short: 'v', long: ['verbose'], value: 'none' },
  { id: 'help', long: ['help'], value: 'none' },
  { id: 'version', long: ['version'], value: 'none' },
];

export const translateRm: Translator = (command, _params, ctx) => {
  const inv = new Invocation('rm', command, ctx, ['rm']);
  const args = inv.parse(specs, 'getopt');
  let force = false;
  let prompts: string | undefined;
  for (const o of args.options) {
    // -f and -i/-I override each other: the last one counts.
    if (o.id === 'force') {
      force = true;
      prompts = undefined;
    } else if (o.id === 'interactive' && o.value && inv.literal(o.value, 'value') === 'never') {
      continue;
    } else if (o.id.startsWith('interactive')) {
      force = false;
      prompts = o.spelled;
    } else if (o.id === 'no-preserve-root') inv.fail(`${o.spelled} allows removing /`);
    else if (o.id === 'help' || o.id === 'version') inv.fail(`${o.spelled} prints text and removes nothing`);
  }
  if (prompts !== undefined) inv.fail(`${prompts} may prompt`);
  if (!force) inv.fail('without -f a missing path is an error that decides the script\'s flow');
  const recursive = hasOption(args, 'recursive') || hasOption(args, 'recursive-R');
  if (args.operands.length === 0) inv.fail('no path given');
  return args.operands.map((w): Action => {
    const path = inv.path(w, 'path');
    if (path === '/') inv.fail('refuses to remove /');
    return { kind: 'remove', path, recursive };
  });
};
