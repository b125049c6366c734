/**
 * dpkg-maintscript-helper, as dh_installdeb writes it from debian/*.maintscript:
 * `dpkg-maintscript-helper rm_conffile|mv_conffile|symlink_to_dir|dir_to_symlink ARGS... -- "$@"`.
 * On a fresh install each of these is a no-op for dpkg (they act on upgrades from older
 * versions), but the op is recorded so the plan can show it. `supports` is a query.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';

type Op = Extract<Action, { kind: 'conffile-op' }>['op'];

/** Required and optional argument counts before `--`. */
const ops: Record<Op, [number, number]> = {
  rm_conffile: [1, 3],
  mv_conffile: [2, 4],
  symlink_to_dir: [2, 4],
  dir_to_symlink: [2, 4],
};

export const translateDpkgMaintscriptHelper: Translator = (command, _params, ctx) => {
  const inv = new Invocation('dpkg-maintscript-helper', command, ctx, ['dpkg-maintscript-helper']);
  const [opWord, ...rest] = command.args;
  const op = inv.literal(opWord, 'command');
  if (op === 'supports') {
    inv.literal(rest[0], 'command name');
    return [];
  }
  if (!Object.hasOwn(ops, op)) return inv.fail(`unknown command ${op}`);
  const [min, max] = ops[op as Op];
  const dashes = rest.findIndex((w) => w.literal && w.text === '--');
  if (dashes < 0) inv.fail('missing -- before the maintainer script arguments');
  const args = rest.slice(0, dashes).map((w) => inv.literal(w, `${op} argument`));
  if (args.length < min || args.length > max) inv.fail(`${op} takes ${min} to ${max} arguments, got ${args.length}`);
  // The helper itself rejects relative pathnames (and, for mv_conffile, a relative new name).
  const absolute = op === 'mv_conffile' ? args.slice(0, 2) : args.slice(0, 1);
  for (const p of absolute) if (!p.startsWith('/')) inv.fail(`${p} is not an absolute path`);
  return [{ kind: 'conffile-op', op: op as Op, args }];
};
