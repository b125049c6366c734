import t from 'tap';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { buildAuditResult } from '../../src/audit/build-audit-result.js';
import type { AuditResult } from '../../src/audit/audit-result.js';
import { riskKinds } from '../../src/audit/risk.js';
import { renderSarif } from '../../src/report/render-sarif.js';
import { sampleAuditInput } from '../helpers/audit-fixtures.js';
import { sarifSchema } from '../helpers/sarif-schema.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number; snippet?: { text: string } } };
    logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version?: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
    originalUriBaseIds?: Record<string, { uri: string }>;
    results: SarifResult[];
  }[];
}

function sample(base = '/srv/pkgs'): AuditResult {
  const { packages, assessments } = sampleAuditInput(base);
  return buildAuditResult(packages, assessments);
}

t.test('validates against the official SARIF 2.1.0 schema', async (t) => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(await sarifSchema());
  for (const options of [{}, { baseDir: '/srv/pkgs', toolVersion: '0.1.0' }]) {
    const log = JSON.parse(renderSarif(sample(), options)) as SarifLog;
    t.ok(validate(log), `valid with ${JSON.stringify(options)}: ${JSON.stringify(validate.errors)}`);
  }
  const empty = JSON.parse(renderSarif(buildAuditResult([], new Map()))) as SarifLog;
  t.ok(validate(empty), 'an empty audit is a valid log');
  const broken = JSON.parse(renderSarif(sample())) as SarifLog;
  broken.runs[0]!.results[0]!.level = 'fatal';
  t.notOk(validate(broken), 'the validator rejects a bad level');
});

t.test('driver and rules', async (t) => {
  const log = JSON.parse(renderSarif(sample(), { toolVersion: '0.1.0' })) as SarifLog;
  t.equal(log.version, '2.1.0');
  const driver = log.runs[0]!.tool.driver;
  t.equal(driver.name, 'scriptlet');
  t.equal(driver.version, '0.1.0');
  t.same(driver.rules.map((r) => r.id), [...riskKinds, 'deferred-script', 'parse-failure']);
  t.equal(driver.rules.find((r) => r.id === 'download-exec')!.defaultConfiguration.level, 'error');
  t.equal(driver.rules.find((r) => r.id === 'debconf-prompt')!.defaultConfiguration.level, 'note');
  for (const r of log.runs[0]!.results) t.equal(driver.rules[r.ruleIndex]!.id, r.ruleId, `ruleIndex of ${r.ruleId}`);
});

t.test('results: one per risk, deferred script and parse failure', async (t) => {
  const result = sample();
  const log = JSON.parse(renderSarif(result, { baseDir: '/srv/pkgs' })) as SarifLog;
  const run = log.runs[0]!;
  t.same(run.originalUriBaseIds, { SRCROOT: { uri: 'file:///srv/pkgs/' } });
  const results = run.results;
  const risks = result.packages.flatMap((p) => p.scripts.flatMap((s) => s.risks));
  t.equal(results.filter((r) => riskKinds.includes(r.ruleId as never)).length, risks.length);
  t.equal(results.filter((r) => r.ruleId === 'deferred-script').length, result.totals.byOutcome.defer);
  t.equal(results.filter((r) => r.ruleId === 'parse-failure').length, 1);

  const exec = results.find((r) => r.ruleId === 'download-exec')!;
  t.equal(exec.level, 'error');
  t.same(exec.locations[0]!.physicalLocation, {
    artifactLocation: { uri: 'zeta-daemon_1.2-1_amd64.deb', uriBaseId: 'SRCROOT' },
    region: { startLine: 1, snippet: { text: 'curl -fsSL https://example.org/setup.sh | sh' } },
  });
  t.same(exec.locations[0]!.logicalLocations, [{ name: 'preinst', fullyQualifiedName: 'zeta-daemon/preinst', kind: 'module' }]);
  t.match(exec.properties, { package: 'zeta-daemon', version: '1.2-1', phase: 'preinst', outcome: 'defer', rule: 'unknown-command', policy: 'debian', severity: 'high' });
  t.equal(results.find((r) => r.ruleId === 'debconf-prompt')!.level, 'error', 'whiptail is high');
  t.equal(results.find((r) => r.ruleId === 'service-control' && r.properties.phase === 'prerm')!.level, 'note');

  const nested = results.find((r) => r.properties.package === 'alpha-lib')!;
  t.same(nested.locations[0]!.physicalLocation.artifactLocation, { uri: 'rpms/alpha-lib-2.0-1.fc42.x86_64.rpm', uriBaseId: 'SRCROOT' });
  const outside = results.find((r) => r.properties.package === 'mid-tool')!;
  t.same(outside.locations[0]!.physicalLocation.artifactLocation, { uri: 'file:///elsewhere/mid-tool-3.0-2-x86_64.pkg.tar.zst' }, 'outside the base: absolute file URI');

  const deferred = results.find((r) => r.ruleId === 'deferred-script' && r.properties.phase === 'postinst')!;
  t.equal(deferred.locations[0]!.physicalLocation.region!.startLine, 2, 'points at the deferring command');
  t.match(deferred.message.text, /postinst of zeta-daemon 1\.2-1 is deferred to first boot: systemctl restart is not covered by any rule \(rule debian\/unknown-command\)/);
  const parse = results.find((r) => r.ruleId === 'parse-failure')!;
  t.same(parse.locations[0]!.physicalLocation.region, { startLine: 3, startColumn: 7 });
  t.equal(parse.properties.entry, 'pre_install');
});

t.test('locations without a base, and sources that are URIs', async (t) => {
  const result = sample('pkgs');
  for (const p of result.packages) if (p.name === 'alpha-lib') p.source = 'dpkg:/var/lib/dpkg';
  const log = JSON.parse(renderSarif(result)) as SarifLog;
  const byPkg = (name: string) => log.runs[0]!.results.find((r) => r.properties.package === name)!.locations[0]!.physicalLocation.artifactLocation;
  t.same(byPkg('zeta-daemon'), { uri: 'pkgs/zeta-daemon_1.2-1_amd64.deb' });
  t.same(byPkg('alpha-lib'), { uri: 'dpkg:/var/lib/dpkg' });
  t.equal(log.runs[0]!.originalUriBaseIds, undefined);
  const spaced = sample('/srv/my pkgs');
  const spacedLog = JSON.parse(renderSarif(spaced, { baseDir: '/srv' })) as SarifLog;
  t.equal(spacedLog.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'my%20pkgs/rpms/alpha-lib-2.0-1.fc42.x86_64.rpm');
  t.throws(() => renderSarif(sample(), { baseDir: 'relative/dir' }), /baseDir must be absolute/);
});

t.test('deterministic, with fingerprints stable across line moves', async (t) => {
  const a = renderSarif(sample(), { baseDir: '/srv/pkgs' });
  t.equal(renderSarif(sample(), { baseDir: '/srv/pkgs' }), a);
  t.ok(a.endsWith('}\n'));
  const moved = sample();
  for (const p of moved.packages) for (const s of p.scripts) for (const r of s.risks) r.line += 10;
  const fp = (text: string) => (JSON.parse(text) as SarifLog).runs[0]!.results.map((r) => Object.values(r.partialFingerprints)[0]);
  t.same(fp(renderSarif(moved, { baseDir: '/srv/pkgs' })), fp(a));
  t.equal(new Set(fp(a)).size, fp(a).length, 'fingerprints are distinct');
});
