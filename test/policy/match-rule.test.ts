import t from 'tap';
import { Minimatch } from 'minimatch';
import { commandFieldsMatch, globMatch, runsForArgs, scriptFieldsMatch, writesFiles } from '../../src/policy/match-rule.js';
import type { Match } from '../../src/policy/policy-schema.js';
import type { Analysis, Command, Guard } from '../../src/shell/analysis.js';
import type { Scriptlet } from '../../src/formats/types.js';
import { commands } from '../helpers/analysis-builder.js';

const caseArm = (patterns: string[], subject = '"$1"'): Guard => ({
  kind: 'case',
  subject,
  patterns,
  negated: false,
  text: `case ${subject} in ${patterns.join('|')})`,
});
const argIf = (values: string[], negated = false, arg = 1): Guard => ({
  kind: 'if',
  text: `[ "$${arg}" = ${values.join(' -o ')} ]`,
  negated,
  test: { type: 'arg-equals', arg, values },
});

const analysis: Analysis = {
  language: 'sh',
  parser: 'tree-sitter',
  commands: [],
  segments: [
    { kind: 'plain', startLine: 1, endLine: 10 },
    { kind: 'debhelper', helper: 'dh_installsystemd', template: 'postinst-systemd-enable', startLine: 11, endLine: 20 },
    { kind: 'rpm-macro', macro: 'systemd_post', startLine: 21, endLine: 30 },
  ],
  functions: [],
  heredocs: [],
  sourced: [],
};

function cmd(text: string, guards: Guard[] = [], extra: Partial<Command> = {}): Command {
  return { ...commands(text, { guards })[0]!, ...extra };
}

