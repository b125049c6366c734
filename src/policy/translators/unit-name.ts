/**
 * A unit named on a systemctl or deb-systemd-helper command line. systemctl adds `.service` to a
 * name without a unit-type suffix (unit_name_mangle); paths and globs are refused because they
 * name files or sets of units rather than one unit.
 */
import type { Word } from '../../shell/analysis.js';
import type { Invocation } from './invocation.js';

const unitTypes = [
  'service',
  'socket',
  'target',
  'device',
  'mount',
  'automount',
  'swap',
  'timer',
  'path',
  'slice',
  'scope',
];

export function unitName(inv: Invocation, word: Word | undefined, addServiceSuffix: boolean): string {
  const name = inv.literal(word, 'unit');
  if (name.includes('/')) inv.fail(`unit ${name} is a path; linking unit files is not translated`);
  if (/[*?[]/.test(name)) inv.fail(`unit ${name} is a pattern`);
  if (!/^[A-Za-z0-9:_.\\@-]+$/.test(name)) inv.fail(`${name} is not a valid unit name`);
  const dot = name.lastIndexOf('.');
  const suffix = dot >= 0 ? name.slice(dot + 1) : '';
  if (unitTypes.includes(suffix)) return name;
  if (!addServiceSuffix) inv.fail(`unit ${name} has no unit type suffix`);
  return `${name}.service`;
}
