import t from 'tap';
import { dpkgNameQuery, pacmanNameQuery, rpmNameQuery } from '../../src/supermin/package-name-query.js';

t.test('dpkg: argv and reading', async (t) => {
  t.same(
    dpkgNameQuery.commands(['mount', 'bash', 'mount']).map((c) => c.argv),
    [
      ['dpkg', '--print-architecture'],
      ['dpkg-query', '-W', '-f=${Package}\t${Architecture}\t${db:Status-Status}\n', '--', 'bash', 'mount'],
    ],
  );
  const [arch, query] = dpkgNameQuery.commands(['x']);
  t.ok(query?.okExit(1), 'exit 1 (no match for some name) is an answer');
  t.notOk(query?.okExit(2));
  t.notOk(arch?.okExit(1));

  const names = ['bash', 'bash-doc', 'nosuch', 'tzdata', 'libc6', 'foreign', 'removed'];
  const stdout = [
    'bash\tamd64\tinstalled',
    'bash-doc\t\tnot-installed',
    'tzdata\tall\tinstalled',
    'libc6\tamd64\tinstalled',
    'libc6\ti386\tinstalled',
    'foreign\ti386\tinstalled',
    'removed\tamd64\tconfig-files',
    '',
  ].join('\n');
  t.same(
    dpkgNameQuery.unknown(names, [
      { stdout: 'amd64\n', stderr: '' },
      { stdout, stderr: 'dpkg-query: no packages found matching nosuch\n' },
    ]),
    ['bash-doc', 'foreign', 'nosuch', 'removed'],
    'only installed packages of the primary architecture or all count',
  );
});

t.test('rpm: argv and reading (not run against a real rpm database here)', async (t) => {
  t.same(rpmNameQuery.commands(['kernel', 'bash']).map((c) => c.argv), [['rpm', '-q', '--qf', '%{NAME}\\n', '--', 'bash', 'kernel']]);
  t.ok(rpmNameQuery.commands(['x'])[0]?.okExit(3), 'the status counts missing names');
  t.same(
    rpmNameQuery.unknown(['bash', 'bash-5.2.26', 'nosuch'], [
      { stdout: 'bash\nbash\npackage nosuch is not installed\n', stderr: '' },
    ]),
    ['nosuch'],
    'a name-version that rpm resolves is not reported',
  );
});

t.test('pacman: argv and reading (not run against a real pacman database here)', async (t) => {
  t.same(pacmanNameQuery.commands(['linux', 'bash']).map((c) => c.argv), [['pacman', '-Q', '--', 'bash', 'linux']]);
  t.same(
    pacmanNameQuery.unknown(['bash', 'sh', 'linux'], [
      { stdout: 'bash 5.2.026-2\nlinux 6.9.7.arch1-1\n', stderr: "error: package 'sh' was not found\n" },
    ]),
    ['sh'],
    'a provided name is not an installed package',
  );
});
