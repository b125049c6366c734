/**
 * The installed CLI runs dist/bundle (scripts/bundle.mjs), not the modules the other tests import:
 * this checks that bundle is current and that it finds what it loads by path at run time (its
 * audit worker, the policies, the tree-sitter grammar, isolated-vm), by comparing its report with
 * the one the sources give.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assembleAuditResult } from '../../src/audit/build-audit-result.js';
import { PACKAGES_PER_THREAD, runAuditTasks } from '../../src/audit/run-audit-tasks.js';
import { renderJson } from '../../src/report/render-json.js';
import { buildDeb } from '../helpers/build-deb.js';
import { repoRoot } from '../helpers/run-doc-blocks.js';

const bundleMain = join(repoRoot, 'dist', 'bundle', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const scripts: Record<string, string>[] = [
  { postinst: '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then\n  ssh-keygen -A\nfi\n' },
  { postinst: '#!/bin/sh\nadduser --system --group --home /var/lib/u u\n#DEBHELPER#\n', prerm: '#!/bin/sh\nrm -rf "$X"/cache\n' },
  // Parsed by mvdan-sh (tree-sitter-bash reads an empty word list as an error): loaded by path too.
  { postrm: '#!/bin/sh\nfor fmt in  ; do\n  rm -f /var/lib/x/$fmt.fmt\ndone\n' },
  { preinst: '#!/bin/bash\nfor f in a b; do echo "$f" | grep -q x && wget http://example.org/$f; done\n' },
];

t.test('bin/scriptlet.js audits with workers and reports what the sources report', async (t) => {
  const built = statSync(bundleMain, { throwIfNoEntry: false });
  if (!built) {
    t.fail(`${bundleMain} is missing: run npm run build`);
    return;
  }
  t.ok(built.mtimeMs >= newestSource(join(repoRoot, 'src')), 'dist/bundle is newer than every file in src/ (else: npm run build)');

  const dir = t.testdir();
  // More packages than one thread takes, so --jobs 2 starts a worker.
  const count = 2 * PACKAGES_PER_THREAD + 1;
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `pkg${String(i).padStart(2, '0')}`;
    const control = `Package: ${name}\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: test\n`;
    files.push(buildDeb(dir, name, { control, files: scripts[i % scripts.length]! }));
  }
  files.sort();

  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'scriptlet.js'), 'audit', '--jobs', '2', '--json', '-q', dir], { cwd: dir, encoding: 'utf8' });
  t.equal(r.status, 0, 'exits 0', { stderr: r.stderr.slice(-2000) });
  t.equal(r.stderr, '', 'nothing on standard error');

  const run = await runAuditTasks(files, async () => [], { jobs: 1, keepGoing: false, installOnly: false, cwd: dir });
  const expected = renderJson(assembleAuditResult(run.entries));
  t.equal(r.stdout, expected, 'the same report, byte for byte');
  const parsers = JSON.parse(expected).packages.flatMap((p: { scripts: { parser: string }[] }) => p.scripts.map((s) => s.parser));
  t.ok(parsers.includes('tree-sitter') && parsers.includes('tree-sitter+mvdan-sh'), 'both shell parsers were used', { parsers });
});
