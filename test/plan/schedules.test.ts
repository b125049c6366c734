import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Outcome } from '../../src/policy/verdict.js';
import type { Package, Scriptlet } from '../../src/formats/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { ARCH_CALL, DEB_PATH, RPM_PATH } from '../../src/plan/script-invocation.js';
import { pkg, verdicts } from '../helpers/plan-fixtures.js';

const sh = (body: string): string => `#!/bin/sh\n${body}\n`;
const steps = (packages: Package[], decide?: (s: Scriptlet) => Outcome) => buildPlan(packages, verdicts(packages, decide)).deferred;
const label = (s: { package: string; phase: string; stage: string }): string => `${s.stage}:${s.package}.${s.phase}`;

t.test('deb: config first, then every preinst, then every postinst, in install order', async (t) => {
  const all = { config: sh('db_input'), preinst: sh('a'), postinst: sh('b') };
  const ps = [pkg('app', { depends: ['lib'], scripts: all }), pkg('lib', { scripts: all })];
  t.same(steps(ps).map(label), [
    'preconfigure:lib.config',
    'preconfigure:app.config',
    'unpack:lib.preinst',
    'unpack:app.preinst',
    'configure:lib.postinst',
    'configure:app.postinst',
  ]);
});

t.test('deb: a pre-dependency is configured, with its dependencies, before the dependant is unpacked', async (t) => {
  const s = { preinst: sh('a'), postinst: sh('b') };
  const ps = [pkg('base', { scripts: s }), pkg('helper', { depends: ['base'], scripts: s }), pkg('svc', { preDepends: ['helper'], scripts: s }), pkg('zz', { scripts: s })];
  t.same(steps(ps).map(label), [
    'unpack:base.preinst',
    'unpack:helper.preinst',
    'configure:base.postinst',
    'configure:helper.postinst',
    'unpack:svc.preinst',
    'unpack:zz.preinst',
    'configure:svc.postinst',
    'configure:zz.postinst',
  ]);
});

t.test('deb: arguments and environment on a fresh install', async (t) => {
  const ps = [
    pkg('openssh-server', { arch: 'amd64', scripts: { config: sh('c'), preinst: sh('p'), postinst: sh('q') } }),
    pkg('dpkg', { version: '1.21.22', scripts: {} }),
  ];
  const got = steps(ps);
  const by = (phase: string) => got.find((s) => s.phase === phase)!;
  t.same(by('preinst').args, ['install']);
  t.same(by('postinst').args, ['configure', '']);
  t.same(by('config').args, ['configure', '']);
  t.same(by('postinst').env, {
    DPKG_ADMINDIR: '/var/lib/dpkg',
    DPKG_MAINTSCRIPT_ARCH: 'amd64',
    DPKG_MAINTSCRIPT_DEBUG: '0',
    DPKG_MAINTSCRIPT_NAME: 'postinst',
    DPKG_MAINTSCRIPT_PACKAGE: 'openssh-server',
    DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT: '1',
    DPKG_ROOT: '',
    DPKG_RUNNING_VERSION: '1.21.22',
    PATH: DEB_PATH,
  });
  t.equal(by('preinst').env.DPKG_MAINTSCRIPT_NAME, 'preinst');
  t.same(by('config').env, { PATH: DEB_PATH });
  t.same(by('postinst').interpreter, ['/bin/sh']);
  t.equal(by('postinst').script, sh('q'));
  t.match(by('postinst').id, /^\d{3}-openssh-server\.postinst$/);
  t.equal(by('postinst').reason, 'test defer (rule rule-defer of policy test)');
  t.equal(by('postinst').rule.id, 'rule-defer');
  t.equal(by('postinst').timeoutSeconds, 900);
  t.notOk(Object.hasOwn(steps([pkg('x', { scripts: { postinst: sh('q') } })])[0]!.env, 'DPKG_RUNNING_VERSION'), 'no dpkg in the set: no DPKG_RUNNING_VERSION');
});

