/**
 * `scriptlet audit --trace`: observed effects beside the static verdict in JSON (valid against the
 * committed schema), the table and SARIF; scripts that are not run by themselves say why; and a
 * machine without bubblewrap gets one clear error before anything is read.
 */
import t from 'tap';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { main } from '../../src/cli/main.js';
import type { AuditResult } from '../../src/audit/audit-result.js';
import { buildDeb } from '../helpers/build-deb.js';
import { captureIo } from '../helpers/capture-io.js';
import { hasCommand } from '../helpers/reference-trees.js';
import { slimRoot } from '../helpers/trace-roots.js';

const schemaFile = fileURLToPath(new URL('../../docs/audit-result.schema.json', import.meta.url));

function fixture(dir: string): string {
  return buildDeb(dir, 'audit-trace', {
    control: 'Package: audit-trace\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: audit --trace fixture\n',
    files: {
      preinst: '#!/bin/sh\nset -e\nexit 0\n',
      postinst: '#!/bin/sh\nset -e\nmkdir -p /var/lib/audit-trace\nln -s /var/lib/audit-trace /etc/audit-trace\necho hello >>/etc/motd\ninvoke-rc.d audit-trace start || true\n',
      prerm: '#!/bin/sh\nrm -rf /var/lib/audit-trace\n',
      config: '#!/bin/sh\nexit 0\n',
    },
    payload: { 'usr/share/audit-trace/README': 'x\n' },
  });
}

t.test('audit --trace without bubblewrap is one clear error', async (t) => {
  const dir = t.testdir();
  const file = fixture(dir);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // prlimit is there, bwrap is not.
  for (const tool of ['prlimit']) {
    const found = (process.env.PATH ?? '').split(':').map((p) => join(p, tool)).find((p) => {
      try {
        readFileSync(p);
        return true;
      } catch {
        return false;
      }
    });
    if (found) symlinkSync(found, join(bin, tool));
  }
  const io = captureIo();
  io.env = { PATH: bin };
  const code = await main(['audit', '--trace', '--json', file], io);
  t.equal(code, 2);
  t.equal(io.out, '', 'no report');
  t.match(io.err, /audit --trace needs (bwrap|prlimit), which is not installed or not on PATH/);
  t.match(io.err, /hint: apt-get install bubblewrap/);
});

t.test('audit --trace reports observed effects', { skip: hasCommand('bwrap') && hasCommand('dpkg-deb') ? false : 'needs bwrap and dpkg-deb', timeout: 300_000 }, async (t) => {
  const root = await slimRoot();
  if ('skip' in root) return void t.comment(`skipped: ${root.skip}`);
  const dir = t.testdir();
  const file = fixture(dir);
  const run = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io = captureIo();
    io.env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: process.env.TMPDIR ?? '/tmp' };
    const code = await main(['audit', '--trace', '--trace-root', root.dir, '--trace-timeout', '30', '-q', ...args, file], io);
    return { code, out: io.out, err: io.err };
  };

  const json = await run(['--json']);
  t.equal(json.code, 0, json.err);
  const result = JSON.parse(json.out) as AuditResult;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  t.ok(validate(result), JSON.stringify(validate.errors));
  const scripts = new Map(result.packages[0]!.scripts.map((s) => [s.phase, s]));
  const post = scripts.get('postinst')!.trace!;
  t.equal(post.status, 'traced');
  if (post.status !== 'traced') return;
  t.equal(post.exitCode, 0);
  t.equal(post.timedOut, false);
  t.match(post.root, /^dir /);
  const files = new Map(post.files.map((f) => [f.path, f]));
  t.same(files.get('/etc/audit-trace'), { path: '/etc/audit-trace', change: 'created', type: 'symlink', mode: 0o777, target: '/var/lib/audit-trace' });
  t.equal(files.get('/var/lib/audit-trace')?.type, 'dir');
  t.same(files.get('/etc/motd')?.fields, ['content']);
  t.notOk(files.has('/usr/share/audit-trace/README'), 'unpacked files are not effects');
  t.ok(post.calls.some((c) => c.name === 'invoke-rc.d' && c.outcome === 'denied' && c.args.join(' ') === 'audit-trace start'));
  t.same(scripts.get('preinst')!.trace, { status: 'traced', exitCode: 0, timedOut: false, durationMs: (scripts.get('preinst')!.trace as { durationMs: number }).durationMs, root: post.root, usersAdded: [], groupsAdded: [], files: [], calls: [] });
  t.match(scripts.get('config')!.trace, { status: 'not-traced', reason: /config/ });
  t.equal(scripts.get('prerm')!.trace, undefined, 'scripts a fresh install does not run get no trace field');

  const table = await run([]);
  t.equal(table.code, 0, table.err);
  t.match(table.out, /observed: exit 0 in [0-9.]+ s; files 2 created, 1 changed, 0 removed \(1 links\); calls invoke-rc\.d \(denied\), ln, mkdir/);
  t.match(table.out, /observed: not traced \(/);

  const sarif = await run(['--sarif']);
  const log = JSON.parse(sarif.out) as { runs: { results: { properties: { phase: string; trace?: { status: string } } }[] }[] };
  const traced = log.runs[0]!.results.filter((r) => r.properties.phase === 'postinst');
  t.ok(traced.length > 0, 'the postinst has findings');
  for (const r of traced) t.equal(r.properties.trace?.status, 'traced');
});
