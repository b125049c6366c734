import t from 'tap';
import type { Word } from '../../src/shell/analysis.js';
import { analyse } from '../../src/shell/analyse.js';
import { parseWithMvdan } from '../../src/shell/mvdan-parse.js';
import { parseWithTreeSitter } from '../../src/shell/tree-sitter-parse.js';
import { walkCommands } from '../../src/shell/walk-commands.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

/** The argument words of the last command named `name`. */
function argsOf(commands: { name: string | null; args: Word[] }[], name: string): Word[] {
  const cmd = commands.filter((c) => c.name === name).at(-1);
  if (!cmd) throw new Error(`no command ${name} in ${JSON.stringify(commands.map((c) => c.name))}`);
  return cmd.args;
}

const sub = (text: string, source: string): Word => ({ text, literal: true, source });
const lit = (text: string): Word => ({ text, literal: true });
const dyn = (text: string): Word => ({ text, literal: false });

const cases: { name: string; body: string; command: string; args: Word[]; bash?: boolean; entry?: string }[] = [
  {
    name: 'dbus: user name assigned once, used quoted',
    body: 'set -e\nMESSAGEUSER=messagebus\nadduser --system --group "$MESSAGEUSER"\n',
    command: 'adduser',
    args: [lit('--system'), lit('--group'), sub('messagebus', '"$MESSAGEUSER"')],
  },
  {
    name: 'cron: braced use inside a longer word',
    body: 'crondir=/var/spool/cron\nmkdir -p ${crondir}/crontabs\n',
    command: 'mkdir',
    args: [lit('-p'), sub('/var/spool/cron/crontabs', '${crondir}/crontabs')],
  },
  {
    name: 'quoted value, quoted use with a suffix',
    body: 'LOGDIR="/var/log/foo"\nchown root:adm "$LOGDIR/x"\n',
    command: 'chown',
    args: [lit('root:adm'), sub('/var/log/foo/x', '"$LOGDIR/x"')],
  },
  {
    name: 'two constants in one word',
    body: 'A=/srv\nB=data\ntouch "$A/$B"\n',
    command: 'touch',
    args: [sub('/srv/data', '"$A/$B"')],
  },
  {
    name: 'use inside a conditional after the assignment',
    body: 'D=/var/lib/x\nif [ "$1" = configure ]; then chmod 0755 "$D"; fi\n',
    command: 'chmod',
    args: [lit('0755'), sub('/var/lib/x', '"$D"')],
  },
  {
    name: 'redirect target',
    body: 'F=/etc/x.conf\necho hi > "$F"\n',
    command: 'echo',
    args: [lit('hi')],
  },
  {
    name: 'command name from a constant',
    body: 'TOOL=/usr/sbin/update-foo\n"$TOOL" --all\n',
    command: '/usr/sbin/update-foo',
    args: [lit('--all')],
  },
  {
    name: 'function called only after the assignment',
    body: 'setup() { mkdir "$D"; }\nD=/var/lib/x\nsetup\n',
    command: 'mkdir',
    args: [sub('/var/lib/x', '"$D"')],
  },
  {
    name: 'Arch entry function runs after the whole file',
    body: 'post_install() { mkdir "$D"; }\nD=/var/lib/x\n',
    command: 'mkdir',
    args: [sub('/var/lib/x', '"$D"')],
    entry: 'post_install',
  },
  {
    name: 'unquoted use of a value without blanks or globs',
    body: 'U=messagebus\nchown $U /run/x\n',
    command: 'chown',
    args: [sub('messagebus', '$U'), lit('/run/x')],
  },
  // Refusals: the word stays as written and non-literal.
  { name: 'used before the assignment', body: 'mkdir "$D"\nD=/x\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'reassigned', body: 'D=/x\nD=/y\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'appended to', body: 'D=/x\nD+=/y\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')], bash: true },
  { name: 'reassigned inside a function', body: 'D=/x\nf() { D=/y; }\nf\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'assigned inside a conditional', body: 'if true; then D=/x; fi\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'assigned after &&', body: '[ -d /x ] && D=/x\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'assigned in a loop', body: 'while false; do D=/x; done\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'assigned in a subshell', body: '(D=/x)\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'assigned in a function', body: 'f() { D=/x; }\nf\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'assigned in the background', body: 'D=/x &\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'environment prefix of a command', body: 'D=/x true\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'value not literal', body: 'D=/x/$(uname -r)\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'unset', body: 'D=/x\nunset D\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'read', body: 'D=/x\nread D\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'read -r with other names', body: 'D=/x\nread -r a D\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'exported', body: 'D=/x\nexport D\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'export with a value', body: 'export D=/x\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'local in a function', body: 'D=/x\nf() { local D; mkdir "$D"; }\nf\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'for loop variable', body: 'D=/x\nfor D in a b; do :; done\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'getopts', body: 'D=/x\ngetopts ab D\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'printf -v', body: 'D=/x\nprintf -v D %s y\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')], bash: true },
  { name: 'default assignment ${D:=..}', body: 'D=/x\n: "${D:=/y}"\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'arithmetic', body: 'D=1\n: $((D+=1))\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'eval anywhere', body: 'D=/x\neval "$2"\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'sourced file after the assignment', body: 'D=/x\n. /usr/share/foo/lib.sh\nmkdir "$D"\n', command: 'mkdir', args: [dyn('"$D"')] },
  { name: 'expansion with an operator', body: 'D=/x/y\nmkdir "${D%/*}"\n', command: 'mkdir', args: [dyn('"${D%/*}"')] },
  { name: 'expansion with a non-empty default', body: 'D=/x\nmkdir "${D:-/y}"\n', command: 'mkdir', args: [dyn('"${D:-/y}"')] },
  { name: 'unquoted value with a blank', body: 'D="a b"\nmkdir $D\n', command: 'mkdir', args: [dyn('$D')] },
  { name: 'unquoted glob value', body: 'D="/x/*"\nrm $D\n', command: 'rm', args: [dyn('$D')] },
  { name: 'unquoted empty value', body: 'D=\nmkdir $D /x\n', command: 'mkdir', args: [dyn('$D'), lit('/x')] },
  { name: 'shell-managed IFS', body: 'IFS=:\necho "$IFS"\n', command: 'echo', args: [dyn('"$IFS"')] },
  { name: 'DPKG_ variables', body: 'DPKG_ROOT=/\nmkdir "$DPKG_ROOT/x"\n', command: 'mkdir', args: [dyn('"$DPKG_ROOT/x"')] },
  { name: 'PWD changes with cd', body: 'PWD=/x\ncd /y\nmkdir "$PWD/z"\n', command: 'mkdir', args: [dyn('"$PWD/z"')] },
  {
    name: 'function also called before the assignment',
    body: 'f() { mkdir "$D"; }\nf\nD=/x\nf\n',
    command: 'mkdir',
    args: [dyn('"$D"')],
  },
  { name: 'function never called', body: 'D=/x\nf() { mkdir "$D"; }\n', command: 'mkdir', args: [dyn('"$D"')] },
  {
    name: 'function named as an operand (trap)',
    body: 'f() { mkdir "$D"; }\ntrap f EXIT\nD=/x\nf\n',
    command: 'mkdir',
    args: [dyn('"$D"')],
  },
  {
    name: 'function called through another called too early',
    body: 'g() { mkdir "$D"; }\nf() { g; }\nf\nD=/x\ng\n',
    command: 'mkdir',
    args: [dyn('"$D"')],
  },
  {
    name: 'dynamic command may call a function',
    body: 'f() { mkdir "$D"; }\nD=/x\n$CMD\nf\n',
    command: 'mkdir',
    args: [dyn('"$D"')],
  },
  { name: 'value names a function', body: 'f() { :; }\nD=f\n"$D"\necho "$D"\n', command: 'echo', args: [dyn('"$D"')] },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const interpreter = c.bash ? { kind: 'bash' as const, argv: ['/bin/bash'] } : { kind: 'sh' as const, argv: ['/bin/sh'] };
    const opts = c.entry ? { format: 'arch' as const, phase: 'post_install' as const, entry: c.entry, interpreter } : { interpreter };
    const a = await analyse(shellScriptlet(c.body, opts));
    t.equal(a.parseError, undefined);
    t.same(argsOf(a.commands, c.command), c.args, 'analyse');
    // Both parsers must give the same substitution.
    const mv = parseWithMvdan(c.body, c.bash ? 'bash' : 'posix');
    const mvOk = mv.ok ? mv : parseWithMvdan(c.body, 'bash');
    if (!mvOk.ok) throw new Error(`mvdan could not parse ${c.body}`);
    t.same(argsOf(walkCommands(mvOk.script, c.entry).commands, c.command), c.args, 'mvdan-sh');
    const ts = await parseWithTreeSitter(c.body);
    if (ts) t.same(argsOf(walkCommands(ts, c.entry).commands, c.command), c.args, 'tree-sitter');
  });
}

t.test('redirect targets are substituted', async (t) => {
  const a = await analyse(shellScriptlet('F=/etc/x.conf\necho hi > "$F"\n'));
  const echo = a.commands.find((c) => c.name === 'echo');
  t.same(echo?.redirects, [{ op: '>', target: sub('/etc/x.conf', '"$F"') }]);
});

t.test('guards read constants: path tests on a substituted path', async (t) => {
  const a = await analyse(shellScriptlet('D=/usr/sbin/foo\nif [ -x "$D" ]; then run; fi\n'));
  const run = a.commands.find((c) => c.name === 'run');
  t.same(run?.guards.map((g) => ('test' in g ? g.test : undefined)), [{ type: 'path-test', op: '-x', path: '/usr/sbin/foo' }]);
});

t.test('a redirection alone is a command with no name, so the file it creates is not lost', async (t) => {
  const a = await analyse(shellScriptlet('dico_class="aspell"\nfor i in ca.compat; do\n  >"/var/lib/$dico_class/$i"\ndone\n'));
  const bare = a.commands.filter((c) => c.name === null);
  t.equal(bare.length, 1);
  t.same(bare[0]?.redirects, [{ op: '>', target: { text: '"/var/lib/$dico_class/$i"', literal: false } }]);
});
