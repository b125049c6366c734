import t from 'tap';
import type { Command } from '../../src/shell/analysis.js';
import { parseWithMvdan } from '../../src/shell/mvdan-parse.js';
import { parseWithRegionFallback } from '../../src/shell/region-fallback.js';
import { parseWithTreeSitter } from '../../src/shell/tree-sitter-parse.js';
import { walkCommands } from '../../src/shell/walk-commands.js';
import { maintainerScripts } from '../helpers/maintainer-scripts.js';

/*
 * Every maintainer script installed on this machine: all must parse, and wherever tree-sitter's
 * tree is accepted it must say exactly what mvdan-sh says (names, lines, words, guards, redirects,
 * pipes, substitutions), so the fast path is proven against the complete parser. Where tree-sitter
 * refuses a script, its reading with mvdan-sh regions (region-fallback.ts) is compared the same way.
 */

const scripts = maintainerScripts('/var/lib/dpkg/info').filter((s) => s.kind === 'sh' || s.kind === 'bash');

function view(c: Command): string {
  const guards = c.guards.map((g) => `${g.kind}${g.negated ? '!' : ''}${'test' in g && g.test ? JSON.stringify(g.test) : ''}`).join(';');
  const args = c.args.map((a) => `${a.literal ? 'L' : 'D'}:${a.text}`).join(' ');
  const redirects = c.redirects.map((r) => `${r.op}${r.target.text}`).join(' ');
  const flags = `${c.piped ? 'P' : ''}${c.substitution ? 'S' : ''}${c.background ? 'B' : ''}`;
  return `${c.line} ${c.inFunction ?? '-'} ${c.name} ${args} | ${guards} | ${redirects} ${flags}`;
}

t.test('tree-sitter and mvdan-sh agree wherever tree-sitter is accepted', { skip: scripts.length === 0 ? 'no dpkg database here' : false }, async (t) => {
  let compared = 0;
  let refused = 0;
  let mended = 0;
  let tsMs = 0;
  let mvMs = 0;
  for (const s of scripts) {
    let start = performance.now();
    const ts = await parseWithTreeSitter(s.body);
    tsMs += performance.now() - start;
    start = performance.now();
    let mv = parseWithMvdan(s.body, s.kind === 'bash' ? 'bash' : 'posix');
    if (!mv.ok && mv.langError) mv = parseWithMvdan(s.body, 'bash');
    mvMs += performance.now() - start;
    if (!mv.ok) {
      t.fail(`${s.name}: mvdan-sh: ${mv.error.message}`);
      continue;
    }
    if (!ts) {
      refused++;
      // The refused script read with mvdan-sh only for the statements tree-sitter fails on.
      const mixed = await parseWithRegionFallback(s.body, s.kind === 'bash' ? 'bash' : 'sh');
      if (mixed) {
        mended++;
        t.same(walkCommands(mixed.script).commands.map(view).sort(), walkCommands(mv.script).commands.map(view).sort(), `${s.name} (regions)`);
      }
      continue;
    }
    compared++;
    const a = walkCommands(ts).commands.map(view);
    const b = walkCommands(mv.script).commands.map(view);
    // Same multiset of commands; order may differ only where a substitution precedes its command.
    t.same([...a].sort(), [...b].sort(), s.name);
  }
  t.comment(
    `compared ${compared}, tree-sitter refused ${refused} (${mended} of them compared again with mvdan-sh regions); parse+convert: tree-sitter ${(tsMs / scripts.length).toFixed(2)} ms/script, mvdan-sh ${(mvMs / scripts.length).toFixed(2)} ms/script`,
  );
  t.ok(compared > refused, 'the fast path handles most scripts');
});
