import t from 'tap';
import type { Command } from '../../src/shell/analysis.js';
import { parseWithMvdan } from '../../src/shell/mvdan-parse.js';
import { emptySubstitutionRows, parseWithRegionFallback } from '../../src/shell/region-fallback.js';
import type { ShScript } from '../../src/shell/sh-ast.js';
import { parseWithTreeSitter } from '../../src/shell/tree-sitter-parse.js';
import { walkCommands } from '../../src/shell/walk-commands.js';

/*
 * Scripts tree-sitter cannot read whole: the region fallback must give exactly what mvdan-sh gives
 * for the whole script (or give up), never a different reading.
 */

function view(c: Command): string {
  const guards = c.guards.map((g) => `${g.kind}${g.negated ? '!' : ''}${'test' in g && g.test ? JSON.stringify(g.test) : ''}:${g.text}`).join(';');
  const args = c.args.map((a) => `${a.literal ? 'L' : 'D'}:${a.text}`).join(' ');
  const redirects = c.redirects.map((r) => `${r.op}${r.target.text}`).join(' ');
  const flags = `${c.piped ? 'P' : ''}${c.substitution ? 'S' : ''}${c.background ? 'B' : ''}`;
  return `${c.line} ${c.inFunction ?? '-'} ${c.name} ${args} | ${guards} | ${redirects} ${flags}`;
}

const commands = (s: ShScript): string[] => walkCommands(s).commands.map(view).sort();

function mvdan(body: string): ShScript {
  const r = parseWithMvdan(body, 'bash');
  if (!r.ok) throw new Error(r.error.message);
  return r.script;
}

const mended: { name: string; body: string; regions: number; parses?: number }[] = [
  {
    name: 'an empty $( ) used as a line continuation inside double quotes',
    body: 'if [ "$1" = configure ]; then\n\twarn "first part $(\n\t)second part" >&2\n\tuseradd -r foo\nfi\n',
    regions: 1,
  },
  {
    name: 'an assignment whose only other part is a redirection, before fi',
    body: 'f() {\n\tif [ -n "$x" ]; then\n\t\techo a >> "$out"\n\telse\n\t\t_c="# comment" >> "${out}"\n\tfi\n\tsystemctl enable foo\n}\nf\n',
    regions: 1,
  },
  {
    name: 'several broken statements, each mended on its own',
    body: 'a="x $(\n)y"\necho one\nwhile read l; do\n\tlog "b $(\n\t)c"\n\tb=1 >/dev/null\ndone < f\necho two\n',
    regions: 3,
  },
  {
    name: 'a broken statement inside a command substitution',
    body: 'v=$(\n\tlog "p $(\n\t)q"\n\tcat /etc/x\n)\necho "$v"\n',
    regions: 1,
  },
  {
    // tree-sitter's error recovery hides all but the first (as in debian-edu-router-config's config)
    name: 'empty $( ) line continuations spread over a long loop',
    body: 'while [ "$s" -gt 0 ]; do\n\tcase "$s" in\n\t\t1) r="a $(\n\t\t\t)b" ;;\n\t\t2) r="c $(\n\t\t\t)d" ;;\n\tesac\n\tif x; then\n\t\tlog "e $(\n\t\t)f"\n\tfi\n\ts=$((s - 1))\ndone\n',
    // The case statement whole, and the log line; all found in the first round, not one a parse.
    regions: 2,
    parses: 2,
  },
  {
    name: 'a broken statement in a case arm',
    body: 'case "$1" in\n\tconfigure)\n\t\tlog "p $(\n\t\t)q";\n\t\tldconfig\n\t;;\nesac\n',
    regions: 1,
  },
];

t.test('statements tree-sitter cannot read are handed to mvdan-sh, the rest is tree-sitter', async (t) => {
  for (const c of mended) {
    t.equal(await parseWithTreeSitter(c.body), null, `${c.name}: tree-sitter alone refuses it`);
    const mixed = await parseWithRegionFallback(c.body, 'bash');
    if (!mixed) {
      t.fail(`${c.name}: no region reading`);
      continue;
    }
    t.equal(mixed.regions, c.regions, `${c.name}: regions`);
    if (c.parses !== undefined) t.equal(mixed.parses, c.parses, `${c.name}: whole-script parses`);
    t.same(commands(mixed.script), commands(mvdan(c.body)), `${c.name}: same commands as mvdan-sh on the whole script`);
    const texts = (stmts: ShScript['stmts']): string[] => stmts.map((s) => s.text);
    t.same(texts(mixed.script.stmts), texts(mvdan(c.body).stmts), `${c.name}: statement texts are the original source`);
  }
});

t.test('a placeholder that would not sit in a statement list is never used', async (t) => {
  // Each line flagged here could parse alone under mvdan-sh, but in place it is part of a heredoc,
  // a string, a pipeline or an `&&` list: the fallback must then read it as mvdan-sh does, or give up.
  const risky = [
    'cat <<EOF\nlog "a $(\n)b"\nEOF\nlog "c $(\n)d"\n',
    'echo "start\nlog \\"a\nend"\nlog "c $(\n)d"\n',
    'true &&\n\tlog "a $(\n\t)b"\necho x\n',
    'printf x |\n\tlog "a $(\n\t)b"\n',
    'echo a \\\n\t"b $(\n\t)c"\n',
  ];
  for (const body of risky) {
    const mixed = await parseWithRegionFallback(body, 'bash');
    if (mixed === null) t.pass(`gave up: ${JSON.stringify(body)}`);
    else t.same(commands(mixed.script), commands(mvdan(body)), JSON.stringify(body));
  }
});

t.test('a script tree-sitter reads whole needs no region', async (t) => {
  const body = 'set -e\nnet[8]="255.0.0.0"\nlist=(a "$(hostname)")\n[ "$n" -gt -1 ] && echo ok\n[[ "$item" == *"/"* ]] || echo no\n';
  const mixed = await parseWithRegionFallback(body, 'bash');
  t.equal(mixed?.regions, 0);
  t.same(commands(mixed!.script), commands(mvdan(body)), 'array assignments, a negative number in a test and a pattern in pieces read as mvdan-sh reads them');
});

t.test('a script mvdan-sh rejects is left to mvdan-sh, which reports where', async (t) => {
  t.equal(await parseWithRegionFallback('if true; then\n\techo "a $(\n\t)b"\n', 'bash'), null);
});

t.test('rows where an empty command substitution spans lines are hinted', async (t) => {
  const cases: [string, number[]][] = [
    ['a="x $(\n)y"', [0]],
    ['echo "x $(  \n\t\t)y"\nb="$(\n)"', [0, 2]],
    // Not empty, or not split at the parenthesis: nothing to hint.
    ['v=$(\n\tcat f\n)', []],
    ['v="$( )"\necho ")"', []],
    ['echo "$("\n)', []],
  ];
  for (const [source, rows] of cases) t.same(emptySubstitutionRows(source.split('\n')), rows, JSON.stringify(source));
});
