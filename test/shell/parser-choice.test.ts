import t from 'tap';
import { analyse } from '../../src/shell/analyse.js';
import { parseWithMvdan } from '../../src/shell/mvdan-parse.js';
import { parseWithTreeSitter } from '../../src/shell/tree-sitter-parse.js';
import { walkCommands } from '../../src/shell/walk-commands.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

/*
 * Shapes tree-sitter-bash reads differently from the shell, found by cross-checking it against
 * mvdan-sh on real maintainer scripts. Each must be handed to mvdan-sh (or converted correctly),
 * never analysed from the wrong tree.
 */
const misreadByTreeSitter: {
  name: string;
  body: string;
  check: (cmds: { name: string | null; line: number; args: string[]; redirects: string[] }[]) => boolean;
  /** The adapter rebuilds the shell's reading instead of refusing the tree. */
  converted?: true;
}[] = [
  {
    name: 'assignments on one line, command on the next (joined into one command)',
    body: 'f() {\n\tdir=$1 file=$2\n\techo "$dir/$file"\n}\n',
    check: (cmds) => cmds.some((c) => c.name === 'echo' && c.line === 3),
  },
  {
    name: 'redirect after `! cmd` at the end of a list (attached to the whole list)',
    body: 'if a >/dev/null && ! b >/dev/null; then :; fi\n',
    check: (cmds) => cmds.find((c) => c.name === 'b')?.redirects.join(' ') === '>/dev/null',
    converted: true,
  },
  {
    name: 'redirect after the last command of a pipeline in a list',
    body: 'if echo "$x" | grep -q y >/dev/null && [ -f z ]; then :; fi\n',
    check: (cmds) => cmds.find((c) => c.name === 'grep')?.redirects.join(' ') === '>/dev/null',
    converted: true,
  },
  {
    name: 'backquoted substitutions glued into one word (split into three)',
    body: 'rm -f `dirname $f`/__pycache__/`basename $f .py`\\.*py[co]\n',
    check: (cmds) => cmds.find((c) => c.name === 'rm')?.args.length === 2,
  },
  {
    name: 'heredoc followed by a pipeline (nested inside the redirect)',
    body: 'cat <<EOF | sort && echo done\nb\na\nEOF\n',
    check: (cmds) => cmds.some((c) => c.name === 'sort') && cmds.some((c) => c.name === 'echo'),
  },
];

for (const c of misreadByTreeSitter) {
  t.test(`${c.converted ? 'converted as the shell reads it' : 'the refused statement falls back to mvdan-sh'}: ${c.name}`, async (t) => {
    const ts = await parseWithTreeSitter(c.body);
    if (c.converted) {
      const mv = parseWithMvdan(c.body, 'posix');
      t.ok(ts && mv.ok, 'both parsers read it');
      if (ts && mv.ok) t.same(walkCommands(ts).commands, walkCommands(mv.script).commands, 'same commands as mvdan-sh');
    } else t.equal(ts, null, 'tree-sitter result is refused');
    const a = await analyse(shellScriptlet(c.body));
    t.equal(a.parser, c.converted ? 'tree-sitter' : 'tree-sitter+mvdan-sh');
    t.notOk(a.parseError);
    const cmds = a.commands.map((cmd) => ({
      name: cmd.name,
      line: cmd.line,
      args: cmd.args.map((w) => w.text),
      redirects: cmd.redirects.map((r) => r.op + r.target.text),
    }));
    t.ok(c.check(cmds), JSON.stringify(cmds));
  });
}

t.test('tree-sitter quirks that are converted, not refused', async (t) => {
  // `! a | b` is grouped as `(! a) | b` by the grammar; `echo >&2 "msg"` makes "msg" a redirect target;
  // whitespace-only double-quoted strings lose their content.
  const body = 'if ! getent group x | grep -q y; then run; fi\necho >&2 "error text"\ncut -d " " -f 1 f\n';
  const ts = await parseWithTreeSitter(body);
  t.ok(ts, 'tree-sitter result accepted');
  const mv = parseWithMvdan(body, 'posix');
  t.ok(mv.ok);
  if (!ts || !mv.ok) return;
  const view = (cmds: ReturnType<typeof walkCommands>['commands']) => cmds.map((c) => ({ ...c, guards: c.guards.map((g) => ({ ...g, text: '' })) }));
  t.same(view(walkCommands(ts).commands), view(walkCommands(mv.script).commands));
  const run = walkCommands(ts).commands.find((c) => c.name === 'run');
  t.equal(run?.guards[0]?.negated, true, '! applies to the whole pipeline');
  const echo = walkCommands(ts).commands.find((c) => c.name === 'echo');
  t.same(echo?.args, [{ text: 'error text', literal: true }]);
  const cut = walkCommands(ts).commands.find((c) => c.name === 'cut');
  t.same(cut?.args[1], { text: ' ', literal: true });
});

t.test('a syntax error is reported with its position, not guessed around', async (t) => {
  const a = await analyse(shellScriptlet('#!/bin/sh\nif [ "$1" = configure ]; then\n  echo "unterminated\nfi\n'));
  t.equal(a.parser, 'mvdan-sh');
  t.ok(a.parseError);
  t.equal(a.parseError?.line, 3);
  t.ok((a.parseError?.column ?? 0) > 0);
  t.match(a.parseError?.message, /quote/);
  t.same(a.commands, []);
});

t.test('missing fi', async (t) => {
  const a = await analyse(shellScriptlet('if true; then\n  run\n'));
  t.ok(a.parseError);
  t.same(a.commands, []);
});

t.test('a /bin/sh script using a bash feature tree-sitter refuses is read with the bash grammar', async (t) => {
  const body = 'x=(a b)\nf() {\n\tdir=$1 file=$2\n\techo "$dir"\n}\n';
  t.equal(await parseWithTreeSitter(body), null);
  const posix = parseWithMvdan(body, 'posix');
  t.notOk(posix.ok, 'arrays are not POSIX');
  const a = await analyse(shellScriptlet(body));
  t.equal(a.parser, 'tree-sitter+mvdan-sh');
  t.notOk(a.parseError);
  t.ok(a.commands.some((c) => c.name === 'echo' && c.line === 4));
});

t.test('tree-sitter is used for ordinary scripts', async (t) => {
  const a = await analyse(shellScriptlet('#!/bin/sh\nset -e\ncase "$1" in configure) adduser --system foo ;; esac\n'));
  t.equal(a.parser, 'tree-sitter');
});