const cases: [name: string, match: Match, command: Command, expected: boolean][] = [
  ['command glob', { command: 'deb-systemd-*' }, cmd('deb-systemd-helper enable x'), true],
  ['command list', { command: ['useradd', 'adduser'] }, cmd('adduser --system foo'), true],
  ['command by basename', { command: 'adduser' }, cmd('/usr/sbin/adduser --system foo'), true],
  ['command by full path', { command: '/usr/sbin/*' }, cmd('/usr/sbin/adduser'), true],
  ['dynamic command name never matches', { command: '*' }, cmd('$CMD x'), false],
  ['hasFlag exact', { args: { hasFlag: '--system' } }, cmd('adduser --system foo'), true],
  ['hasFlag any of', { args: { hasFlag: ['-r', '--system'] } }, cmd('useradd -r foo'), true],
  ['hasFlag --long=value', { args: { hasFlag: '--home' } }, cmd('useradd --home=/var/lib/x foo'), true],
  ['hasFlag in short cluster', { args: { hasFlag: '-r' } }, cmd('useradd -rM foo'), true],
  ['hasFlag not after --', { args: { hasFlag: '-r' } }, cmd('rm -- -r'), false],
  ['hasFlag absent', { args: { hasFlag: '--system' } }, cmd('adduser foo'), false],
  ['noFlag', { args: { noFlag: ['--root', '-R'] } }, cmd('systemctl enable x'), true],
  ['noFlag present', { args: { noFlag: ['--root', '-R'] } }, cmd('systemctl --root=/x enable x'), false],
  ['first', { args: { first: 'daemon-reload' } }, cmd('systemctl daemon-reload'), true],
  ['first is the first word, flags included', { args: { first: 'daemon-reload' } }, cmd('systemctl --system daemon-reload'), false],
  ['positional skips flags', { args: { positional: ['daemon-reload'] } }, cmd('systemctl --system daemon-reload'), true],
  ['positional prefix, lists', { args: { positional: [['enable', 'start'], '*.service'] } }, cmd('systemctl enable foo.service'), true],
  ['positional too short', { args: { positional: ['enable', '*'] } }, cmd('systemctl enable'), false],
  ['positional non-literal fails', { args: { positional: ['enable', '*'] } }, cmd('systemctl enable $UNIT'), false],
  ['positional after --', { args: { positional: ['-weird'] } }, cmd('rm -f -- -weird'), true],
  ['any', { args: { any: '/etc/init.d/*' } }, cmd('update-rc.d -f /etc/init.d/foo x'), true],
  ['literal true', { args: { literal: true } }, cmd('echo a b'), true],
  ['literal true fails on $x', { args: { literal: true } }, cmd('echo $x'), false],
  ['literal false', { args: { literal: false } }, cmd('echo $x'), true],
  ['count', { args: { count: { min: 1, max: 1 } } }, cmd('exit 0'), true],
  ['count max 0', { args: { count: { max: 0 } } }, cmd('exit 0'), false],
  ['argEquals in case arm', { guard: { argEquals: 'configure' } }, cmd('x', [caseArm(['configure'])]), true],
  ['argEquals: default arm passes anything', { guard: { argEquals: 'configure' } }, cmd('x', [caseArm(['*'])]), true],
  ['argEquals: other arm', { guard: { argEquals: 'configure' } }, cmd('x', [caseArm(['purge'])]), false],
  ['argEquals needs a guard', { guard: { argEquals: 'configure' } }, cmd('x'), false],
  ['argEquals on if test', { guard: { argEquals: ['configure'] } }, cmd('x', [argIf(['configure', 'abort-upgrade'])]), true],
  ['argEquals negated if', { guard: { argEquals: 'configure' } }, cmd('x', [argIf(['configure'], true)]), false],
  ['argEquals negated if, other value', { guard: { argEquals: 'configure' } }, cmd('x', [argIf(['purge'], true)]), true],
  ['argEquals other arg', { guard: { argEquals: 'x', arg: 2 } }, cmd('x', [caseArm(['x'], '$2')]), true],
  ['argEquals wrong arg', { guard: { argEquals: 'x', arg: 2 } }, cmd('x', [caseArm(['x'], '$1')]), false],
  ['argOnly: abort arm', { guard: { argOnly: ['abort-upgrade', 'abort-remove'] } }, cmd('x', [caseArm(['abort-upgrade', 'abort-remove'])]), true],
  ['argOnly: arm with configure', { guard: { argOnly: ['abort-upgrade'] } }, cmd('x', [caseArm(['configure', 'abort-upgrade'])]), false],
  ['argOnly: default arm', { guard: { argOnly: ['abort-upgrade'] } }, cmd('x', [caseArm(['*'])]), false],
  ['argOnly: one restricting guard suffices', { guard: { argOnly: ['purge'] } }, cmd('x', [argIf(['configure'], true), caseArm(['purge'])]), true],
  ['argOnly: negated guard does not restrict', { guard: { argOnly: ['purge'] } }, cmd('x', [argIf(['configure'], true)]), false],
  ['caseDefault', { guard: { caseDefault: true } }, cmd('exit 1', [caseArm(['*'])]), true],
  ['caseDefault false', { guard: { caseDefault: false } }, cmd('exit 1', [caseArm(['*'])]), false],
  ['argEmpty', { guard: { argEmpty: 2 } }, cmd('x', [{ kind: 'if', text: '[ -z "$2" ]', negated: false, test: { type: 'arg-empty', arg: 2 } }]), true],
  ['argEmpty negated (-n)', { guard: { argEmpty: 2 } }, cmd('x', [{ kind: 'if', text: '[ -n "$2" ]', negated: true, test: { type: 'arg-empty', arg: 2 } }]), false],
  ['commandExists', { guard: { commandExists: 'update-*' } }, cmd('x', [{ kind: 'and', text: 'command -v update-foo', negated: false, test: { type: 'command-exists', command: 'update-foo' } }]), true],
  ['commandExists in the else branch', { guard: { commandExists: '*' } }, cmd('x', [{ kind: 'or', text: 'command -v foo', negated: true, test: { type: 'command-exists', command: 'foo' } }]), false],
  ['pathTest', { guard: { pathTest: '/usr/bin/*' } }, cmd('x', [{ kind: 'if', text: '[ -x /usr/bin/foo ]', negated: false, test: { type: 'path-test', op: '-x', path: '/usr/bin/foo' } }]), true],
  ['dpkgRoot', { guard: { dpkgRoot: true } }, cmd('x', [{ kind: 'if', text: '[ -z "$DPKG_ROOT" ]', negated: false, test: { type: 'dpkg-root' } }]), true],
  ['dpkgRoot false', { guard: { dpkgRoot: false } }, cmd('x'), true],
  ['versionCompare', { guard: { versionCompare: true } }, cmd('x', [{ kind: 'if', text: 'dpkg --compare-versions "$2" lt 1.0', negated: false, test: { type: 'version-compare', arg: 2, op: 'lt', version: '1.0' } }]), true],
  ['text glob crosses slashes', { guard: { text: '*/etc/foo*' } }, cmd('x', [{ kind: 'if', text: 'grep -q x /etc/foo.conf', negated: false }]), true],
  ['unguarded', { guard: { unguarded: true } }, cmd('exit 0'), true],
  ['unguarded ignores the enclosing function', { guard: { unguarded: true } }, cmd('exit 0', [{ kind: 'function', name: 'post_install', negated: false, text: 'post_install()' }]), true],
  ['guarded is not unguarded', { guard: { unguarded: true } }, cmd('exit 0', [caseArm(['configure'])]), false],
  ['inFunction', { inFunction: 'post_*' }, cmd('x', [], { inFunction: 'post_install' }), true],
  ['inFunction at top level', { inFunction: '*' }, cmd('x'), false],
  ['segment kind plain', { segment: { kind: 'plain' } }, cmd('x'), true],
  ['segment helper', { segment: { helper: 'dh_installsystemd' } }, cmd('x', [], { segment: 1 }), true],
  ['segment template', { segment: { template: 'postinst-systemd-*' } }, cmd('x', [], { segment: 1 }), true],
  ['segment helper on a plain command', { segment: { helper: '*' } }, cmd('x'), false],
  ['segment macro', { segment: { kind: 'rpm-macro', macro: 'systemd_post' } }, cmd('x', [], { segment: 2 }), true],
  ['segment macro vs debhelper', { segment: { macro: '*' } }, cmd('x', [], { segment: 1 }), false],
  // installdeb-aspell's compat loop and mkdir, as the script spells them
  ['written: a redirection only', { written: '>"/var/lib/$dico_class/$i"' }, cmd('>"/var/lib/$dico_class/$i"'), true],
  ['written: another target', { written: '>"/var/lib/$dico_class/$i"' }, cmd('>"/var/lib/$other/$i"'), false],
  ['written: name and quoted argument', { written: 'mkdir -p "$dico_vardir"' }, cmd('mkdir -p "$dico_vardir"'), true],
  ['written: glob', { written: 'mkdir *' }, cmd('mkdir -p "$dico_vardir"'), true],
  ['written: the words as written, not their propagated values', { written: 'mkdir -p "$d"' }, cmd('mkdir -p /var/lib/x', [], { args: [{ text: '-p', literal: true }, { text: '/var/lib/x', literal: true, source: '"$d"' }] }), true],
  ['writesFiles: file', { writesFiles: true }, cmd('echo x > /etc/foo'), true],
  ['writesFiles: stderr', { writesFiles: false }, cmd('echo x >&2'), true],
  ['writesFiles: /dev/null', { writesFiles: false }, cmd('echo x >/dev/null'), true],
  ['writesFiles: dynamic target', { writesFiles: true }, cmd('echo x > $F'), true],
  ['writesFiles: input redirect', { writesFiles: false }, cmd('read x < /etc/foo'), true],
  ['all fields must hold', { command: 'adduser', args: { hasFlag: '--system' } }, cmd('adduser foo'), false],
  ['empty match holds', {}, cmd('anything'), true],
];