t.test('deb: only deferred scripts become steps; summary counts outcomes', async (t) => {
  const ps = [pkg('a', { scripts: { preinst: sh('x'), postinst: sh('y'), prerm: sh('z'), triggers: 'activate-noawait ldconfig\n' } })];
  const decide = (s: Scriptlet): Outcome => (s.phase === 'preinst' ? 'drop' : s.phase === 'postinst' ? 'defer' : 'translate');
  const plan = buildPlan(ps, verdicts(ps, decide));
  t.same(plan.deferred.map((s) => s.phase), ['postinst']);
  t.same(plan.summary, {
    packages: 1,
    scripts: 2,
    dropped: 1,
    translated: 0,
    deferred: 1,
    withdrawn: 0,
    triggerFiles: 1,
    actions: 0,
    steps: 1,
    conflicts: { error: 0, warning: 0 },
  });
});

t.test('deb triggers', async (t) => {
  const libcBin = pkg('libc-bin', { scripts: { postinst: sh('ldconfig'), triggers: 'interest-noawait ldconfig\n' } });
  const manDb = pkg('man-db', { scripts: { postinst: sh('mandb'), triggers: 'interest-noawait /usr/share/man\n' } });
  // Configured after libc-bin: its activation pends on libc-bin.
  const libfoo = pkg('libfoo', { depends: ['libc-bin'], scripts: { triggers: 'activate-noawait ldconfig\n' } });
  // Configured before libc-bin (a's name sorts first, no dependency): covered by libc-bin's configure.
  const early = pkg('a-early', { scripts: { triggers: 'activate-noawait ldconfig\n' } });
  const ps = [libcBin, manDb, libfoo, early];

  t.test('pending trigger on a configured package runs postinst triggered after every configure', async (t) => {
    const plan = buildPlan(ps, verdicts(ps, (s) => (s.phase === 'triggers' ? 'drop' : 'defer')));
    t.same(plan.deferred.map(label), ['configure:libc-bin.postinst', 'configure:man-db.postinst', 'triggers:libc-bin.postinst']);
    const trig = plan.deferred[2]!;
    t.same(trig.args, ['triggered', 'ldconfig']);
    t.equal(trig.cause, 'trigger');
    t.same(trig.triggers, ['ldconfig']);
    t.equal(trig.env.DPKG_MAINTSCRIPT_NAME, 'postinst');
    t.match(trig.id, /libc-bin\.postinst\.triggered$/);
    t.match(trig.reason, /processes trigger ldconfig; the postinst is deferred/);
    t.same(plan.triggers, [{ package: 'libc-bin', names: ['ldconfig'], activatedBy: ['libfoo'], resolution: 'deferred' }]);
    const note = plan.notes.find((n) => n.kind === 'file-trigger-unmatched');
    t.equal(note?.package, 'man-db');
    t.equal(note?.severity, 'info');
  });

  t.test('a translated postinst stands for the trigger processing', async (t) => {
    const plan = buildPlan(ps, verdicts(ps, (s) => (s.package === 'libc-bin' && s.phase === 'postinst' ? 'translate' : s.phase === 'triggers' ? 'drop' : 'defer')));
    t.same(plan.deferred.map(label), ['configure:man-db.postinst']);
    t.same(plan.triggers.map((x) => x.resolution), ['translated']);
  });

  t.test('several trigger names join into one argument', async (t) => {
    const p = pkg('hub', { scripts: { postinst: sh('x'), triggers: 'interest t1\ninterest-await t2\n' } });
    const q = pkg('z-act', { depends: ['hub'], scripts: { triggers: 'activate t2\nactivate-noawait t1\n' } });
    const plan = buildPlan([p, q], verdicts([p, q], (s) => (s.phase === 'triggers' ? 'drop' : 'defer')));
    t.same(plan.deferred.at(-1)!.args, ['triggered', 't1 t2']);
  });

  t.test('no postinst: recorded, no step', async (t) => {
    const p = pkg('hub', { scripts: { triggers: 'interest t1\n' } });
    const q = pkg('z-act', { depends: ['hub'], scripts: { triggers: 'activate t1\n' } });
    const plan = buildPlan([p, q], verdicts([p, q]));
    t.same(plan.deferred, []);
    t.same(plan.triggers.map((x) => x.resolution), ['no-postinst']);
    t.ok(plan.notes.some((n) => n.kind === 'trigger-unrepresentable' && n.package === 'hub'), 'a deferred triggers file is noted, not run');
  });

  t.test('a package configured early by a Pre-Depends is warned about file triggers', async (t) => {
    const mandb = pkg('man-db', { scripts: { postinst: sh('x'), triggers: 'interest /usr/share/man\n' } });
    const user = pkg('a-user', { preDepends: ['man-db'] });
    const later = pkg('z-later', {});
    const plan = buildPlan([mandb, user, later], verdicts([mandb, user, later]));
    t.equal(plan.notes.find((n) => n.kind === 'file-trigger-unmatched')?.severity, 'warning');
  });
});

