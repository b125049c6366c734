/**
 * coreutils chown and chgrp on literal paths: a path-attr per path. Recursive changes, changes to
 * a symlink itself (-h), conditional changes (--from) and copies (--reference) are refused.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import type { OptionSpec } from './parse-argv.js';
import { ownerName, parseOwnerSpec, type Ownership } from './owner-spec.js';

const specs: readonly OptionSpec[] = [
  { id: 'changes', short: 'c', long: ['changes'], value: 'none' },
  { id: 'silent', short: 'f', long: ['silent', 'quiet'], value: 'none' },
  { id: 'verbose', short: 'v', long: ['verbose'], value: 'none' },
  { id: 'dereference', long: ['dereference'], value: 'none' },
  { id: 'no-dereference', short: 'h', long: ['no-dereference'], value: 'none' },
  { id: 'from', long: ['from'], value: 'required' },
  { id: 'no-preserve-root', long: ['no-preserve-root'], value: 'none' },
  { id: 'preserve-root', long: ['preserve-root'], value: 'none' },
  { id: 'reference', long: ['reference'], value: 'required' },
  { id: 'recursive', short: 'R', long: ['recursive'], value: 'none' },
  { id: 'traverse-H', short: 'H', value: 'none' },
  { id: 'traverse-L', short: 'L', value: 'none' },
  { id: 'traverse-P', short: 'P', value: 'none' },
  { id: 'help', long: ['help'], value: 'none' },
  { id: 'version', long: ['version'], value: 'none' },
];

const refused: Record<string, string> = {
  'no-dereference': 'changes a symlink itself, which a path attribute does not express',
  from: 'changes ownership only where it matches',
  reference: 'copies ownership from another file',
  recursive: 'changes a whole tree',
  'no-preserve-root': 'allows changing /',
  help: 'prints text and changes nothing',
  version: 'prints text and changes nothing',
};

export const translateChown: Translator = (command, _params, ctx) => {
  const inv = new Invocation('chown', command, ctx, ['chown', 'chgrp']);
  const args = inv.parse(specs, 'getopt');
  for (const o of args.options) {
    const why = refused[o.id];
    if (why !== undefined) inv.fail(`${o.spelled} ${why}`);
  }
  const [specWord, ...paths] = args.operands;
  const spec = inv.literal(specWord, inv.program === 'chgrp' ? 'group' : 'owner');
  const who: Ownership = inv.program === 'chgrp' ? { group: ownerName(inv, spec, 'group') } : parseOwnerSpec(inv, spec);
  if (paths.length === 0) inv.fail('no path given');
  return paths.map((w): Action => ({ kind: 'path-attr', path: inv.path(w, 'path'), ...who }));
};
