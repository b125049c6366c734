import t from 'tap';
import { FormatError } from '../../../src/errors.js';
import { parseDepends, parseProvides } from '../../../src/formats/deb/parse-depends.js';

t.test('relations with alternatives, versions and architecture qualifiers', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['', []],
    ['libc6 (>= 2.34)', [[{ name: 'libc6', op: '>=', version: '2.34' }]]],
    [
      'debconf (>= 0.5) | debconf-2.0, adduser',
      [[{ name: 'debconf', op: '>=', version: '0.5' }, { name: 'debconf-2.0' }], [{ name: 'adduser' }]],
    ],
    ['a (<< 1:2.0~rc1-3), b (<= 1), c (= 2), d(>>3)', [
      [{ name: 'a', op: '<<', version: '1:2.0~rc1-3' }],
      [{ name: 'b', op: '<=', version: '1' }],
      [{ name: 'c', op: '=', version: '2' }],
      [{ name: 'd', op: '>>', version: '3' }],
    ]],
    ['python3:any (>= 3.11~), libfoo:amd64', [[{ name: 'python3', op: '>=', version: '3.11~', arch: 'any' }], [{ name: 'libfoo', arch: 'amd64' }]]],
    ['foo [amd64 !i386] <!nocheck>, bar (< 2) [linux-any]', [
      [{ name: 'foo', archs: ['amd64', '!i386'] }],
      [{ name: 'bar', op: '<', version: '2', archs: ['linux-any'] }],
    ]],
    ['a,\n b |\n  c (>= 1),', [[{ name: 'a' }], [{ name: 'b' }, { name: 'c', op: '>=', version: '1' }]]],
    ['g++-12, libstdc++6', [[{ name: 'g++-12' }], [{ name: 'libstdc++6' }]]],
  ];
  for (const [text, want] of cases) t.same(parseDepends(text, 'Depends', {}), want, JSON.stringify(text));
});

t.test('bad relations are FormatErrors naming the field', async (t) => {
  for (const text of ['a | | b', 'a (>= )', 'a (~> 1)', '(>= 1)', 'a []', 'a b']) {
    t.throws(() => parseDepends(text, 'Pre-Depends', { file: 'f.deb', line: 9 }), FormatError, text);
    try {
      parseDepends(text, 'Pre-Depends', { file: 'f.deb', line: 9 });
    } catch (e) {
      t.match((e as FormatError).toOneLine(), /^f\.deb:9: .*Pre-Depends/);
    }
  }
});

t.test('Provides', async (t) => {
  t.same(parseProvides('ssh-server, foo (= 1.0)', {}), [{ name: 'ssh-server' }, { name: 'foo', op: '=', version: '1.0' }]);
  t.throws(() => parseProvides('a | b', {}), /alternatives/);
  t.throws(() => parseProvides('a (>= 1)', {}), /only "="/);
});
