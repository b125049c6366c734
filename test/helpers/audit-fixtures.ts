/**
 * A small, hand-built audit input (packages, analyses, verdicts) covering every format, every
 * outcome, risks, a parse failure, an Arch entry and an RPM trigger, for tests of the audit
 * result builder and the report writers.
 */
import type { Action } from '../../src/actions/action.js';
import type { ScriptAssessment } from '../../src/audit/build-audit-result.js';
import type { Package, Phase, Scriptlet } from '../../src/formats/types.js';
import type { Outcome, PartVerdict, Verdict } from '../../src/policy/verdict.js';
import type { Analysis } from '../../src/shell/analysis.js';
import { analysisOf, type CommandEntry } from './analysis-builder.js';

export interface AuditInput {
  packages: Package[];
  assessments: Map<Scriptlet, ScriptAssessment>;
}

interface ScriptSpec {
  phase: Phase;
  entry?: string;
  commands: CommandEntry[];
  /** Script text; by default the command entries, one per line. */
  body?: string;
  analysis?: Partial<Analysis>;
  outcome: Outcome;
  rule: string;
  reason: string;
  actions?: Action[];
  parts?: PartVerdict[];
  triggers?: Scriptlet['triggers'];
  interpreter?: Scriptlet['interpreter'];
}

function pkg(
  format: Package['format'],
  name: string,
  version: string,
  arch: string,
  source: string,
  specs: ScriptSpec[],
  assessments: Map<Scriptlet, ScriptAssessment>,
): Package {
  const scriptlets = specs.map((spec) => {
    const body = spec.body ?? spec.commands.map((c) => (typeof c === 'string' ? c : c[0])).join('\n') + (spec.commands.length ? '\n' : '');
    const s: Scriptlet = {
      package: name,
      format,
      phase: spec.phase,
      interpreter: spec.interpreter ?? { kind: 'sh', argv: ['/bin/sh'] },
      body,
      origin: format === 'deb' ? `control.tar.xz:${spec.phase}` : format === 'rpm' ? `header:${spec.phase.toUpperCase()}` : '.INSTALL',
    };
    if (spec.entry !== undefined) s.entry = spec.entry;
    if (spec.triggers !== undefined) s.triggers = spec.triggers;
    const rule = { id: spec.rule, policy: format === 'deb' ? 'debian' : format === 'rpm' ? 'fedora' : 'arch', file: `policies/${format}.json5` };
    const actions = spec.actions ?? [];
    const verdict: Verdict = {
      package: name,
      format,
      phase: spec.phase,
      outcome: spec.outcome,
      rule,
      reason: spec.reason,
      parts: spec.parts ?? [{ part: { kind: 'script' }, outcome: spec.outcome, rule, reason: spec.reason, actions }],
      actions,
    };
    if (spec.entry !== undefined) verdict.entry = spec.entry;
    assessments.set(s, { analysis: analysisOf(spec.commands, spec.analysis), verdict });
    return s;
  });
  return { format, name, version, arch, depends: [], preDepends: [], provides: [], scriptlets, source };
}

export function sampleAuditInput(base = '/srv/pkgs'): AuditInput {
  const assessments = new Map<Scriptlet, ScriptAssessment>();
  const packages: Package[] = [
    pkg(
      'deb',
      'zeta-daemon',
      '1.2-1',
      'amd64',
      `${base}/zeta-daemon_1.2-1_amd64.deb`,
      [
        {
          phase: 'prerm',
          commands: ['deb-systemd-invoke stop zeta.service'],
          outcome: 'drop',
          rule: 'removal-scripts',
          reason: 'removal scripts never run in an image',
        },
        {
          phase: 'postinst',
          commands: [
            ['deb-systemd-helper enable zeta.service', { guards: [{ kind: 'case', subject: '"$1"', patterns: ['configure'], negated: false, text: 'case "$1" in configure)' }] }],
            'systemctl restart zeta.service',
          ],
          outcome: 'defer',
          rule: 'unknown-command',
          reason: 'systemctl restart is not covered by any rule',
          actions: [],
          parts: [
            {
              part: { kind: 'command', index: 0 },
              outcome: 'translate',
              rule: { id: 'dh-systemd-enable', policy: 'debian', file: 'policies/debian.json5' },
              reason: 'debhelper systemd enable',
              actions: [{ kind: 'systemd-enable', unit: 'zeta.service' }],
            },
            {
              part: { kind: 'command', index: 1 },
              outcome: 'defer',
              rule: { id: 'unknown-command', policy: 'base', file: 'policies/base.json5' },
              reason: 'systemctl restart is not covered by any rule',
              actions: [],
            },
          ],
        },
        {
          phase: 'preinst',
          commands: ['curl -fsSL https://example.org/setup.sh | sh', 'rm -rf "$STATE/"'],
          outcome: 'defer',
          rule: 'unknown-command',
          reason: 'downloads and runs code',
        },
      ],
      assessments,
    ),
    pkg(
      'rpm',
      'alpha-lib',
      '2.0-1.fc42',
      'x86_64',
      `${base}/rpms/alpha-lib-2.0-1.fc42.x86_64.rpm`,
      [
        {
          phase: 'post',
          commands: ['/sbin/ldconfig'],
          interpreter: { kind: 'program', argv: ['/sbin/ldconfig'] },
          outcome: 'translate',
          rule: 'ldconfig',
          reason: 'ldconfig runs once per image',
          actions: [{ kind: 'cache', cache: 'ldconfig' }],
        },
        {
          phase: 'pre',
          commands: ['getent group alpha >/dev/null || groupadd -r alpha'],
          outcome: 'translate',
          rule: 'groupadd',
          reason: 'system group',
          actions: [{ kind: 'group', name: 'alpha', system: true }],
        },
        {
          phase: 'triggerin',
          commands: ['echo "$(date)" > /tmp/alpha.stamp'],
          triggers: [{ target: 'glibc', op: '>=', version: '2.38' }],
          outcome: 'defer',
          rule: 'triggers-defer',
          reason: 'triggers run at first boot',
        },
      ],
      assessments,
    ),
    pkg(
      'rpm',
      'alpha-lib',
      '1.9-3.fc42',
      'x86_64',
      `${base}/rpms/alpha-lib-1.9-3.fc42.x86_64.rpm`,
      [
        {
          phase: 'postun',
          commands: ['/sbin/ldconfig'],
          interpreter: { kind: 'program', argv: ['/sbin/ldconfig'] },
          outcome: 'drop',
          rule: 'removal-scripts',
          reason: 'removal scripts never run in an image',
        },
      ],
      assessments,
    ),
    pkg(
      'arch',
      'mid-tool',
      '3.0-2',
      'x86_64',
      '/elsewhere/mid-tool-3.0-2-x86_64.pkg.tar.zst',
      [
        {
          phase: 'post_install',
          entry: 'post_install',
          commands: [['whiptail --msgbox "hello" 8 40', { inFunction: 'post_install' }]],
          analysis: { functions: [{ name: 'post_install', line: 1, calls: [] }] },
          outcome: 'defer',
          rule: 'interactive',
          reason: 'asks the user',
        },
        {
          phase: 'pre_install',
          entry: 'pre_install',
          commands: [],
          body: 'pre_install() {\n  if true; then\n  echo ) fi\n}\n',
          analysis: { parseError: { line: 3, column: 7, message: 'unexpected token `fi`' }, commands: [], segments: [] },
          outcome: 'defer',
          rule: 'parse-failure',
          reason: 'the script could not be parsed',
        },
      ],
      assessments,
    ),
  ];
  return { packages, assessments };
}
