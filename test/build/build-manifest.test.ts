import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import type { Action } from '../../src/actions/action.js';
import type { DeferredStep } from '../../src/appliance/deferred-plan.js';
import { buildManifest, renderManifest, type ManifestInput } from '../../src/build/build-manifest.js';
import { manifestJsonSchemaText } from '../../src/build/manifest-schema.js';
import { summarizeManifest } from '../../src/build/summarize-manifest.js';
import type { Scriptlet } from '../../src/formats/types.js';
import type { Plan } from '../../src/plan/plan.js';
import type { Verdict } from '../../src/policy/verdict.js';

const schemaFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'manifest.schema.json');
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(manifestJsonSchemaText()) as object);

const rule = { id: 'r1', policy: 'debian', file: '/p/debian.json5' };
const scriptlet = (pkg: string, phase: Scriptlet['phase']): Scriptlet => ({
  package: pkg,
  format: 'deb',
  phase,
  interpreter: { kind: 'sh', argv: ['/bin/sh'] },
  body: 'true\n',
  origin: 'test',
});
const verdict = (s: Scriptlet, outcome: Verdict['outcome']): Verdict => ({
  package: s.package,
  format: 'deb',
  phase: s.phase,
  outcome,
  rule,
  reason: `${outcome} because`,
  parts: [],
  actions: [],
});
const user: Action = { kind: 'user', name: 'sshd', system: true };
const group: Action = { kind: 'group', name: 'ssh', system: true };
const step = (id: string, script: string, env: Record<string, string> = {}): DeferredStep => ({
  id,
  package: 'openssh-server',
  phase: 'postinst',
  interpreter: script === '' ? ['/sbin/ldconfig'] : ['/bin/sh'],
  script,
  args: script === '' ? [] : ['configure', ''],
  env,
  timeoutSeconds: 300,
  reason: 'makes host keys',
});

function input(): ManifestInput {
  const b = scriptlet('b-pkg', 'postinst');
  const a2 = scriptlet('a-pkg', 'preinst');
  const a1 = scriptlet('a-pkg', 'postinst');
  const plan = {
    actions: [
      { action: user, from: [{ package: 'b-pkg', phase: 'postinst', rule }] },
      { action: group, from: [{ package: 'a-pkg', phase: 'postinst', rule }] },
    ],
    conflicts: [
      {
        kind: 'user-id',
        severity: 'warning',
        subject: 'sshd',
        resolution: 'first-wins',
        entries: [{ from: { package: 'b-pkg', phase: 'postinst', rule }, value: 'uid 101' }],
        message: 'sshd: two ids',
      },
    ],
  } as unknown as Plan;
  return {
    request: { packages: ['zz', 'b-pkg', 'a-pkg'], useInstalled: false, policy: null },
    packages: [
      { name: 'b-pkg', version: '1', arch: 'amd64', requested: true },
      { name: 'a-pkg', version: '2', arch: 'all', requested: false },
    ],
    init: 'none',
    scripts: [
      { scriptlet: b, verdict: verdict(b, 'translate'), withdrawn: false },
      { scriptlet: a2, verdict: verdict(a2, 'drop'), withdrawn: false },
      { scriptlet: a1, verdict: verdict(a1, 'translate'), withdrawn: true },
    ],
    plan,
    applied: [
      { action: user, outcome: { kind: 'done', notes: ['uid 100', 'home /run/sshd'] } },
      { action: group, outcome: { kind: 'defer', reason: 'needs the running system' } },
      { action: { kind: 'cache', cache: 'ldconfig' }, outcome: { kind: 'nothing', reason: 'no libraries' } },
    ],
    steps: [step('001-openssh-server.postinst', 'ssh-keygen -A\n', { Z: 'z', A: 'a' }), step('002-ldconfig', '')],
    warnings: ['w1'],
  };
}

