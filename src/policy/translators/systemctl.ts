/**
 * systemctl, for the forms that make sense while building an image offline: `enable` and
 * `preset` (the links their [Install] sections and the preset files ask for), `daemon-reload`
 * (nothing to reload), and state queries (`is-enabled`, `is-active`, `is-failed`), which change
 * nothing. Starting, stopping or reloading a service, `--now`, runtime links and per-user
 * managers cannot be done at build time.
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { hasOption, lastOption, type OptionSpec } from './parse-argv.js';
import { unitName } from './unit-name.js';

const specs: readonly OptionSpec[] = [
  { id: 'root', long: ['root'], value: 'required' },
  { id: 'system', long: ['system'], value: 'none' },
  { id: 'user', long: ['user'], value: 'none' },
  { id: 'global', long: ['global'], value: 'none' },
  { id: 'quiet', short: 'q', long: ['quiet'], value: 'none' },
  { id: 'no-reload', long: ['no-reload'], value: 'none' },
  { id: 'no-block', long: ['no-block'], value: 'none' },
  { id: 'no-ask-password', long: ['no-ask-password'], value: 'none' },
  { id: 'no-pager', long: ['no-pager'], value: 'none' },
  { id: 'no-legend', long: ['no-legend'], value: 'none' },
  { id: 'now', long: ['now'], value: 'none' },
  { id: 'runtime', long: ['runtime'], value: 'none' },
  { id: 'force', short: 'f', long: ['force'], value: 'none' },
  { id: 'preset-mode', long: ['preset-mode'], value: 'required' },
  { id: 'host', short: 'H', long: ['host'], value: 'required' },
  { id: 'machine', short: 'M', long: ['machine'], value: 'required' },
];

const queries = new Set(['is-enabled', 'is-active', 'is-failed']);
const serviceControl = new Set([
  'start',
  'stop',
  'restart',
  'reload',
  'try-restart',
  'reload-or-restart',
  'try-reload-or-restart',
  'condrestart',
  'force-reload',
  'kill',
  'isolate',
]);

/** `--root=/` or `--root="$DPKG_ROOT"`: the image being built either way. */
export function isImageRoot(text: string, literal: boolean): boolean {
  if (literal) return /^\/+$/.test(text);
  return /^"?\$\{?DPKG_ROOT\}?"?\/?$/.test(text);
}

export const translateSystemctl: Translator = (command, _params, ctx) => {
  const inv = new Invocation('systemctl', command, ctx, ['systemctl']);
  const args = inv.parse(specs, 'getopt');
  const opt = (id: string): boolean => hasOption(args, id);
  const root = lastOption(args, 'root');
  if (root?.value && !isImageRoot(root.value.text, root.value.literal)) {
    inv.fail(`--root ${root.value.text} is not the image root`);
  }
  for (const id of ['host', 'machine', 'runtime', 'force', 'now', 'user']) {
    const o = lastOption(args, id);
    if (o) inv.fail(`${o.spelled} cannot be done while building an image`);
  }
  if (opt('preset-mode')) inv.fail('--preset-mode changes which links preset makes');
  const [verbWord, ...unitWords] = args.operands;
  const verb = inv.literal(verbWord, 'verb');
  if (verb === 'daemon-reload') {
    if (unitWords.length > 0) inv.fail('daemon-reload takes no unit');
    return [];
  }
  if (queries.has(verb)) return [];
  if (serviceControl.has(verb)) inv.fail(`${verb} controls a running service`);
  if (verb !== 'enable' && verb !== 'preset') inv.fail(`${verb} is not translated`);
  if (unitWords.length === 0) inv.fail(`${verb} without a unit`);
  const units = unitWords.map((w) => unitName(inv, w, true));
  const global = opt('global');
  if (verb === 'preset') {
    if (global) inv.fail('--global preset (user units) has no action');
    return units.map((unit): Action => ({ kind: 'systemd-preset', unit }));
  }
  return units.map((unit): Action => ({ kind: 'systemd-enable', unit, ...(global ? { user: true } : {}) }));
};
