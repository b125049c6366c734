/**
 * `systemd-sysusers [--root=IMAGE] CONFIG...` (dh_installsysusers, Arch's hooks): one sysusers
 * action per named configuration. `--replace=PATH --inline LINE...` (Fedora's
 * %sysusers_create_inline) carries its lines in the action under the file it stands for.
 * Without a name it would apply every sysusers.d file on the system, so that is refused.
 */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec } from './parse-argv.js';
import { isImageRoot } from './systemctl.js';
import { configName } from './systemd-tmpfiles.js';

const specs: readonly OptionSpec[] = [
  { id: 'root', long: ['root'], value: 'required' },
  { id: 'image', long: ['image'], value: 'required' },
  { id: 'replace', long: ['replace'], value: 'required' },
  { id: 'inline', long: ['inline'], value: 'none' },
  { id: 'cat-config', long: ['cat-config'], value: 'none' },
  { id: 'tldr', long: ['tldr'], value: 'none' },
  { id: 'dry-run', long: ['dry-run'], value: 'none' },
  { id: 'no-pager', long: ['no-pager'], value: 'none' },
  { id: 'help', short: 'h', long: ['help'], value: 'none' },
];

export const translateSystemdSysusers: Translator = (command, _params, ctx) => {
  const inv = new Invocation('systemd-sysusers', command, ctx, ['systemd-sysusers']);
  const args = inv.parse(specs, 'getopt');
  for (const o of args.options) {
    if (!['root', 'replace', 'inline', 'no-pager'].includes(o.id)) inv.fail(`${o.spelled} is not translated`);
  }
  const root = lastOption(args, 'root');
  if (root?.value && !isImageRoot(root.value.text, root.value.literal)) inv.fail(`--root ${root.value.text} is not the image root`);
  const replace = lastOption(args, 'replace');
  const replacePath = replace ? inv.path(replace.value, '--replace path') : undefined;
  if (hasOption(args, 'inline')) {
    if (replacePath === undefined) return inv.fail('--inline without --replace names no configuration file');
    const lines = args.operands.map((w) => inv.literal(w, 'line'));
    if (lines.length === 0) inv.fail('--inline without lines');
    return [{ kind: 'sysusers', config: replacePath, lines }];
  }
  if (args.operands.length === 0) inv.fail('without a configuration name it applies every sysusers.d file');
  if (replacePath !== undefined && args.operands.length !== 1) inv.fail('--replace with several configurations');
  return args.operands.map((w) => ({ kind: 'sysusers' as const, config: configName(inv, inv.literal(w, 'configuration')) }));
};