t.test('rpm: pretrans of all, then per package pre and post, then posttrans of all', async (t) => {
  const all = { pretrans: 'a', pre: 'b', post: 'c', posttrans: 'd', preun: 'e' };
  const ps = [pkg('httpd', { format: 'rpm', depends: ['filesystem'], scripts: all }), pkg('filesystem', { format: 'rpm', scripts: all })];
  const got = steps(ps);
  t.same(got.map(label), [
    'pretrans:filesystem.pretrans',
    'pretrans:httpd.pretrans',
    'install:filesystem.pre',
    'install:filesystem.post',
    'install:httpd.pre',
    'install:httpd.post',
    'posttrans:filesystem.posttrans',
    'posttrans:httpd.posttrans',
  ]);
  for (const s of got) {
    t.same(s.args, ['1'], `${s.phase} gets 1`);
    t.same(s.env, { PATH: RPM_PATH });
  }
});

t.test('rpm triggers', async (t) => {
  const owner = pkg('owner', {
    format: 'rpm',
    rpmTriggers: [
      { phase: 'triggerin', targets: ['src', 'absent'] },
      { phase: 'triggerprein', targets: ['src'] },
      { phase: 'filetriggerin', targets: ['/usr/lib'] },
      { phase: 'transfiletriggerin', targets: [{ target: '/usr/lib64', priority: 1000000 }] },
    ],
  });
  const src = pkg('src', { format: 'rpm', depends: ['owner'], scripts: { post: 'x' } });
  const got = steps([owner, src]);
  t.same(
    got.map((s) => [label(s), s.args, s.triggers ?? []]),
    [
      ['install:owner.triggerprein', ['1', '0'], ['src']],
      ['install:src.post', ['1'], []],
      ['install:owner.triggerin', ['1', '1'], ['src']],
      ['install:owner.filetriggerin', ['1', '1'], []],
      ['posttrans:owner.transfiletriggerin', ['1'], []],
    ],
  );
  t.match(got[0]!.reason, /^fired by src; /);
  t.equal(got.filter((s) => s.phase === 'triggerin').length, 1, 'a trigger on a package outside the set does not fire');

  // The source installed first: the owner's triggerprein fires before the owner's own %pre with `0 1`.
  const src2 = pkg('src', { format: 'rpm' });
  const owner2 = pkg('owner', { format: 'rpm', depends: ['src'], scripts: { pre: 'p' }, rpmTriggers: [{ phase: 'triggerprein', targets: ['src'] }, { phase: 'triggerin', targets: ['src'] }] });
  t.same(steps([owner2, src2]).map((s) => [label(s), s.args]), [
    ['install:owner.triggerprein', ['0', '1']],
    ['install:owner.pre', ['1']],
    ['install:owner.triggerin', ['1', '1']],
  ]);
  const plan = buildPlan([owner, src], verdicts([owner, src]));
  t.equal(plan.notes.filter((n) => n.kind === 'file-trigger-unmatched').length, 2);
});

