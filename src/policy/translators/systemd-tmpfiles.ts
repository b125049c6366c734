/**
 * `systemd-tmpfiles [--root=IMAGE] --create CONFIG...`, as dh_installtmpfiles and Fedora's
 * %tmpfiles_create write it: one tmpfiles action per named configuration (a tmpfiles.d basename
 * or a path). Without a name it would apply every configuration on the system, and --remove,
 * --clean, --boot and prefix filters change which lines apply, so those are refused.
 */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec } from './parse-argv.js';
import { isImageRoot } from './systemctl.js';

const specs: readonly OptionSpec[] = [
  { id: 'create', long: ['create'], value: 'none' },
  { id: 'clean', long: ['clean'], value: 'none' },
  { id: 'remove', long: ['remove'], value: 'none' },
  { id: 'purge', long: ['purge'], value: 'none' },
  { id: 'boot', long: ['boot'], value: 'none' },
  { id: 'user', long: ['user'], value: 'none' },
  { id: 'prefix', long: ['prefix'], value: 'required' },
  { id: 'exclude-prefix', long: ['exclude-prefix'], value: 'required' },
  { id: 'exclude-basic', short: 'E', value: 'none' },
  { id: 'root', long: ['root'], value: 'required' },
  { id: 'image', long: ['image'], value: 'required' },
  { id: 'replace', long: ['replace'], value: 'required' },
  { id: 'cat-config', long: ['cat-config'], value: 'none' },
  { id: 'graceful', long: ['graceful'], value: 'none' },
  { id: 'no-pager', long: ['no-pager'], value: 'none' },
  { id: 'help', short: 'h', long: ['help'], value: 'none' },
];

export const translateSystemdTmpfiles: Translator = (command, _params, ctx) => {
  const inv = new Invocation('systemd-tmpfiles', command, ctx, ['systemd-tmpfiles']);
  const args = inv.parse(specs, 'getopt');
  for (const o of args.options) {
    if (!['create', 'root', 'graceful', 'no-pager'].includes(o.id)) inv.fail(`${o.spelled} is not translated`);
  }
  const root = lastOption(args, 'root');
  if (root?.value && !isImageRoot(root.value.text, root.value.literal)) inv.fail(`--root ${root.value.text} is not the image root`);
  if (!hasOption(args, 'create')) inv.fail('only --create is translated');
  if (args.operands.length === 0) inv.fail('without a configuration name it applies every tmpfiles.d file');
  return args.operands.map((w) => ({ kind: 'tmpfiles' as const, config: configName(inv, inv.literal(w, 'configuration')) }));
};

/** A configuration operand: a basename looked up in the tmpfiles.d/sysusers.d directories, or a path. */
export function configName(inv: Invocation, text: string): string {
  if (text === '-' || text === '') inv.fail('reads the configuration from standard input');
  if (text.includes('/')) return inv.path({ text, literal: true }, 'configuration');
  return text;
}
