/**
 * coreutils install, only `install -d [-m MODE] [-o OWNER] [-g GROUP] DIR...`: it creates each
 * directory and sets mode (0755 by default; a symbolic mode starts from 0 with no umask),
 * owner and group on it, existing or not. Copying files is refused: the content is not known.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { applyModeSpec, parseModeSpec } from './file-mode.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec } from './parse-argv.js';
import { ownerName } from './owner-spec.js';

const specs: readonly OptionSpec[] = [
  { id: 'backup', long: ['backup'], value: 'optional' },
  { id: 'backup-b', short: 'b', value: 'none' },
  { id: 'ignored-c', short: 'c', value: 'none' },
  { id: 'compare', short: 'C', long: ['compare'], value: 'none' },
  { id: 'directory', short: 'd', long: ['directory'], value: 'none' },
  { id: 'create-leading', short: 'D', value: 'none' },
  { id: 'group', short: 'g', long: ['group'], value: 'required' },
  { id: 'mode', short: 'm', long: ['mode'], value: 'required' },
  { id: 'owner', short: 'o', long: ['owner'], value: 'required' },
  { id: 'preserve-timestamps', short: 'p', long: ['preserve-timestamps'], value: 'none' },
  { id: 'strip', short: 's', long: ['strip'], value: 'none' },
  { id: 'strip-program', long: ['strip-program'], value: 'required' },
  { id: 'suffix', short: 'S', long: ['suffix'], value: 'required' },
  { id: 'target-directory', short: 't', long: ['target-directory'], value: 'required' },
  { id: 'no-target-directory', short: 'T', long: ['no-target-directory'], value: 'none' },
  { id: 'verbose', short: 'v', long: ['verbose'], value: 'none' },
  { id: 'preserve-context', long: ['preserve-context'], value: 'none' },
  { id: 'selinux', short: 'Z', value: 'none' },
  { id: 'context', long: ['context'], value: 'optional' },
  { id: 'help', long: ['help'], value: 'none' },
  { id: 'version', long: ['version'], value: 'none' },
];

const allowed = new Set(['directory', 'group', 'mode', 'owner', 'verbose', 'ignored-c', 'selinux', 'preserve-timestamps', 'compare']);

export const translateInstall: Translator = (command, _params, ctx) => {
  const inv = new Invocation('install', command, ctx, ['install']);
  const args = inv.parse(specs, 'getopt');
  if (!hasOption(args, 'directory')) inv.fail('copies files, whose content is not known here');
  for (const o of args.options) {
    if (!allowed.has(o.id)) inv.fail(`${o.spelled} is not translated with -d`);
  }
  let mode = 0o755;
  const m = lastOption(args, 'mode');
  if (m) {
    const text = inv.literal(m.value, `${m.spelled} mode`);
    const spec = parseModeSpec(text);
    if (!spec) return inv.fail(`invalid mode ${text}`);
    mode = applyModeSpec(spec, 0, true, 0);
  }
  const o = lastOption(args, 'owner');
  const g = lastOption(args, 'group');
  const owner = o ? ownerName(inv, inv.literal(o.value, `${o.spelled} owner`), 'owner') : undefined;
  const group = g ? ownerName(inv, inv.literal(g.value, `${g.spelled} group`), 'group') : undefined;
  if (args.operands.length === 0) inv.fail('no directory given');
  return args.operands.map(
    (w): Action => ({
      kind: 'directory',
      path: inv.path(w, 'directory'),
      mode,
      ...(owner !== undefined ? { owner } : {}),
      ...(group !== undefined ? { group } : {}),
    }),
  );
};
