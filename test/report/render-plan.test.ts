import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Action } from '../../src/actions/action.js';
import { planErrors } from '../../src/cli/plan-command.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { planJson, renderPlanJson } from '../../src/report/render-plan-json.js';
import { describeAction, renderPlanText } from '../../src/report/render-plan-text.js';
import { pkg, verdicts } from '../helpers/plan-fixtures.js';

const sh = (b: string): string => `#!/bin/sh\n${b}\n`;

function richPlan() {
  const ps = [
    pkg('libc-bin', { scripts: { postinst: sh('ldconfig'), triggers: 'interest-noawait ldconfig\n' } }),
    pkg('libfoo', { depends: ['libc-bin'], scripts: { postinst: sh('x'), triggers: 'activate-noawait ldconfig\n' } }),
    pkg('nano', { preDepends: ['vim'], scripts: { postinst: sh('x') } }),
    pkg('vim', { depends: ['nano'], scripts: { postinst: sh('x'), preinst: sh('y') } }),
    pkg('luapkg', { scripts: { preinst: sh('x') }, interpreter: ['<lua>'] }),
    pkg('zsvc', { scripts: { postinst: sh('x') } }),
  ];
  const acts: Record<string, Action[]> = {
    libfoo: [{ kind: 'cache', cache: 'ldconfig' }, { kind: 'user', name: 'foo', system: true, uid: 100, home: '/var/foo' }],
    nano: [{ kind: 'alternative', name: 'editor', link: '/usr/bin/editor', path: '/bin/nano', priority: 40, slaves: [] }],
    zsvc: [{ kind: 'user', name: 'foo', system: true, uid: 101 }],
    vim: [{ kind: 'alternative', name: 'editor', link: '/usr/bin/editor', path: '/usr/bin/vim', priority: 50, slaves: [] }],
  };
  return buildPlan(
    ps,
    verdicts(ps, (s) => (s.phase === 'triggers' ? 'drop' : acts[s.package] && s.phase === 'postinst' ? { outcome: 'translate', actions: acts[s.package]! } : 'defer')),
  );
}

t.test('JSON: fixed key order, independent of input order', async (t) => {
  const plan = richPlan();
  const text = renderPlanJson(plan);
  t.ok(text.endsWith('}\n'));
  t.same(Object.keys(JSON.parse(text) as object), ['schemaVersion', 'format', 'summary', 'order', 'brokenDependencies', 'actions', 'alternatives', 'conflicts', 'deferred', 'triggers', 'notes']);
  const first = (JSON.parse(text) as { actions: { action: object }[] }).actions[1]!.action;
  t.same(Object.keys(first), ['kind', 'home', 'name', 'system', 'uid']);
  const deferred = (JSON.parse(text) as { deferred: Record<string, unknown>[] }).deferred[0]!;
  t.same(Object.keys(deferred), ['id', 'package', 'phase', 'stage', 'cause', 'interpreter', 'args', 'env', 'timeoutSeconds', 'reason', 'rule', 'triggers', 'sha256', 'script']);
  t.match(deferred.sha256, /^[0-9a-f]{64}$/);
});

t.test('every JSON key is documented in docs/plan-json.md', async (t) => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'plan-json.md'), 'utf8');
  const keys = new Set<string>();
  const walk = (v: unknown, inAction: boolean): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, inAction));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!inAction) keys.add(k);
        // Action fields and environment names are documented elsewhere (action.ts, dpkg).
        walk(x, inAction || k === 'action' || k === 'env');
      }
    }
  };
  walk(planJson(richPlan()), false);
  for (const k of keys) t.ok(doc.includes(`\`${k}\``) || doc.includes(`"${k}"`), `${k} documented`);
  t.ok(keys.size > 40, `${keys.size} keys seen`);
});

t.test('an action under path tests shows them', async (t) => {
  const scope = 'login postinst: [ ! -e "$DPKG_ROOT/etc/subuid" ]';
  const cases: [Action, string][] = [
    // login: touch, then chmod, under `if [ ! -e "$DPKG_ROOT/etc/subuid" ]`
    [{ kind: 'tmpfiles', config: '(touch)', lines: ['f /etc/subuid - - - -'], when: [{ path: '/etc/subuid', test: 'e', holds: false, scope }] }, 'config=(touch) lines=f /etc/subuid - - - - if [ ! -e /etc/subuid ]'],
    [{ kind: 'path-attr', path: '/etc/subuid', mode: 0o644, when: [{ path: '/etc/subuid', test: 'e', holds: false, scope }] }, 'path=/etc/subuid mode=0644 if [ ! -e /etc/subuid ]'],
    // bash: /bin/sh -> bash only when /bin/sh is missing
    [{ kind: 'symlink', path: '/bin/sh', target: 'bash', when: [{ path: '/bin/sh', test: 'e', holds: false, scope: 'b' }] }, '/bin/sh -> bash if [ ! -e /bin/sh ]'],
    // openssh-client, and a compound `[ -d /etc/x -a -f /etc/x/y ]`
    [{ kind: 'path-attr', path: '/usr/bin/ssh-agent', mode: 0o2755, when: [{ path: '/usr/bin/ssh-agent', test: 'statoverride', holds: false, scope: 'o' }] }, 'path=/usr/bin/ssh-agent mode=2755 if ! dpkg-statoverride --list /usr/bin/ssh-agent'],
    [{ kind: 'remove', path: '/etc/x/y', recursive: false, when: [{ path: '/etc/x', test: 'd', holds: true, scope: 'c' }, { path: '/etc/x/y', test: 'f', holds: true, scope: 'c' }] }, 'path=/etc/x/y recursive=false if [ -d /etc/x ] && [ -f /etc/x/y ]'],
    [{ kind: 'directory', path: '/var/lib/aspell' }, 'path=/var/lib/aspell'],
  ];
  for (const [action, want] of cases) t.equal(describeAction(action), want, want);
});

t.test('text output and plan errors', async (t) => {
  const plan = richPlan();
  const text = renderPlanText(plan);
  t.match(text, /^Install order \(6\)\n/);
  t.match(text, /cycle broken: vim before its dependency nano/);
  t.match(text, /  cache:\n    ldconfig  <- libfoo postinst \(rule-translate\)/);
  t.match(text, /editor \/usr\/bin\/editor -> \/usr\/bin\/vim priority 50 from vim \(over \/bin\/nano 40\)/);
  t.match(text, /warning user-id foo \[deferred\]/);
  t.match(text, /run:    \/bin\/sh '<script>' configure ''/);
  t.match(text, /libc-bin: ldconfig \(activated by libfoo\) -> deferred/);
  t.match(text, /error unrunnable-step luapkg preinst/);
  t.match(text, /\nSummary: 6 packages, 7 scripts: 0 dropped, 3 translated, 4 deferred \(1 after a conflict\); /);
  const errors = planErrors(plan);
  t.same(errors.map((e) => [e.code, e.context.package, e.context.file]), [['E_PLAN_CONFLICT', 'luapkg', '/test/luapkg.deb']]);
});