for (const [name, match, command, expected] of cases) {
  t.test(name, async (t) => {
    t.equal(commandFieldsMatch(match, command, analysis), expected);
  });
}

const scriptlet: Scriptlet = {
  package: 'libfoo1',
  format: 'deb',
  phase: 'postinst',
  interpreter: { kind: 'sh', argv: ['/bin/sh'] },
  body: '',
  origin: 'control.tar.xz:postinst',
};

const scriptCases: [name: string, match: Match, s: Partial<Scriptlet>, a: Partial<Analysis>, n: number, expected: boolean][] = [
  ['package glob', { package: 'lib*' }, {}, {}, 1, true],
  ['package negated glob', { package: '!lib*' }, {}, {}, 1, false],
  ['format list', { format: ['rpm', 'arch'] }, {}, {}, 1, false],
  ['phase', { phase: 'postinst' }, {}, {}, 1, true],
  ['installPhase', { installPhase: true }, {}, {}, 1, true],
  ['installPhase false on prerm', { installPhase: false }, { phase: 'prerm' }, {}, 1, true],
  ['language', { language: ['bash'] }, {}, {}, 1, false],
  ['parseError', { parseError: true }, {}, { parseError: { line: 1, column: 1, message: 'x' } }, 0, true],
  ['empty', { empty: true }, {}, {}, 0, true],
  ['empty: not when commands', { empty: true }, {}, {}, 2, false],
  ['empty: not for lua', { empty: true }, {}, { language: 'lua', parser: 'none' }, 0, false],
];

for (const [name, match, s, a, n, expected] of scriptCases) {
  t.test(`script: ${name}`, async (t) => {
    t.equal(scriptFieldsMatch(match, { ...scriptlet, ...s }, { ...analysis, ...a }, n), expected);
  });
}

t.test('writesFiles on a here-document input', async (t) => {
  t.equal(writesFiles({ ...cmd('cat'), redirects: [{ op: '<<', target: { text: 'EOF', literal: true } }] }), false);
});

