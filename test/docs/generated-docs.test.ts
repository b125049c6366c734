import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { generatedDocs, repoRoot } from '../../src/docs/generated-docs.js';
import { markdownToRoff, roffText } from '../../src/docs/markdown-to-roff.js';
import { renderPolicyReference } from '../../src/docs/render-policy-reference.js';
import { captureIo } from '../helpers/capture-io.js';

const root = repoRoot();
const docs = generatedDocs(root);

t.test('the committed man pages and policy reference are what `npm run docs` generates', async (t) => {
  for (const d of docs) {
    const file = join(root, d.path);
    t.ok(existsSync(file), `${d.path} is committed (run \`npm run docs\`)`);
    if (existsSync(file)) t.equal(readFileSync(file, 'utf8'), d.text, `${d.path} is up to date (if not: run \`npm run docs\` and commit it)`);
  }
});

async function helpText(argv: string[]): Promise<string> {
  const io = captureIo();
  t.equal(await main([...argv, '--help'], io), 0);
  return io.out;
}

/** Long option names in the Options section(s) of `--help` output. */
function helpOptions(help: string): string[] {
  const section = help.split(/^Options:$/m)[1]?.split(/^Commands:$/m)[0] ?? '';
  return [...section.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
}

/** Long option names a man page lists as options (the bold term after each .TP). */
function manOptions(roff: string): string[] {
  return [...roff.matchAll(/^\.TP\n\\fB(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
}

t.test("every command's --help options are in its man page, and the page lists no other", async (t) => {
  const top = await helpText([]);
  const commands = [...top.split(/^Commands:$/m)[1]!.matchAll(/^ {2}([a-z]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  t.ok(commands.length >= 8, `commands: ${commands.join(', ')}`);
  for (const cmd of ['', ...commands]) {
    const page = docs.find((d) => d.path === `man/scriptlet${cmd ? `-${cmd}` : ''}.1`);
    t.ok(page, `man page for ${cmd || 'scriptlet'}`);
    if (!page) continue;
    const help = await helpText(cmd ? [cmd] : []);
    const expected = new Set(helpOptions(help));
    // A command with subcommands (policy): each subcommand's options too.
    const subs = cmd ? [...(help.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help') : [];
    for (const s of subs) for (const o of helpOptions(await helpText([cmd, s]))) expected.add(o);
    t.same([...new Set(manOptions(page.text))].sort(), [...expected].sort(), `${page.path} options match --help`);
    if (cmd) t.ok(existsSync(join(root, 'man', 'src', `scriptlet-${cmd}.md`)), `man/src/scriptlet-${cmd}.md has the hand-written sections for ${cmd}`);
  }
});

t.test('markdown sections become man macros, with roff control characters neutralised', async (t) => {
  const roff = markdownToRoff(['## Examples', '', 'Run `scriptlet audit` on *files*.', '.so /etc/passwd', '', '```sh', 'scriptlet audit -q x', '```', '- `0`: success', '- a bullet', '  continued', '<!-- not-run: x -->'].join('\n'));
  t.equal(
    roff,
    ['.SH EXAMPLES', '.PP', 'Run \\fBscriptlet audit\\fR on \\fIfiles\\fR. .so /etc/passwd', '.PP', '.RS 4', '.nf', 'scriptlet audit \\-q x', '.fi', '.RE', '.TP', '\\fB0\\fR', 'success', '.IP \\(bu 2', 'a bullet continued'].join('\n'),
  );
  t.match(markdownToRoff('.so /etc/passwd'), /^\.PP\n\\&\.so/);
  t.match(markdownToRoff('a \\ b'), /a \\e b/);
});

t.test('the policy reference has a table for each object of the schema, nested ones linked', async (t) => {
  const md = renderPolicyReference({
    type: 'object',
    required: ['a'],
    properties: {
      a: { type: 'string', pattern: '^x$', description: 'the a | b' },
      o: { type: 'object', description: 'nested', properties: { k: { anyOf: [{ const: 'p' }, { const: 'q' }] } } },
      l: { anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }] },
    },
  });
  t.match(md, '| `a` | string matching `^x$` | yes | the a \\| b |');
  t.match(md, '| `o` | object ([`o`](#o)) |  | nested |');
  t.match(md, '## `o`\n\nnested\n');
  t.match(md, '| `k` | `"p"` \\| `"q"` |  |  |');
  t.match(md, '| `l` | string, or a list of them |  |  |');
});

t.test('package.json installs every man page (npm link and npm install -g put them on MANPATH)', async (t) => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { man: string[] };
  t.same([...pkg.man].sort(), docs.filter((d) => d.path.startsWith('man/')).map((d) => d.path).sort());
});

t.test('every man page formats without a groff warning', async (t) => {
  t.equal(roffText('supermin’s'), 'supermin\\[u2019]s', 'non-ASCII becomes a Unicode escape');
  for (const d of docs.filter((d) => d.path.startsWith('man/'))) {
    const r = spawnSync('groff', ['-man', '-ww', '-z'], { input: d.text, encoding: 'utf8' });
    t.equal(r.error, undefined, 'groff runs');
    t.equal(r.stderr, '', `${d.path}: no warnings`);
  }
});
