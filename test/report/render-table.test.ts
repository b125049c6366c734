import t from 'tap';
import { buildAuditResult } from '../../src/audit/build-audit-result.js';
import type { AuditResult } from '../../src/audit/audit-result.js';
import { renderTable } from '../../src/report/render-table.js';
import { sampleAuditInput } from '../helpers/audit-fixtures.js';

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*m/g;

function sample(): AuditResult {
  const { packages, assessments } = sampleAuditInput();
  return buildAuditResult(packages, assessments);
}

t.test('plain table: packages, rows, flags and summary', async (t) => {
  const text = renderTable(sample());
  t.notMatch(text, /\u001b/, 'no colour unless asked');
  t.ok(text.endsWith('\n'));
  t.match(text, /^alpha-lib 1\.9-3\.fc42 x86_64 \(rpm\) {2}\/srv\/pkgs\/rpms\/alpha-lib-1\.9-3\.fc42\.x86_64\.rpm$/m);
  t.match(text, /^ {2}PHASE +OUTCOME +RULE +REASON +RISKS$/m);
  t.match(text, /^ {2}preinst +defer +unknown-command +downloads and runs code +network, download-exec!, rm-rf-variable!$/m);
  t.match(text, /^ {2}post +translate +ldconfig +ldconfig runs once per image$/m);
  t.match(text, /^ {2}pre_install +defer +parse-failure +the script could not be parsed +parse-error$/m);
  t.match(text, /^Summary: 4 packages, 9 scripts: 2 drop, 2 translate, 5 defer$/m);
  t.match(text, /^Install time: 2 of 7 scripts resolved at build time \(28\.6%\), 5 deferred to first boot$/m);
  t.match(text, /^Risks: 7 in 5 scripts \(3 high, 3 medium, 1 low; ! marks high\): network=1, download-exec=1, service-control=2/m);
  t.match(text, /^Parse errors: 1 script could not be parsed \(deferred\)$/m);
  // Package order follows the result.
  const heads = text.split('\n').filter((l) => /^\S/.test(l) && !/^(Summary|Install|Risks|Parse)/.test(l));
  t.same(heads.map((l) => l.split(' ')[0]), ['alpha-lib', 'alpha-lib', 'mid-tool', 'zeta-daemon']);
  t.equal(renderTable(sample()), text, 'deterministic');
});

t.test('columns line up', async (t) => {
  const lines = renderTable(sample()).split('\n').filter((l) => /^ {2}\S/.test(l) && !/^ {2}(PHASE)/.test(l));
  const outcomeCol = lines.map((l) => l.search(/(drop|translate|defer)/));
  t.equal(new Set(outcomeCol).size, 1, 'outcome column at one position');
});

t.test('colour only when asked, same layout', async (t) => {
  const plain = renderTable(sample());
  const coloured = renderTable(sample(), { color: true });
  t.match(coloured, /\u001b\[/);
  t.equal(coloured.replace(ansi, ''), plain);
  const narrow = renderTable(sample(), { width: 80 });
  t.equal(renderTable(sample(), { width: 80, color: true }).replace(ansi, ''), narrow);
});

t.test('width-aware: lines fit, reasons truncate, flags wrap', async (t) => {
  for (const width of [80, 100, 140]) {
    const text = renderTable(sample(), { width });
    const long = text.split('\n').filter((l) => l.length > width);
    t.same(long, [], `every line fits in ${width} columns`);
  }
  const text = renderTable(sample(), { width: 80 });
  t.match(text, /systemctl r[^ ]*\u2026/, 'long reason truncated with an ellipsis');
  const preinst = text.split('\n').findIndex((l) => l.startsWith('  preinst'));
  const lines = text.split('\n');
  t.match(lines[preinst]!, /network$/);
  t.match(lines[preinst + 1]!, /^ +download-exec!$/);
  t.equal(lines[preinst + 1]!.indexOf('download-exec'), lines[preinst]!.indexOf('network'), 'wrapped flags align under RISKS');
  const wide = renderTable(sample(), { width: 200 });
  t.equal(wide, renderTable(sample()), 'a wide terminal changes nothing');
});

t.test('long reasons are shortened without a width; first line only', async (t) => {
  const result = sample();
  const script = result.packages[0]!.scripts[0]!;
  script.verdict.reason = `${'a very long reason '.repeat(8)}\nsecond line`;
  const text = renderTable(result);
  const row = text.split('\n').find((l) => l.startsWith('  postun'))!;
  t.match(row, /a very long reason.*\u2026/);
  t.notMatch(text, /second line/);
  t.ok(row.length < 2 + 12 + 2 + 9 + 2 + 32 + 2 + 60 + 2, 'reason capped');
});

t.test('empty result and a package without scripts', async (t) => {
  const empty = renderTable(buildAuditResult([], new Map()));
  t.equal(
    empty,
    'Summary: 0 packages, 0 scripts: 0 drop, 0 translate, 0 defer\n' +
      'Install time: 0 of 0 scripts resolved at build time (100%), 0 deferred to first boot\n' +
      'Risks: none\n',
  );
  const bare = buildAuditResult(
    [{ format: 'deb', name: 'data-only', version: '1', arch: 'all', depends: [], preDepends: [], provides: [], scriptlets: [], source: 'data-only_1_all.deb' }],
    new Map(),
  );
  t.match(renderTable(bare), /^data-only 1 all \(deb\) {2}data-only_1_all\.deb\n {2}\(no scripts\)\n/);
});