t.test('rpm: -p programs, lua and sysusers', async (t) => {
  const p = pkg('glibc', { format: 'rpm', scripts: { post: '' }, interpreter: ['/sbin/ldconfig'] });
  const lua = pkg('lua-user', { format: 'rpm', scripts: { post: 'print(1)' }, interpreter: ['<lua>'] });
  const su = pkg('svc', { format: 'rpm' });
  su.scriptlets.push({ package: 'svc', format: 'rpm', phase: 'sysusers', interpreter: { kind: 'sysusers', argv: [] }, body: 'u svc - -', origin: 'header:SYSUSERS' });
  const plan = buildPlan([p, lua, su], verdicts([p, lua, su]));
  const prog = plan.deferred.find((s) => s.package === 'glibc')!;
  t.same([prog.interpreter, prog.script, prog.args], [['/sbin/ldconfig'], '', ['1']]);
  t.notOk(plan.deferred.some((s) => s.package === 'lua-user'), 'lua cannot be deferred');
  t.same(plan.notes.filter((n) => n.kind === 'unrunnable-step').map((n) => [n.package, n.severity]), [['lua-user', 'error']]);
  const sys = plan.deferred.find((s) => s.phase === 'sysusers')!;
  t.same([sys.interpreter, sys.script, sys.args], [['/usr/bin/systemd-sysusers'], 'u svc - -', []]);
});

t.test('arch: pre_install and post_install per package with the new version', async (t) => {
  const body = 'post_install() { :; }\npre_install() { :; }\n';
  const ps = [pkg('b', { format: 'arch', version: '2.0-3', depends: ['a'], scripts: { pre_install: body, post_install: body } }), pkg('a', { format: 'arch', version: '1:1.2-1', scripts: { post_install: body } })];
  const got = steps(ps);
  t.same(got.map((s) => [label(s), s.args]), [
    ['install:a.post_install', ['post_install', '1:1.2-1']],
    ['install:b.pre_install', ['pre_install', '2.0-3']],
    ['install:b.post_install', ['post_install', '2.0-3']],
  ]);
  t.same(got[0]!.interpreter, ['/usr/bin/bash', '-c', ARCH_CALL]);
  t.equal(got[0]!.script, body);
});

t.test('one format per plan', async (t) => {
  t.throws(() => buildPlan([pkg('a'), pkg('b', { format: 'rpm' })], new Map()), { code: 'E_USAGE' });
  t.throws(() => buildPlan([], new Map()), { code: 'E_USAGE' });
});

t.test('invocations run as the package manager would call the script', async (t) => {
  const dir = t.testdir();
  // Runs a step the way the guest agent does: interpreter words, script path, arguments.
  const run = (step: { interpreter: string[]; script: string; args: string[]; env: Record<string, string> }): string => {
    const file = join(dir, 'script');
    writeFileSync(file, step.script, { mode: 0o755 });
    const [program, ...words] = step.interpreter;
    return execFileSync(program!, [...words, file, ...step.args], { env: { ...step.env }, encoding: 'utf8' });
  };
  const show = 'printf "%s|" "$#" "$@"; printf "%s" "$DPKG_MAINTSCRIPT_NAME"';
  const deb = steps([pkg('d', { scripts: { preinst: sh(show), postinst: sh(show) } })]);
  t.equal(run(deb[0]!), '1|install|preinst');
  t.equal(run(deb[1]!), '2|configure||postinst');
  const body = `post_install() { printf "%s|" "$#" "$@"; }\npre_install() { echo no; }\n`;
  const arch = steps([pkg('a', { format: 'arch', version: '1.2-1', scripts: { post_install: body } })]);
  t.equal(run(arch[0]!), '1|1.2-1|');
});
