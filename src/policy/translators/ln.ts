/**
 * coreutils ln, only symbolic links: `ln -s[f][n] TARGET LINK`, `ln -s TARGET... DIR` and
 * `-t DIR`. The target is stored as written (it may be relative). With two operands and no -T,
 * ln puts the link inside LINK when LINK is an existing directory; a LINK written with a
 * trailing slash says so and is handled here, otherwise the symlink action names LINK itself and
 * the applier must refuse it if LINK is a directory in the image.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { dpkgRootPath } from './dpkg-root-path.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec } from './parse-argv.js';

const specs: readonly OptionSpec[] = [
  { id: 'backup', long: ['backup'], value: 'optional' },
  { id: 'backup-b', short: 'b', value: 'none' },
  { id: 'directory', short: 'd', long: ['directory'], value: 'none' },
  { id: 'directory-F', short: 'F', value: 'none' },
  { id: 'force', short: 'f', long: ['force'], value: 'none' },
  { id: 'interactive', short: 'i', long: ['interactive'], value: 'none' },
  { id: 'logical', short: 'L', long: ['logical'], value: 'none' },
  { id: 'no-dereference', short: 'n', long: ['no-dereference'], value: 'none' },
  { id: 'physical', short: 'P', long: ['physical'], value: 'none' },
  { id: 'relative', short: 'r', long: ['relative'], value: 'none' },
  { id: 'symbolic', short: 's', long: ['symbolic'], value: 'none' },
  { id: 'suffix', short: 'S', long: ['suffix'], value: 'required' },
  { id: 'target-directory', short: 't', long: ['target-directory'], value: 'required' },
  { id: 'no-target-directory', short: 'T', long: ['no-target-directory'], value: 'none' },
  { id: 'verbose', short: 'v', long: ['verbose'], value: 'none' },
  { id: 'help', long: ['help'], value: 'none' },
  { id: 'version', long: ['version'], value: 'none' },
];

const allowed = new Set(['force', 'no-dereference', 'symbolic', 'target-directory', 'no-target-directory', 'verbose', 'logical', 'physical']);

function baseName(target: string): string {
  const trimmed = target.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export const translateLn: Translator = (command, _params, ctx) => {
  const inv = new Invocation('ln', command, ctx, ['ln']);
  const args = inv.parse(specs, 'getopt');
  if (!hasOption(args, 'symbolic')) inv.fail('hard links are not translated');
  for (const o of args.options) if (!allowed.has(o.id)) inv.fail(`${o.spelled} is not translated`);
  // DPKG_ROOT is empty for an install into the image, so "$DPKG_ROOT/usr/bin/x" is /usr/bin/x.
  const targets = args.operands.map((w) => (!w.literal ? dpkgRootPath(w.text) : undefined) ?? inv.literal(w, 'target'));
  const dirOpt = lastOption(args, 'target-directory');
  const noTargetDir = hasOption(args, 'no-target-directory');
  if (dirOpt && noTargetDir) inv.fail('-t and -T conflict');

  const inDirectory = (dir: string, list: string[]): Action[] =>
    list.map((target): Action => {
      const name = baseName(target);
      if (name === '' || name === '..' || name === '.') inv.fail(`target ${target} has no usable name`);
      return { kind: 'symlink', path: dir === '/' ? `/${name}` : `${dir}/${name}`, target };
    });

  if (dirOpt) {
    if (targets.length === 0) inv.fail('no target given');
    return inDirectory(inv.path(dirOpt.value, 'directory'), targets);
  }
  if (targets.length < 2) inv.fail('a link name is needed (one operand links into the working directory)');
  const last = args.operands[targets.length - 1];
  if (targets.length > 2) {
    if (noTargetDir) inv.fail('-T takes exactly two operands');
    return inDirectory(inv.path(last, 'directory'), targets.slice(0, -1));
  }
  const [target, link] = targets as [string, string];
  if (target === '') inv.fail('empty target');
  if (link.endsWith('/') && !noTargetDir) return inDirectory(inv.path(last, 'directory'), [target]);
  return [{ kind: 'symlink', path: inv.path(last, 'link'), target }];
};
