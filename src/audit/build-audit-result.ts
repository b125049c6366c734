/**
 * Assembles the audit result from packages and, for each of their scriptlets, the analysis and
 * the policy verdict. Pure and deterministic: packages by name, version, arch, source; scripts
 * by the fixed phase order, then entry, origin and trigger targets.
 */
import type { Package, Scriptlet } from '../formats/types.js';
import { isInstallPhase } from '../formats/types.js';
import type { Analysis, Command, Guard } from '../shell/analysis.js';
import type { Verdict } from '../policy/verdict.js';
import {
  auditSchemaVersion,
  type AuditCommand,
  type AuditPackage,
  type AuditResult,
  type AuditScript,
  type AuditTotals,
} from './audit-result.js';
import { detectRisks } from './detect-risks.js';
import { comparePhases } from './phase-order.js';
import { riskKinds, severities, type RiskKind, type Severity } from './risk.js';

export interface ScriptAssessment {
  analysis: Analysis;
  verdict: Verdict;
}

/**
 * `assessments` maps each scriptlet object of `packages` (by identity) to its analysis and
 * verdict. A scriptlet without one is a caller bug, not a user error.
 */
export function buildAuditResult(
  packages: readonly Package[],
  assessments: ReadonlyMap<Scriptlet, ScriptAssessment>,
): AuditResult {
  return assembleAuditResult(packages.map((pkg) => auditPackage(pkg, assessments)));
}

/**
 * The result from packages already reported one by one (as parallel workers return them), in the
 * order they were given; ties in the sort key keep that order.
 */
export function assembleAuditResult(auditPackages: readonly AuditPackage[]): AuditResult {
  const sorted = [...auditPackages].sort(comparePackages);
  return { schemaVersion: auditSchemaVersion, packages: sorted, totals: totalsOf(sorted) };
}

/** One package's report entry; `assessments` must hold every one of its scriptlets. */
export function auditPackage(pkg: Package, assessments: ReadonlyMap<Scriptlet, ScriptAssessment>): AuditPackage {
  const scripts = pkg.scriptlets
    .map((s, index) => ({ s, index }))
    .sort((a, b) => compareScriptlets(a.s, b.s) || a.index - b.index)
    .map(({ s }) => {
      const assessment = assessments.get(s);
      if (!assessment) {
        throw new Error(`buildAuditResult: no analysis/verdict for ${pkg.name} ${s.phase}${s.entry ? ` (${s.entry})` : ''}`);
      }
      return auditScript(s, assessment);
    });
  return { name: pkg.name, version: pkg.version, arch: pkg.arch, format: pkg.format, source: pkg.source, scripts };
}

function auditScript(s: Scriptlet, { analysis, verdict }: ScriptAssessment): AuditScript {
  const script: AuditScript = {
    phase: s.phase,
    installPhase: isInstallPhase(s.phase),
    origin: s.origin,
    interpreter: { kind: s.interpreter.kind, argv: [...s.interpreter.argv] },
    language: analysis.language,
    parser: analysis.parser,
    lines: lineCount(s.body),
    commands: analysis.commands.map(auditCommand),
    segments: analysis.segments.map((seg) => ({ ...seg })),
    verdict: {
      outcome: verdict.outcome,
      rule: { ...verdict.rule },
      reason: verdict.reason,
      parts: verdict.parts.map((p) => ({ part: { ...p.part }, outcome: p.outcome, rule: { ...p.rule }, reason: p.reason, actions: p.actions })),
    },
    actions: verdict.actions,
    risks: detectRisks(analysis, s.entry === undefined ? {} : { entry: s.entry }),
  };
  if (s.entry !== undefined) script.entry = s.entry;
  if (s.triggers !== undefined) script.triggers = s.triggers.map((t) => ({ ...t }));
  if (analysis.parseError) script.parseError = { ...analysis.parseError };
  return script;
}

function auditCommand(c: Command): AuditCommand {
  return {
    name: c.name,
    args: c.args.map((a) => a.text).join(' '),
    line: c.line,
    segment: c.segment,
    guards: c.guards.map(guardText).join(' && '),
  };
}

function guardText(g: Guard): string {
  return g.negated ? `!(${g.text})` : g.text;
}

function lineCount(body: string): number {
  return body === '' ? 0 : body.replace(/\n$/, '').split('\n').length;
}

function totalsOf(packages: AuditPackage[]): AuditTotals {
  const scripts = packages.flatMap((p) => p.scripts);
  const byOutcome = { drop: 0, translate: 0, defer: 0 };
  const byRisk = Object.fromEntries(riskKinds.map((k) => [k, 0])) as Record<RiskKind, number>;
  const bySeverity = Object.fromEntries(severities.map((k) => [k, 0])) as Record<Severity, number>;
  let scriptsWithRisks = 0;
  let installScripts = 0;
  let installResolved = 0;
  for (const s of scripts) {
    byOutcome[s.verdict.outcome]++;
    if (s.risks.length > 0) scriptsWithRisks++;
    for (const r of s.risks) {
      byRisk[r.kind]++;
      bySeverity[r.severity]++;
    }
    if (s.installPhase) {
      installScripts++;
      if (s.verdict.outcome !== 'defer') installResolved++;
    }
  }
  // No install-time script means nothing is left for first boot: fully resolved.
  const resolvedPercent = installScripts === 0 ? 100 : Math.round((installResolved / installScripts) * 1000) / 10;
  return {
    packages: packages.length,
    scripts: scripts.length,
    byOutcome,
    scriptsWithRisks,
    byRisk,
    bySeverity,
    installTime: { scripts: installScripts, resolved: installResolved, deferred: installScripts - installResolved, resolvedPercent },
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type PackageKey = Pick<Package, 'name' | 'version' | 'arch' | 'source'>;

function comparePackages(a: PackageKey, b: PackageKey): number {
  return (
    compareStrings(a.name, b.name) ||
    compareStrings(a.version, b.version) ||
    compareStrings(a.arch, b.arch) ||
    compareStrings(a.source, b.source)
  );
}

function compareScriptlets(a: Scriptlet, b: Scriptlet): number {
  const targets = (s: Scriptlet): string => (s.triggers ?? []).map((t) => t.target).join('\0');
  return (
    comparePhases(a.phase, b.phase) ||
    compareStrings(a.entry ?? '', b.entry ?? '') ||
    compareStrings(a.origin, b.origin) ||
    compareStrings(targets(a), targets(b))
  );
}