t.test('manifest fields, ordering and mapping', async (t) => {
  const m = buildManifest(input());
  t.equal(m.version, 1);
  t.same(m.request.packages, ['a-pkg', 'b-pkg', 'zz'], 'requested names sorted');
  t.same(m.packages.map((p) => p.name), ['a-pkg', 'b-pkg'], 'packages sorted by name');
  t.same(
    m.scripts.map((s) => [s.package, s.phase, s.outcome, s.withdrawn ?? false]),
    [
      ['a-pkg', 'postinst', 'defer', true],
      ['a-pkg', 'preinst', 'drop', false],
      ['b-pkg', 'postinst', 'translate', false],
    ],
    'sorted by package then phase; a withdrawn translation is deferred',
  );
  t.same(m.scripts[0]?.rule, { id: 'r1', policy: 'debian' }, 'the rule without its file path');
  const cases: Array<[number, string, string | undefined, string[]]> = [
    [0, 'done', 'uid 100; home /run/sshd', ['b-pkg']],
    [1, 'deferred', 'needs the running system', ['a-pkg']],
    [2, 'nothing', 'no libraries', []],
  ];
  for (const [i, result, note, from] of cases) {
    t.equal(m.actions[i]?.result, result, `action ${i} result`);
    t.equal(m.actions[i]?.note, note, `action ${i} note`);
    t.same(m.actions[i]?.from.map((f) => f.package), from, `action ${i} provenance`);
  }
  t.same(
    m.deferred.map((s) => [s.order, s.id, Object.keys(s.env), s.sha256]),
    [
      [1, '001-openssh-server.postinst', ['A', 'Z'], createHash('sha256').update('ssh-keygen -A\n').digest('hex')],
      [2, '002-ldconfig', [], null],
    ],
  );
  t.equal(m.conflicts.length, 1);
  t.same(m.warnings, ['w1']);
  t.equal(summarizeManifest(m), '2 packages, 3 install scripts (1 dropped, 1 translated, 1 deferred), 1 actions applied, 2 deferred steps, init: none');
  t.equal(renderManifest(m), `${JSON.stringify(m, null, 2)}\n`);
});

t.test('a done action with no notes has no note field', async (t) => {
  const i = input();
  i.applied = [{ action: user, outcome: { kind: 'done', notes: [] } }];
  t.notOk('note' in (buildManifest(i).actions[0] ?? {}));
});

t.test('manifests validate against the schema; broken ones do not', async (t) => {
  const m = JSON.parse(renderManifest(buildManifest(input()))) as Record<string, unknown>;
  t.ok(validate(m), JSON.stringify(validate.errors?.slice(0, 3)));
  const bad: Array<[string, (x: Record<string, any>) => void]> = [
    ['unknown init', (x) => (x.init = 'upstart')],
    ['extra field', (x) => (x.extra = 1)],
    ['bad checksum', (x) => (x.deferred[0].sha256 = 'abc')],
    ['step id with a slash', (x) => (x.deferred[0].id = '../x')],
    ['unknown action kind', (x) => (x.actions[0].action = { kind: 'reboot' })],
    ['version 2', (x) => (x.version = 2)],
  ];
  for (const [name, change] of bad) {
    const copy = structuredClone(m) as Record<string, any>;
    change(copy);
    t.notOk(validate(copy), name);
  }
});

t.test('docs/manifest.schema.json is the generated schema', async (t) => {
  const generated = manifestJsonSchemaText();
  // Regenerate after a schema change with: SCRIPTLET_UPDATE_SCHEMA=1 npx tap test/build/build-manifest.test.ts
  if (process.env.SCRIPTLET_UPDATE_SCHEMA === '1') writeFileSync(schemaFile, generated);
  t.equal(readFileSync(schemaFile, 'utf8'), generated, 'committed schema is up to date');
});

// Manifests written by real builds (scripts/setup, the build test) when they are around.
for (const file of (process.env.SCRIPTLET_MANIFESTS ?? '').split(':').filter((f) => f !== '')) {
  t.test(`real manifest ${file} validates`, async (t) => {
    t.ok(validate(JSON.parse(readFileSync(file, 'utf8'))), JSON.stringify(validate.errors?.slice(0, 5)));
  });
}
