import t from 'tap';
import type { InterpreterKind } from '../../src/formats/types.js';
import { analyse } from '../../src/shell/analyse.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

const nonShell: { kind: InterpreterKind; argv: string[]; body: string; language: string }[] = [
  { kind: 'lua', argv: ['<lua>'], body: 'posix.mkdir("/var/lib/a")\nos.execute("ls")\n', language: 'lua' },
  { kind: 'perl', argv: ['/usr/bin/perl'], body: 'system("rm -rf /");\n', language: 'perl' },
  { kind: 'python', argv: ['/usr/bin/python3'], body: 'import os\nos.system("x")\n', language: 'python' },
  { kind: 'other', argv: ['/usr/bin/tclsh'], body: 'puts hi\n', language: 'unknown' },
];

for (const c of nonShell) {
  t.test(`${c.kind} is not read as shell`, async (t) => {
    const a = await analyse(shellScriptlet(c.body, { format: 'rpm', phase: 'post', interpreter: { kind: c.kind, argv: c.argv } }));
    t.same(a, { language: c.language, parser: 'none', commands: [], segments: [], functions: [], heredocs: [], sourced: [] });
  });
}

t.test('program: the -p program is the one command', async (t) => {
  const a = await analyse(
    shellScriptlet('', { format: 'rpm', phase: 'post', interpreter: { kind: 'program', argv: ['/usr/bin/update-mime-database', '/usr/share/mime'] } }),
  );
  t.equal(a.language, 'program');
  t.equal(a.parser, 'none');
  t.same(
    a.commands.map((c) => [c.name, c.args, c.line, c.segment]),
    [['/usr/bin/update-mime-database', [{ text: '/usr/share/mime', literal: true }], 1, 0]],
  );
  t.same(a.segments, [{ kind: 'plain', startLine: 1, endLine: 1 }]);
});

t.test('program: -p /sbin/ldconfig is the ldconfig macro', async (t) => {
  const a = await analyse(shellScriptlet('', { format: 'rpm', phase: 'post', interpreter: { kind: 'program', argv: ['/sbin/ldconfig'] } }));
  t.same(a.segments, [{ kind: 'rpm-macro', macro: 'ldconfig', startLine: 1, endLine: 1 }]);
  t.equal(a.commands[0]?.name, '/sbin/ldconfig');
});

t.test('deb triggers file: one command per directive', async (t) => {
  const body = '# Triggers added by dh_makeshlibs\nactivate-noawait ldconfig\n\ninterest-noawait /usr/share/fonts  # fonts\ninterest update-ca-certificates\n';
  const a = await analyse(shellScriptlet(body, { phase: 'triggers', interpreter: { kind: 'deb-triggers', argv: [] } }));
  t.equal(a.language, 'deb-triggers');
  t.equal(a.parser, 'line');
  t.same(
    a.commands.map((c) => [c.name, c.args.map((w) => w.text), c.line, c.segment]),
    [
      ['activate-noawait', ['ldconfig'], 2, 0],
      ['interest-noawait', ['/usr/share/fonts'], 4, 0],
      ['interest', ['update-ca-certificates'], 5, 0],
    ],
  );
});

t.test('sysusers: one command per line, quoted GECOS kept together', async (t) => {
  const body = [
    '# comment',
    'g input 104',
    'u systemd-network 192 "systemd Network Management" /run/systemd/netif -',
    "u! nobody 65534:65534 'Kernel Overflow User' - -",
    'm systemd-journal-remote systemd-journal',
    'r - 500-900',
    '',
  ].join('\n');
  const a = await analyse(shellScriptlet(body, { format: 'rpm', phase: 'sysusers', interpreter: { kind: 'sysusers', argv: [] } }));
  t.equal(a.language, 'sysusers');
  t.equal(a.parser, 'line');
  t.same(
    a.commands.map((c) => [c.name, c.args.map((w) => w.text)]),
    [
      ['g', ['input', '104']],
      ['u', ['systemd-network', '192', 'systemd Network Management', '/run/systemd/netif', '-']],
      ['u!', ['nobody', '65534:65534', 'Kernel Overflow User', '-', '-']],
      ['m', ['systemd-journal-remote', 'systemd-journal']],
      ['r', ['-', '500-900']],
    ],
  );
  t.ok(a.commands.every((c) => c.args.every((w) => w.literal)));
});

