import t from 'tap';
import { analyse } from '../../src/shell/analyse.js';
import { maintainerScripts } from '../helpers/maintainer-scripts.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

/* Every maintainer script installed on this machine must parse (tree-sitter, else mvdan-sh). */

const scripts = maintainerScripts('/var/lib/dpkg/info').filter((s) => s.kind === 'sh' || s.kind === 'bash');

t.test('every installed maintainer script parses', { skip: scripts.length === 0 ? 'no dpkg database here' : false }, async (t) => {
  const byParser = new Map<string, number>();
  const started = performance.now();
  for (const s of scripts) {
    const a = await analyse(shellScriptlet(s.body, { phase: s.phase, interpreter: { kind: s.kind, argv: [`/bin/${s.kind}`] } }));
    if (a.parseError) t.fail(`${s.name}: ${a.parseError.line}:${a.parseError.column} ${a.parseError.message}`);
    byParser.set(a.parser, (byParser.get(a.parser) ?? 0) + 1);
    t.ok(
      a.commands.every((c) => c.segment >= 0 && c.segment < a.segments.length),
      `${s.name}: every command has a segment`,
    );
  }
  const ms = performance.now() - started;
  t.comment(
    `${scripts.length} scripts: ${[...byParser].map(([p, n]) => `${p} ${n}`).join(', ')}; ${ms.toFixed(0)} ms, ${(ms / scripts.length).toFixed(2)} ms/script`,
  );
  t.equal((byParser.get('tree-sitter') ?? 0) + (byParser.get('tree-sitter+mvdan-sh') ?? 0) + (byParser.get('mvdan-sh') ?? 0), scripts.length);
});

