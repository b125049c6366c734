import t from 'tap';
import type { Action } from '../../src/actions/action.js';
import type { Scriptlet } from '../../src/formats/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { canonicalKey, mergeActions } from '../../src/plan/merge-actions.js';
import { pkg, verdicts } from '../helpers/plan-fixtures.js';

const ldconfig: Action = { kind: 'cache', cache: 'ldconfig' };
const postinst = { scripts: { postinst: '#!/bin/sh\nldconfig\n' } };

t.test('canonical key ignores key order and undefined members', async (t) => {
  t.equal(canonicalKey({ kind: 'group', name: 'a', system: true }), canonicalKey({ system: true, name: 'a', kind: 'group', gid: undefined }));
  t.not(canonicalKey({ kind: 'group', name: 'a', system: true }), canonicalKey({ kind: 'group', name: 'a', system: false }));
});

t.test('mergeActions keeps the first place and every provenance', async (t) => {
  const rule = { id: 'r', policy: 'p', file: '' };
  const merged = mergeActions([
    { action: ldconfig, from: { package: 'a', phase: 'postinst', rule } },
    { action: { kind: 'symlink', path: '/x', target: '/y' }, from: { package: 'a', phase: 'postinst', rule } },
    { action: { cache: 'ldconfig', kind: 'cache' }, from: { package: 'b', phase: 'postinst', rule } },
    { action: ldconfig, from: { package: 'b', phase: 'postinst', rule } },
  ]);
  t.equal(merged.length, 2);
  t.same(merged[0]!.from.map((f) => f.package), ['a', 'b']);
});

t.test('ten libraries asking for ldconfig give one cache action in install order', async (t) => {
  const packages = Array.from({ length: 10 }, (_, i) => pkg(`lib${i}`, postinst));
  const plan = buildPlan(packages, verdicts(packages, () => ({ outcome: 'translate', actions: [ldconfig] })));
  t.equal(plan.actions.length, 1);
  t.same(plan.actions[0]!.from.map((f) => f.package), packages.map((p) => p.name));
  t.same(plan.actions[0]!.from[0], { package: 'lib0', phase: 'postinst', rule: { id: 'rule-translate', policy: 'test', file: '/test/policy.json5' } });
  t.equal(plan.summary.translated, 10);
  t.equal(plan.deferred.length, 0);
});

t.test('actions follow install order, then script order', async (t) => {
  const a = pkg('a', { depends: ['b'], scripts: { preinst: 'x', postinst: 'y' } });
  const b = pkg('b', { scripts: { postinst: 'z' } });
  const acts: Record<string, Action> = {
    'a:preinst': { kind: 'group', name: 'ga', system: true },
    'a:postinst': { kind: 'systemd-enable', unit: 'a.service' },
    'b:postinst': { kind: 'group', name: 'gb', system: true },
  };
  const plan = buildPlan([a, b], verdicts([a, b], (s) => ({ outcome: 'translate', actions: [acts[`${s.package}:${s.phase}`]!] })));
  t.same(plan.actions.map((x) => `${x.from[0]!.package}:${x.from[0]!.phase}`), ['b:postinst', 'a:preinst', 'a:postinst']);
});

interface ConflictCase {
  name: string;
  a: Action;
  b: Action;
  kind?: string;
  severity?: 'error' | 'warning';
  resolution?: string;
  /** Packages whose script is deferred afterwards. */
  deferred: string[];
  /** b's interpreter (to make it unrunnable). */
  bInterpreter?: string[];
}

const user = (uid?: number, extra: Partial<Extract<Action, { kind: 'user' }>> = {}): Action => ({ kind: 'user', name: 'svc', system: true, ...(uid !== undefined ? { uid } : {}), ...extra });
const alt = (link: string, path: string, priority: number): Action => ({ kind: 'alternative', name: 'editor', link, path, priority, slaves: [] });
const override = (owner: string, mode: number): Action => ({ kind: 'path-attr', path: '/var/spool/x', owner, group: 'root', mode, statoverride: true });

