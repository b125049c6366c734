/**
 * `OWNER[:GROUP]` as chown and install read it, limited to what a path-attr can hold: names.
 * Numeric ids, `OWNER:` (the owner's login group) and the old `OWNER.GROUP` form (whose meaning
 * depends on which names exist) are refused.
 */
import type { Invocation } from './invocation.js';

export interface Ownership {
  owner?: string;
  group?: string;
}

export function ownerName(inv: Invocation, text: string, what: string): string {
  // Id 0 is root (user and group) on every Debian, Fedora and Arch system; other numbers need the image's tables.
  if (text === '0') return 'root';
  if (/^\d+$/.test(text)) inv.fail(`${what} ${text} is a number; its name is not known here`);
  if (text.includes(':')) inv.fail(`${what} ${text} contains a colon`);
  return text;
}

export function parseOwnerSpec(inv: Invocation, spec: string): Ownership {
  const colon = spec.indexOf(':');
  if (colon < 0) {
    if (spec.includes('.')) inv.fail(`owner ${spec} may be OWNER.GROUP or a name with a dot`);
    if (spec === '') inv.fail('empty owner');
    return { owner: ownerName(inv, spec, 'owner') };
  }
  const owner = spec.slice(0, colon);
  const group = spec.slice(colon + 1);
  if (group === '' && owner !== '') inv.fail(`${spec} sets the group to the owner's login group, which is not known here`);
  if (group === '' && owner === '') inv.fail(`${spec} changes nothing`);
  return {
    ...(owner !== '' ? { owner: ownerName(inv, owner, 'owner') } : {}),
    group: ownerName(inv, group, 'group'),
  };
}