t.test('bash interpreter: bash syntax parses', async (t) => {
  const a = await analyse(shellScriptlet('arr=(a b)\nfor x in "${arr[@]}"; do echo "$x"; done\n[[ -n $x ]] && run\n', { interpreter: { kind: 'bash', argv: ['/bin/bash'] } }));
  t.equal(a.language, 'bash');
  t.notOk(a.parseError);
  t.ok(a.commands.some((c) => c.name === 'run'));
});

t.test('Arch .INSTALL: only the entry function, what it calls, and top-level code', async (t) => {
  const body = [
    'note() {',
    '  echo "$1"',
    '}',
    'post_install() {',
    '  note "installing"',
    '  systemd-sysusers',
    '}',
    'post_upgrade() {',
    '  post_install',
    '  rm -f /var/cache/old',
    '}',
    'pre_remove() {',
    '  userdel foo',
    '}',
    'umask 022',
    '',
  ].join('\n');
  const install = await analyse(shellScriptlet(body, { format: 'arch', phase: 'post_install', entry: 'post_install' }));
  t.same(install.commands.map((c) => c.name).sort(), ['echo', 'note', 'systemd-sysusers', 'umask']);
  t.equal(install.commands.find((c) => c.name === 'systemd-sysusers')?.inFunction, 'post_install');
  const upgrade = await analyse(shellScriptlet(body, { format: 'arch', phase: 'post_upgrade', entry: 'post_upgrade' }));
  t.same(upgrade.commands.map((c) => c.name).sort(), ['echo', 'note', 'post_install', 'rm', 'systemd-sysusers', 'umask']);
  t.same(
    upgrade.functions.map((f) => [f.name, f.calls]),
    [
      ['note', []],
      ['post_install', ['note']],
      ['post_upgrade', ['post_install']],
      ['pre_remove', []],
    ],
  );
});

t.test('words: literal flag and quote removal', async (t) => {
  const a = await analyse(shellScriptlet(`run plain 'single' "double" a\\ b "$1" $x "pre$(cmd)" *.conf ~/x "" 'it''s'\n`));
  const run = a.commands.find((c) => c.name === 'run');
  t.same(run?.args, [
    { text: 'plain', literal: true },
    { text: 'single', literal: true },
    { text: 'double', literal: true },
    { text: 'a b', literal: true },
    { text: '"$1"', literal: false },
    { text: '$x', literal: false },
    { text: '"pre$(cmd)"', literal: false },
    { text: '*.conf', literal: false },
    { text: '~/x', literal: false },
    { text: '', literal: true },
    { text: 'its', literal: true },
  ]);
  const sub = a.commands.find((c) => c.name === 'cmd');
  t.equal(sub?.substitution, true);
});

t.test('redirects, pipelines, background, heredocs, sourced files', async (t) => {
  const body = [
    '. /usr/share/debconf/confmodule',
    'source ./lib.sh',
    'cat <<EOF | debconf-set-selections',
    'a b select c',
    'EOF',
    'daemon --fork >/dev/null 2>&1 &',
    'cat <<-"END" > /etc/a.conf',
    '\tkey=$value',
    '\tEND',
    '',
  ].join('\n');
  const a = await analyse(shellScriptlet(body));
  t.notOk(a.parseError);
  t.same(a.sourced, ['./lib.sh', '/usr/share/debconf/confmodule']);
  const byName = (n: string) => a.commands.filter((c) => c.name === n);
  t.same(
    byName('cat').map((c) => c.piped),
    [true, undefined],
  );
  t.equal(byName('debconf-set-selections')[0]?.piped, true);
  t.equal(byName('daemon')[0]?.background, true);
  t.same(byName('daemon')[0]?.redirects, [
    { op: '>', target: { text: '/dev/null', literal: true } },
    { op: '2>&', target: { text: '1', literal: true } },
  ]);
  t.same(a.heredocs, [
    { line: 3, delimiter: 'EOF', command: 'cat', body: 'a b select c\n' },
    { line: 7, delimiter: 'END', command: 'cat', body: 'key=$value\n' },
  ]);
});

t.test('function definitions and the functions they call', async (t) => {
  const a = await analyse(shellScriptlet('b() { :; }\na() { b; c; }\na\n'));
  t.same(a.functions, [
    { name: 'b', line: 1, calls: [] },
    { name: 'a', line: 2, calls: ['b'] },
  ]);
  t.same(
    a.commands.filter((c) => c.inFunction).map((c) => [c.name, c.inFunction]),
    [
      [':', 'b'],
      ['b', 'a'],
      ['c', 'a'],
    ],
  );
});
