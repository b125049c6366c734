import t from 'tap';
import { installOrder } from '../../src/plan/install-order.js';
import { pkg, type PkgSpec } from '../helpers/plan-fixtures.js';

interface Case {
  name: string;
  packages: [string, PkgSpec][];
  order: string[];
  broken?: string[];
}

const cases: Case[] = [
  { name: 'no dependencies: by name', packages: [['c', {}], ['a', {}], ['b', {}]], order: ['a', 'b', 'c'] },
  {
    name: 'chain',
    packages: [['a', { depends: ['b'] }], ['b', { depends: ['c'] }], ['c', {}]],
    order: ['c', 'b', 'a'],
  },
  {
    name: 'dependencies outside the set are ignored',
    packages: [['a', { depends: ['libc6', 'b'] }], ['b', { depends: ['zlib1g'] }]],
    order: ['b', 'a'],
  },
  {
    name: 'alternatives: the first alternative present in the set',
    packages: [['app', { depends: ['missing | y | x'] }], ['x', {}], ['y', { depends: ['x'] }]],
    order: ['x', 'y', 'app'],
  },
  {
    name: 'alternatives: a later one when the first is absent',
    packages: [['a', { depends: ['nope | z'] }], ['z', {}]],
    order: ['z', 'a'],
  },
  {
    name: 'provides: a virtual package resolves to its provider',
    packages: [['mua', { depends: ['mail-transport-agent'] }], ['postfix', { provides: ['mail-transport-agent'] }]],
    order: ['postfix', 'mua'],
  },
  {
    name: 'provides: the real package wins over a provider',
    packages: [['a', { depends: ['awk'] }], ['awk', { depends: ['mawk'] }], ['mawk', { provides: ['awk'] }]],
    order: ['mawk', 'awk', 'a'],
  },
  {
    name: 'a package providing what it depends on needs nothing',
    packages: [['a', { depends: ['virt'], provides: ['virt'] }], ['b', { depends: ['a'] }]],
    order: ['a', 'b'],
  },
  {
    name: 'pre-depends order like depends',
    packages: [['a', { preDepends: ['b'] }], ['b', {}]],
    order: ['b', 'a'],
  },
  {
    name: 'cycle: broken at the plain dependency, not the pre-dependency',
    packages: [['a', { preDepends: ['b'] }], ['b', { depends: ['a'] }]],
    order: ['b', 'a'],
    broken: ['b->a'],
  },
  {
    name: 'cycle of plain dependencies: broken by name',
    packages: [['m', { depends: ['n'] }], ['n', { depends: ['m'] }], ['x', { depends: ['m'] }]],
    order: ['m', 'n', 'x'],
    broken: ['m->n'],
  },
  {
    name: 'cycle: a package depending on the cycle is not taken to break it',
    packages: [['a', { depends: ['m'] }], ['m', { depends: ['n'] }], ['n', { depends: ['m'] }]],
    // Once m is placed, a and n are both free: ties by name.
    order: ['m', 'a', 'n'],
    broken: ['m->n'],
  },
  {
    name: 'three-cycle with an exit',
    packages: [['p', { depends: ['q'] }], ['q', { depends: ['r'] }], ['r', { depends: ['p', 's'] }], ['s', {}]],
    order: ['s', 'p', 'r', 'q'],
    broken: ['p->q'],
  },
  {
    name: 'rpm requires and pre-requires',
    packages: [['httpd', { format: 'rpm', preDepends: ['shadow-utils'], depends: ['httpd-core'] }], ['httpd-core', { format: 'rpm' }], ['shadow-utils', { format: 'rpm' }]],
    order: ['httpd-core', 'shadow-utils', 'httpd'],
  },
  {
    name: 'arch depends with provides',
    packages: [['git', { format: 'arch', depends: ['perl-error', 'libcurl.so'] }], ['curl', { format: 'arch', provides: ['libcurl.so'] }], ['perl-error', { format: 'arch' }]],
    order: ['curl', 'perl-error', 'git'],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const packages = c.packages.map(([n, s]) => pkg(n, s));
    const got = installOrder(packages);
    t.same(got.packages.map((p) => p.name), c.order);
    t.same(got.broken.map((b) => `${b.package}->${b.on}`), c.broken ?? []);
    // Input order must not matter.
    t.same(installOrder([...packages].reverse()).packages.map((p) => p.name), c.order, 'same order from reversed input');
    // Every dependency not broken comes first.
    const pos = new Map(got.packages.map((p, i) => [p, i]));
    for (const p of got.packages) {
      const deps = got.dependencies.get(p)!;
      for (const d of [...deps.pre, ...deps.plain]) {
        if (got.broken.some((b) => b.package === p.name && b.on === d.name)) continue;
        t.ok(pos.get(d)! < pos.get(p)!, `${d.name} before ${p.name}`);
      }
    }
  });
}
