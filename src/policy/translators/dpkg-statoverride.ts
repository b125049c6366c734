/**
 * dpkg-statoverride: `--add [--update] USER GROUP MODE PATH` records an override (owner, group
 * and octal mode dpkg applies to PATH) and with `--update` applies it at once. Either way the
 * image ends with those attributes, recorded as a path-attr marked `statoverride` so the applier
 * also writes dpkg's statoverride database. `--list` only prints (scripts use it as a guard).
 * dpkg's option parser stops at the first operand and wants exact option names.
 */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import type { OptionSpec } from './parse-argv.js';

const specs: readonly OptionSpec[] = [
  { id: 'add', long: ['add'], value: 'none' },
  { id: 'remove', long: ['remove'], value: 'none' },
  { id: 'list', long: ['list'], value: 'none' },
  { id: 'help', short: '?', long: ['help'], value: 'none' },
  { id: 'version', long: ['version'], value: 'none' },
  { id: 'admindir', long: ['admindir'], value: 'required' },
  { id: 'instdir', long: ['instdir'], value: 'required' },
  { id: 'root', long: ['root'], value: 'required' },
  { id: 'update', long: ['update'], value: 'none' },
  { id: 'quiet', long: ['quiet'], value: 'none' },
  { id: 'force', long: ['force'], value: 'none' },
  { id: 'force-all', long: ['force-all'], value: 'none' },
  { id: 'force-statoverride-add', long: ['force-statoverride-add'], value: 'none' },
  { id: 'force-statoverride-remove', long: ['force-statoverride-remove'], value: 'none' },
];

export const translateDpkgStatoverride: Translator = (command, _params, ctx) => {
  const inv = new Invocation('dpkg-statoverride', command, ctx, ['dpkg-statoverride']);
  // `--list PATTERN` only prints; scripts test its status with a variable path, which may be
  // anything without changing what the command does, so the rest is not parsed.
  const listAt = command.args.findIndex((w) => w.literal && w.text === '--list');
  if (listAt >= 0 && command.args.slice(0, listAt).every((w) => w.literal && /^--(quiet|force)$/.test(w.text))) {
    return [];
  }
  const args = inv.parse(specs, 'getopt-ordered', true);
  for (const o of args.options) {
    if (o.id === 'admindir' || o.id === 'instdir' || o.id === 'root') inv.fail(`${o.spelled} works on another dpkg database`);
    if (o.id === 'help' || o.id === 'version') inv.fail(`${o.spelled} prints text and changes nothing`);
  }
  const actions = args.options.filter((o) => o.id === 'add' || o.id === 'remove' || o.id === 'list');
  if (actions.length !== 1) return inv.fail('needs exactly one of --add, --remove, --list');
  const action = actions[0]!.id;
  if (action === 'list') {
    for (const w of args.operands) inv.literal(w, 'pattern');
    return [];
  }
  if (action === 'remove') inv.fail('--remove drops an override; it is not part of a fresh install');
  if (args.operands.length !== 4) inv.fail('--add needs USER GROUP MODE PATH');
  const [userW, groupW, modeW, pathW] = args.operands;
  const owner = ownerName(inv, inv.literal(userW, 'user'), 'user');
  const group = ownerName(inv, inv.literal(groupW, 'group'), 'group');
  const modeText = inv.literal(modeW, 'mode');
  // dpkg reads the mode with strtol(..., 8) and wants every character consumed.
  if (!/^[0-7]+$/.test(modeText)) inv.fail(`mode ${modeText} is not octal`);
  const mode = Number.parseInt(modeText, 8);
  if (mode > 0o7777) inv.fail(`mode ${modeText} is out of range`);
  const path = inv.path(pathW, 'path');
  return [{ kind: 'path-attr', path, owner, group, mode, statoverride: true }];
};

/** `#123` is a numeric id in dpkg-statoverride; its name is not known here. */
function ownerName(inv: Invocation, text: string, what: string): string {
  if (text.startsWith('#')) inv.fail(`${what} ${text} is a numeric id; its name is not known here`);
  if (text === '') inv.fail(`empty ${what}`);
  return text;
}