const conflictCases: ConflictCase[] = [
  { name: 'same user, same id: no conflict', a: user(100), b: user(100), deferred: [] },
  { name: 'same user, one without id: no conflict', a: user(100), b: user(), deferred: [] },
  { name: 'same user, different ids: later deferred', a: user(100), b: user(101), kind: 'user-id', severity: 'warning', resolution: 'deferred', deferred: ['b'] },
  {
    name: 'different ids and b cannot run at first boot: unresolved error',
    a: user(100),
    b: user(101),
    bInterpreter: ['<lua>'],
    kind: 'user-id',
    severity: 'error',
    resolution: 'unresolved',
    deferred: [],
  },
  { name: 'same user, different home: first wins', a: user(undefined, { home: '/a' }), b: user(undefined, { home: '/b' }), kind: 'user-attributes', severity: 'warning', resolution: 'first-wins', deferred: [] },
  { name: 'group ids', a: { kind: 'group', name: 'g', system: true, gid: 5 }, b: { kind: 'group', name: 'g', system: true, gid: 6 }, kind: 'group-id', resolution: 'deferred', severity: 'warning', deferred: ['b'] },
  { name: 'alternatives: different priorities are not a conflict', a: alt('/usr/bin/editor', '/bin/nano', 40), b: alt('/usr/bin/editor', '/usr/bin/vim', 50), deferred: [] },
  { name: 'alternatives: different master links', a: alt('/usr/bin/editor', '/bin/nano', 40), b: alt('/usr/bin/edit', '/usr/bin/vim', 50), kind: 'alternative-link', resolution: 'deferred', severity: 'warning', deferred: ['b'] },
  { name: 'alternatives: tie at the top', a: alt('/usr/bin/editor', '/bin/nano', 40), b: alt('/usr/bin/editor', '/usr/bin/vim', 40), kind: 'alternative-tie', resolution: 'first-wins', severity: 'warning', deferred: [] },
  { name: 'symlink to different targets: last wins', a: { kind: 'symlink', path: '/etc/x', target: '/a' }, b: { kind: 'symlink', path: '/etc/x', target: '/b' }, kind: 'symlink-target', resolution: 'last-wins', severity: 'warning', deferred: [] },
  { name: 'statoverrides disagree', a: override('root', 0o755), b: override('daemon', 0o750), kind: 'statoverride', resolution: 'deferred', severity: 'warning', deferred: ['b'] },
  { name: 'identical statoverrides collapse', a: override('root', 0o755), b: override('root', 0o755), deferred: [] },
];

for (const c of conflictCases) {
  t.test(`conflict: ${c.name}`, async (t) => {
    const a = pkg('a', postinst);
    const b = pkg('b', { ...postinst, depends: ['a'], ...(c.bInterpreter ? { interpreter: c.bInterpreter } : {}) });
    const plan = buildPlan([a, b], verdicts([a, b], (s: Scriptlet) => ({ outcome: 'translate', actions: [s.package === 'a' ? c.a : c.b] })));
    if (c.kind) {
      t.equal(plan.conflicts.length, 1, 'one conflict');
      const [got] = plan.conflicts;
      t.equal(got!.kind, c.kind);
      t.equal(got!.severity, c.severity);
      t.equal(got!.resolution, c.resolution);
      t.same(got!.entries.map((e) => e.from.package), ['a', 'b']);
    } else {
      t.same(plan.conflicts, []);
    }
    t.same(plan.deferred.map((s) => s.package), c.deferred);
    for (const step of plan.deferred) {
      t.equal(step.cause, 'conflict');
      t.match(step.reason, /withdrawn/);
    }
    t.equal(plan.summary.withdrawn, c.deferred.length);
    if (c.resolution === 'deferred') t.same(plan.actions.flatMap((x) => x.from.map((f) => f.package)), ['a'], 'the loser\'s actions are gone');
    if (c.resolution === 'unresolved') {
      t.same(plan.actions.map((x) => x.action), [c.a], 'first wins');
      t.equal(plan.summary.conflicts.error, 1);
    }
  });
}

t.test('alternatives: highest priority wins and the choice is recorded', async (t) => {
  const ps = ['a', 'b', 'c'].map((n) => pkg(n, postinst));
  const prio: Record<string, number> = { a: 10, b: 50, c: 30 };
  const plan = buildPlan(ps, verdicts(ps, (s) => ({ outcome: 'translate', actions: [alt('/usr/bin/editor', `/usr/bin/${s.package}`, prio[s.package]!)] })));
  t.same(plan.conflicts, []);
  t.equal(plan.alternatives.length, 1);
  t.equal(plan.alternatives[0]!.winner.path, '/usr/bin/b');
  t.equal(plan.alternatives[0]!.winner.from.package, 'b');
  t.same(plan.alternatives[0]!.candidates.map((c) => c.priority), [50, 30, 10]);
});

t.test('withdrawing a script withdraws all its actions, and settles again', async (t) => {
  // b loses on the user id; its other action (a symlink) then no longer conflicts with c's.
  const a = pkg('a', postinst);
  const b = pkg('b', { ...postinst, depends: ['a'] });
  const c = pkg('c', { ...postinst, depends: ['b'] });
  const acts: Record<string, Action[]> = {
    a: [user(100)],
    b: [user(200), { kind: 'symlink', path: '/etc/l', target: '/b' }, ldconfig],
    c: [{ kind: 'symlink', path: '/etc/l', target: '/c' }, ldconfig],
  };
  const plan = buildPlan([a, b, c], verdicts([a, b, c], (s) => ({ outcome: 'translate', actions: acts[s.package]! })));
  t.same(plan.deferred.map((s) => s.package), ['b']);
  t.same(
    plan.actions.map((x) => [x.action.kind, x.from.map((f) => f.package)]),
    [
      ['user', ['a']],
      ['symlink', ['c']],
      ['cache', ['c']],
    ],
  );
  // The symlink conflict was seen in the first pass and stays reported.
  t.same(plan.conflicts.map((x) => x.kind).sort(), ['symlink-target', 'user-id']);
});