// globMatch tests plain patterns by string equality; for every value minimatch reads differently
// from its text (empty, `.`/`..` parts, `//`, a trailing `/`) the answer must still be minimatch's.
t.test('globMatch agrees with minimatch on plain patterns and odd values', async (t) => {
  const texts = ['useradd', '/usr/bin/x', 'a/b', '.', '..', '', '/', 'a//b', 'a/b/', './a', 'a/./b', 'a/../b', '#x', '-', 'a*', 'a?b', '/usr/lib/**', '{a,b}', 'a\\*'];
  for (const pattern of texts) {
    for (const value of texts) {
      const want = new Minimatch(pattern, { dot: true, nocomment: true }).match(value);
      t.equal(globMatch(value, pattern), want, `${JSON.stringify(value)} against ${JSON.stringify(pattern)}`);
    }
  }
  t.equal(globMatch('adduser', ['useradd', 'adduser']), true);
  t.equal(globMatch('deluser', ['useradd', 'adduser']), false);
});

t.test('runsForArgs: whether the guards let a command run with these arguments', async (t) => {
  const caseArm = (patterns: string[], subject = '"$1"'): Guard => ({ kind: 'case', subject, patterns, negated: false, text: `case ${subject} in ${patterns.join('|')})` });
  const argIs = (values: string[], negated = false, arg = 1): Guard => ({ kind: 'if', text: '[ "$1" = x ]', negated, test: { type: 'arg-equals', arg, values } });
  const cases: Array<[string, Guard[], string[], 'yes' | 'no' | 'maybe']> = [
    ['no guard', [], ['configure', ''], 'yes'],
    ['case arm that holds', [caseArm(['configure'])], ['configure', ''], 'yes'],
    ['case arm that does not', [caseArm(['abort-upgrade', 'abort-remove'])], ['configure', ''], 'no'],
    ['a glob arm may lose the value to an earlier arm', [caseArm(['*'])], ['configure', ''], 'maybe'],
    ['a glob arm that cannot match', [caseArm(['abort-*'])], ['configure', ''], 'no'],
    ['case on another variable', [caseArm(['x'], '"$mode"')], ['configure', ''], 'maybe'],
    ['[ "$1" != abort-upgrade ] for install', [argIs(['abort-upgrade'], true)], ['install'], 'yes'],
    ['[ "$1" = upgrade ] for install', [argIs(['upgrade'])], ['install'], 'no'],
    ['[ -z "$2" ] for a fresh configure', [{ kind: 'if', text: '[ -z "$2" ]', negated: false, test: { type: 'arg-empty', arg: 2 } }], ['configure', ''], 'yes'],
    ['[ -n "$2" ] for a fresh configure', [{ kind: 'if', text: '[ -z "$2" ]', negated: true, test: { type: 'arg-empty', arg: 2 } }], ['configure', ''], 'no'],
    ['dpkg --compare-versions "$2" lt 1.0 with no old version', [{ kind: 'if', text: 'dpkg --compare-versions', negated: false, test: { type: 'version-compare', arg: 2, op: 'lt', version: '1.0' } }], ['configure', ''], 'yes'],
    ['… with an old version', [{ kind: 'if', text: 'dpkg --compare-versions', negated: false, test: { type: 'version-compare', arg: 2, op: 'lt', version: '1.0' } }], ['configure', '0.9'], 'maybe'],
    ['… with an operator dpkg decides only for real versions', [{ kind: 'if', text: 'dpkg --compare-versions', negated: false, test: { type: 'version-compare', arg: 2, op: 'frobs', version: '1.0' } }], ['configure', ''], 'maybe'],
    ['a path test', [{ kind: 'if', text: '[ -x /usr/bin/foo ]', negated: false, test: { type: 'path-test', op: '-x', path: '/usr/bin/foo' } }], ['configure', ''], 'maybe'],
    ['command -v', [{ kind: 'and', text: 'command -v foo', negated: false, test: { type: 'command-exists', command: 'foo' } }], ['configure', ''], 'maybe'],
    ['inside a function', [{ kind: 'function', name: 'f', negated: false, text: 'f()' }], ['configure', ''], 'maybe'],
    ['a holding test and a ruling-out one', [caseArm(['configure']), argIs(['upgrade'])], ['configure', ''], 'no'],
    ['a holding test and a state test', [caseArm(['configure']), { kind: 'if', text: 'grep -q x /etc/y', negated: false, test: { type: 'other' } }], ['configure', ''], 'maybe'],
  ];
  for (const [name, guards, args, expected] of cases) t.equal(runsForArgs(guards, args), expected, name);
});
