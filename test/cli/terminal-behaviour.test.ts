/**
 * What a user sees on the terminal, the same for every command: errors as one `scriptlet:` line
 * naming the file or package, then a `hint:` line; exit 2 for anything the user must fix; colour
 * only on a terminal and never with NO_COLOR; progress never in pipes.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import { main } from '../../src/cli/main.js';
import { shippedPolicyNames } from '../../src/cli/fallback-hint.js';
import { defaultPolicyDir } from '../../src/policy/policy-dir.js';
import { buildDeb } from '../helpers/build-deb.js';
import { captureIo } from '../helpers/capture-io.js';

const control = (name: string): string => `Package: ${name}\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: test\n`;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

t.test('usage errors: exit 2, one scriptlet: line, a hint line', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['no-such-command'], /unknown command 'no-such-command'/],
    ['unknown option', ['audit', '--no-such-option'], /unknown option '--no-such-option'/],
    ['invalid choice', ['audit', '--format', 'xml', '.'], /'xml' is invalid\. Allowed choices are table, json, sarif/],
    ['missing argument', ['policy', 'check'], /missing required argument 'files'/],
    ['missing required option', ['prepare', 'dash'], /required option '-o, --output <dir>' not specified/],
  ];
  for (const [name, argv, message] of cases) {
    const io = captureIo();
    t.equal(await main(argv, io), 2, `${name}: exit 2`);
    const lines = io.err.trimEnd().split('\n');
    t.match(lines[0], /^scriptlet: /, `${name}: starts with scriptlet:`);
    t.match(lines[0], message, name);
    t.match(lines.at(-1), /^hint: /, `${name}: ends with a hint`);
    t.equal(io.out, '', `${name}: nothing on stdout`);
  }
});

t.test('input errors name the file and give a hint', async (t) => {
  const dir = t.testdir({ 'not-a-package.deb': 'plain text', 'bad-policy.json5': "{ name: 'x', family: 'debian', rules: [ { id: 'a' } ] }" });
  const truncated = join(dir, 'truncated.deb');
  const deb = buildDeb(dir, 'tiny', { control: control('tiny'), files: { postinst: '#!/bin/sh\nexit 0\n' } });
  writeFileSync(truncated, readFileSync(deb).subarray(0, 200));
  const cases: [string, string[], string][] = [
    ['missing package', ['audit', 'nothere.deb'], 'nothere.deb'],
    ['missing path for plan', ['plan', 'nothere'], 'nothere'],
    ['not a package', ['audit', 'not-a-package.deb'], 'not-a-package.deb'],
    ['truncated package', ['audit', 'truncated.deb'], 'truncated.deb'],
    ['unknown policy name', ['audit', '--policy', 'nopolicy', deb], 'nopolicy.json5'],
    ['invalid policy file', ['audit', '--policy', './bad-policy.json5', deb], 'bad-policy.json5'],
    ['missing policy file', ['policy', 'check', 'nothere.json5'], 'nothere.json5'],
    ['missing fixture directory', ['policy', 'test', 'nothere'], 'nothere'],
    ['missing script to explain', ['policy', 'explain', 'nothere.sh'], 'nothere.sh'],
    ['report into a missing directory', ['audit', '-o', 'no/such/dir/report.json', deb], 'report.json'],
  ];
  for (const [name, argv, file] of cases) {
    const io = captureIo(dir);
    t.equal(await main(argv, io), 2, `${name}: exit 2 (${io.err.trim()})`);
    const lines = io.err.trimEnd().split('\n');
    t.match(lines[0], /^scriptlet: /, `${name}: one scriptlet: line`);
    t.ok(lines[0]!.includes(file), `${name}: names ${file}: ${lines[0]}`);
    t.match(lines[1], /^hint: \S/, `${name}: a hint: ${lines[1] ?? '(none)'}`);
    t.notMatch(io.err, /\n\s+at /, `${name}: no stack trace`);
  }
});

t.test('the hint for an unknown policy lists exactly the shipped policies', async (t) => {
  const shipped = readdirSync(defaultPolicyDir())
    .filter((f) => f.endsWith('.json5'))
    .map((f) => f.replace(/\.json5$/, ''))
    .sort();
  t.same([...shippedPolicyNames], shipped);
});

t.test('-q and -v mean the same on every command that has them', async (t) => {
  const top = captureIo();
  await main(['--help'], top);
  const commands = [...top.out.split(/^Commands:$/m)[1]!.matchAll(/^ {2}([a-z]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  let quiet = 0;
  for (const cmd of commands) {
    const io = captureIo();
    await main([cmd, '--help'], io);
    const q = /^ {2}-q, --quiet\s+(.*)$/m.exec(io.out);
    if (q) {
      quiet++;
      t.match(q[1], /^no progress/, `${cmd} -q: ${q[1]}`);
    }
    t.notMatch(io.out, /^ {2}--quiet/m, `${cmd}: --quiet has the short form -q`);
    const v = /^ {2}-v, --verbose\s+(.*)$/m.exec(io.out);
    if (v) t.match(v[1], /output/, `${cmd} -v: ${v[1]}`);
    t.notMatch(io.out, /^ {2}--verbose/m, `${cmd}: --verbose has the short form -v`);
  }
  t.ok(quiet >= 4, `${quiet} commands take -q`);
});

/** The audit table of a package with a deferred script, through a pseudo-terminal (colour allowed) or a pipe. */
async function auditOnTerminal(deb: string, env: NodeJS.ProcessEnv): Promise<string> {
  const childEnv = { ...env } as Record<string, string>;
  delete childEnv.NODE_OPTIONS;
  delete childEnv.CI;
  const term = pty.spawn(join(repo, 'bin', 'scriptlet.js'), ['audit', deb], { name: 'xterm', cols: 120, rows: 40, cwd: repo, env: childEnv });
  let out = '';
  term.onData((d) => void (out += d));
  await new Promise<void>((resolve) => term.onExit(() => resolve()));
  return out;
}

