import t from 'tap';
import { buildAuditResult } from '../../src/audit/build-audit-result.js';
import { sampleAuditInput } from '../helpers/audit-fixtures.js';

t.test('packages by name then version; scripts by phase order', async (t) => {
  const { packages, assessments } = sampleAuditInput();
  const result = buildAuditResult(packages, assessments);
  t.equal(result.schemaVersion, 1);
  t.same(
    result.packages.map((p) => `${p.name} ${p.version}`),
    ['alpha-lib 1.9-3.fc42', 'alpha-lib 2.0-1.fc42', 'mid-tool 3.0-2', 'zeta-daemon 1.2-1'],
  );
  t.same(
    result.packages.map((p) => p.scripts.map((s) => s.phase)),
    [['postun'], ['pre', 'post', 'triggerin'], ['pre_install', 'post_install'], ['preinst', 'postinst', 'prerm']],
  );
  // Input order must not matter.
  const reversed = buildAuditResult([...packages].reverse().map((p) => ({ ...p, scriptlets: [...p.scriptlets].reverse() })), assessments);
  t.same(reversed, result);
});

t.test('script fields', async (t) => {
  const { packages, assessments } = sampleAuditInput();
  const result = buildAuditResult(packages, assessments);
  const zeta = result.packages.find((p) => p.name === 'zeta-daemon')!;
  t.same(
    { name: zeta.name, version: zeta.version, arch: zeta.arch, format: zeta.format, source: zeta.source },
    { name: 'zeta-daemon', version: '1.2-1', arch: 'amd64', format: 'deb', source: '/srv/pkgs/zeta-daemon_1.2-1_amd64.deb' },
  );
  const postinst = zeta.scripts.find((s) => s.phase === 'postinst')!;
  t.equal(postinst.installPhase, true);
  t.equal(postinst.lines, 2);
  t.equal(postinst.origin, 'control.tar.xz:postinst');
  t.same(postinst.commands[0], {
    name: 'deb-systemd-helper',
    args: 'enable zeta.service',
    line: 1,
    segment: 0,
    guards: 'case "$1" in configure)',
  });
  t.equal(postinst.verdict.outcome, 'defer');
  t.same(postinst.verdict.rule, { id: 'unknown-command', policy: 'debian', file: 'policies/deb.json5' });
  t.same(postinst.verdict.parts.map((p) => p.outcome), ['translate', 'defer']);
  t.same(postinst.risks.map((r) => r.kind), ['service-control']);
  const prerm = zeta.scripts.find((s) => s.phase === 'prerm')!;
  t.equal(prerm.installPhase, false);
  const preinst = zeta.scripts.find((s) => s.phase === 'preinst')!;
  t.same(preinst.risks.map((r) => `${r.kind}@${r.line}`), ['network@1', 'download-exec@1', 'rm-rf-variable@2']);

  const mid = result.packages.find((p) => p.name === 'mid-tool')!;
  const pre = mid.scripts[0]!;
  t.equal(pre.entry, 'pre_install');
  t.same(pre.parseError, { line: 3, column: 7, message: 'unexpected token `fi`' });
  t.equal(pre.lines, 4);
  const alpha = result.packages.find((p) => p.version === '2.0-1.fc42')!;
  t.same(alpha.scripts.find((s) => s.phase === 'triggerin')!.triggers, [{ target: 'glibc', op: '>=', version: '2.38' }]);
  t.same(alpha.scripts.find((s) => s.phase === 'post')!.actions, [{ kind: 'cache', cache: 'ldconfig' }]);
  t.same(alpha.scripts.find((s) => s.phase === 'post')!.interpreter, { kind: 'program', argv: ['/sbin/ldconfig'] });
  t.notOk('entry' in alpha.scripts[0]!, 'no entry key when the scriptlet has none');
});

t.test('totals', async (t) => {
  const { packages, assessments } = sampleAuditInput();
  const { totals } = buildAuditResult(packages, assessments);
  t.equal(totals.packages, 4);
  t.equal(totals.scripts, 9);
  t.same(totals.byOutcome, { drop: 2, translate: 2, defer: 5 });
  // install phases: postinst, preinst, pre, post, triggerin, pre_install, post_install = 7; resolved: pre, post.
  t.same(totals.installTime, { scripts: 7, resolved: 2, deferred: 5, resolvedPercent: 28.6 });
  t.equal(totals.byRisk['service-control'], 2);
  t.equal(totals.byRisk['download-exec'], 1);
  t.equal(totals.byRisk['debconf-prompt'], 1);
  t.equal(totals.byRisk['writes-outside-package'], 1);
  t.equal(totals.byRisk.kill, 0);
  const riskSum = Object.values(totals.byRisk).reduce((a, b) => a + b, 0);
  t.equal(riskSum, totals.bySeverity.low + totals.bySeverity.medium + totals.bySeverity.high);
  t.equal(totals.scriptsWithRisks, 5);
});

t.test('no install scripts means fully resolved', async (t) => {
  const { totals } = buildAuditResult([], new Map());
  t.same(totals.installTime, { scripts: 0, resolved: 0, deferred: 0, resolvedPercent: 100 });
  t.equal(totals.packages, 0);
});

t.test('a scriptlet without an assessment is a caller bug', async (t) => {
  const { packages } = sampleAuditInput();
  t.throws(() => buildAuditResult(packages, new Map()), /no analysis\/verdict for/);
});
