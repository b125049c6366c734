/**
 * Every document (README.md, docs/*.md, examples/**\/*.md, man/src/*.md): blocks that show a
 * repository file equal it, no command hides outside a ```sh block, every not-run or slow block
 * says why (listed here), a not-run block that says "the same commands run in DOC" does, and the
 * command blocks of each document run as written, here or in the document's own test file
 * (run-doc-blocks.ts lists those); slow blocks only with SCRIPTLET_DOCS_SLOW=1 (CI).
 */
import t from 'tap';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { commandLines, docBlocks } from '../helpers/doc-blocks.js';
import { documentsWithOwnTest, repoRoot, runDocument } from '../helpers/run-doc-blocks.js';

function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []))
    .sort();
}

const documents = [join(repoRoot, 'README.md'), ...['docs', 'examples', join('man', 'src')].flatMap((d) => markdownFiles(join(repoRoot, d)))].map((d) =>
  relative(repoRoot, d),
);
const notRun: string[] = [];
const slow: string[] = [];

/** Commands of a block, one per line: continuations joined, `./bin/scriptlet.js` read as `scriptlet`. */
const commandsOf = (text: string): string[] =>
  text
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.trim().replace(/^\.\/bin\/scriptlet\.js /, 'scriptlet '))
    .filter((l) => l !== '' && !l.startsWith('#'));

/** Commands the run blocks of a document run. */
const runCommands = (name: string): Set<string> =>
  new Set(
    docBlocks(name, readFileSync(join(repoRoot, name), 'utf8'))
      .filter((b) => b.lang === 'sh' && b.notRun === undefined)
      .flatMap((b) => commandsOf(b.text)),
  );

for (const name of documents) {
  const blocks = docBlocks(name, readFileSync(join(repoRoot, name), 'utf8'));

  t.test(`${name}: blocks that show a file of the repository equal it`, async (t) => {
    for (const b of blocks.filter((b) => b.sameAs !== undefined)) {
      t.equal(`${b.text}\n`, readFileSync(join(repoRoot, b.sameAs!), 'utf8'), `${name}:${b.line} shows ${b.sameAs} as it is`);
    }
  });

  t.test(`${name}: no command hides outside a sh block; not-run blocks say why`, async (t) => {
    for (const b of blocks.filter((b) => b.lang !== 'sh')) {
      t.same(commandLines(b.text), [], `${name}:${b.line} (${b.lang || 'untagged'} fence) holds no command (a command belongs in a sh block)`);
    }
    for (const b of blocks.filter((b) => b.lang === 'sh' && b.slow !== undefined)) {
      t.match(b.slow, /\S.{10,}/, `${name}:${b.line} slow: ${b.slow}`);
      slow.push(`${name}:${b.line}: ${b.slow}`);
    }
    for (const b of blocks.filter((b) => b.lang === 'sh' && b.notRun !== undefined)) {
      t.match(b.notRun, /\S.{10,}/, `${name}:${b.line} not run: ${b.notRun}`);
      notRun.push(`${name}:${b.line}: ${b.notRun}`);
      // "the same commands run in DOC…" is a claim this test can check.
      const same = /the same commands run in ((?:\S+\.md\s*)+)/.exec(b.notRun!);
      if (same) {
        const run = same[1]!.trim().split(/\s+/).flatMap((d) => [...runCommands(d)]);
        for (const c of commandsOf(b.text)) t.ok(run.includes(c), `${name}:${b.line}: \`${c}\` runs in ${same[1]!.trim()}`);
      }
    }
  });

  const own = documentsWithOwnTest[name];
  if (own !== undefined) {
    t.test(`${name}: its blocks run in ${own}`, async (t) => {
      t.ok(existsSync(join(repoRoot, own)), own);
    });
  } else if (blocks.some((b) => b.lang === 'sh' && b.notRun === undefined)) {
    runDocument(t, name);
  }
}

t.test('blocks not run, and why', async (t) => {
  for (const line of notRun) t.comment(line);
  t.pass(`${notRun.length} blocks not run`);
  for (const line of slow) t.comment(`slow (run with SCRIPTLET_DOCS_SLOW=1, as CI does): ${line}`);
  t.pass(`${slow.length} slow blocks`);
});