t.test('colour on a terminal only, and never with NO_COLOR', async (t) => {
  const dir = t.testdir();
  const deb = buildDeb(dir, 'colourful', { control: control('colourful'), files: { postinst: '#!/bin/sh\nsome-unknown-tool --init\n' } });
  const esc = /\x1b\[[0-9;]*m/;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
  delete env.NO_COLOR;
  t.match(await auditOnTerminal(deb, env), esc, 'a terminal gets colour');
  t.notMatch(await auditOnTerminal(deb, { ...env, NO_COLOR: '1' }), esc, 'NO_COLOR turns it off');
  const piped = spawnSync(join(repo, 'bin', 'scriptlet.js'), ['audit', deb], { encoding: 'utf8', env: { ...env, NODE_OPTIONS: '' } });
  t.equal(piped.status, 0);
  t.notMatch(piped.stdout + piped.stderr, /\x1b\[/, 'a pipe gets no colour and no progress line');
});

t.test('output into a closed pipe or a full disk: no stack trace', async (t) => {
  const dir = t.testdir();
  // Enough output to outgrow a pipe's buffer, so writing goes on after the reader has left.
  const body = Array.from({ length: 3000 }, (_, i) => `echo "line ${i}"`).join('\n');
  const deb = buildDeb(dir, 'talkative', { control: control('talkative'), files: { postinst: `#!/bin/sh\n${body}\n` } });
  const bin = join(repo, 'bin', 'scriptlet.js');
  const env = { ...process.env, NODE_OPTIONS: '' };

  const child = spawn(bin, ['audit', '--json', deb], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  t.equal(code, 0, 'the reader leaving early is not an error');
  t.equal(err, '', 'nothing on stderr');

  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(bin, ['audit', '--json', deb], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', env });
    t.equal(r.status, 2, 'a failed write is an error');
    t.match(r.stderr, /^scriptlet: cannot write standard output: ENOSPC/);
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    closeSync(full);
  }
});
