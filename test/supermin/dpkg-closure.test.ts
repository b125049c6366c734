import t from 'tap';
import { dpkgClosure, type InstalledStanza } from '../../src/supermin/dpkg-closure.js';

const dep = (name: string, arch?: string) => [{ name, ...(arch ? { arch } : {}) }];
const stanza = (name: string, o: Partial<InstalledStanza> = {}): InstalledStanza => ({
  name,
  version: '1',
  arch: 'amd64',
  installed: true,
  depends: [],
  preDepends: [],
  ...o,
});

const db: InstalledStanza[] = [
  stanza('a', { depends: [dep('b'), [{ name: 'c' }, { name: 'd' }]], preDepends: [dep('p')] }),
  stanza('b', { depends: [dep('a')] }),
  stanza('c'),
  stanza('d'),
  stanza('p', { arch: 'all', depends: [dep('virtual'), dep('perl', 'any'), dep('gone'), dep('foreign')] }),
  stanza('gone', { installed: false }),
  stanza('foreign', { arch: 'i386' }),
  stanza('perl'),
];

const cases: Array<[string, string[], string[]]> = [
  ['first alternative only, pre-depends followed, cycles end', ['a'], ['a', 'b', 'c', 'p']],
  ['virtual, :any, not installed and foreign-arch names are dropped', ['p'], ['p']],
  ['an unknown name gives nothing', ['nope'], []],
  ['names are not repeated', ['c', 'c', 'd'], ['c', 'd']],
];
for (const [name, input, want] of cases) {
  t.same(dpkgClosure(input, db, 'amd64').map((p) => p.name), want, name);
}
t.same(dpkgClosure(['p'], db, 'amd64')[0], { name: 'p', version: '1', arch: 'all' }, 'versions and architectures are kept');
