/**
 * The audit result as a table for a terminal: one block per package, one row per script
 * (phase, outcome, rule, shortened reason, risk flags), then a summary. Colour only when asked;
 * with a terminal width, rules and reasons are truncated, risk flags and the summary wrap to fit
 * (down to minimum column widths: a very narrow terminal still gets lines wider than itself).
 */
import { createColors } from 'picocolors';
import type { AuditPackage, AuditResult, AuditScript } from '../audit/audit-result.js';
import { compareSeverity, riskKinds, type RiskKind, type Severity } from '../audit/risk.js';
import { traceLine } from './render-trace-line.js';
import { plural } from './plural.js';

export interface TableOptions {
  /** Use ANSI colours. */
  color?: boolean;
  /** Terminal width in columns; without it lines are not fitted (reasons are still shortened). */
  width?: number;
}

type Colors = ReturnType<typeof createColors>;

/** Longest reason shown when no width is given. */
const reasonMax = 60;
const ruleMax = 32;
const minReason = 12;
const minRisks = 16;
const minRule = 8;
const indent = '  ';
const gap = '  ';

interface Row {
  phase: string;
  outcome: AuditScript['verdict']['outcome'];
  rule: string;
  reason: string;
  flags: { text: string; severity: Severity | 'error' }[];
  /** audit --trace: the observed effects, shown on a line of their own. */
  trace?: string;
}

export function renderTable(result: AuditResult, options: TableOptions = {}): string {
  const c = createColors(options.color === true);
  const rowsByPackage = result.packages.map((p) => p.scripts.map(rowOf));
  const all = rowsByPackage.flat();
  const header: Omit<Row, 'flags' | 'outcome'> & { outcome: string; risks: string } = {
    phase: 'PHASE',
    outcome: 'OUTCOME',
    rule: 'RULE',
    reason: 'REASON',
    risks: 'RISKS',
  };
  const phaseW = Math.max(header.phase.length, ...all.map((r) => r.phase.length));
  const outcomeW = Math.max(header.outcome.length, ...all.map((r) => r.outcome.length));
  let ruleW = Math.min(ruleMax, Math.max(header.rule.length, ...all.map((r) => r.rule.length)));
  const naturalReason = Math.min(reasonMax, Math.max(header.reason.length, ...all.map((r) => r.reason.length)));
  const naturalRisks = Math.max(header.risks.length, ...all.map((r) => flagsText(r.flags).length));
  const fixedWithout = indent.length + phaseW + gap.length + outcomeW + gap.length + gap.length;
  let reasonW = naturalReason;
  let risksW = naturalRisks;
  if (options.width !== undefined) {
    // Give up rule width first when the terminal is narrow, then reason, then wrap the flags.
    const deficit = minReason + minRisks + gap.length - (options.width - fixedWithout - ruleW);
    if (deficit > 0) ruleW = Math.max(minRule, ruleW - deficit);
    const room = options.width - fixedWithout - ruleW - gap.length;
    if (reasonW + risksW > room) {
      // Flags wrap, so their column needs only the longest single flag; the reason gets the rest.
      const longestFlag = Math.max(header.risks.length, ...all.flatMap((r) => r.flags.map((f) => f.text.length)));
      risksW = Math.min(naturalRisks, Math.max(minRisks, longestFlag));
      reasonW = Math.max(minReason, Math.min(naturalReason, room - risksW));
      risksW = Math.max(risksW, Math.min(naturalRisks, room - reasonW));
    }
  }
  const fixed = fixedWithout + ruleW;

  const out: string[] = [];
  const headLine =
    indent +
    [header.phase.padEnd(phaseW), header.outcome.padEnd(outcomeW), header.rule.padEnd(ruleW), header.reason.padEnd(reasonW), header.risks]
      .join(gap)
      .trimEnd();
  result.packages.forEach((pkg, i) => {
    if (i > 0) out.push('');
    out.push(packageLine(pkg, c, options.width));
    const rows = rowsByPackage[i]!;
    if (rows.length === 0) {
      out.push(`${indent}${c.dim('(no scripts)')}`);
      return;
    }
    out.push(c.dim(headLine));
    for (const r of rows) {
      const flagLines = wrapFlags(r.flags, options.width === undefined ? Infinity : risksW);
      const first =
        indent +
        [
          r.phase.padEnd(phaseW),
          outcomeColor(c, r.outcome)(r.outcome.padEnd(outcomeW)),
          truncate(r.rule, ruleW).padEnd(ruleW),
          truncate(r.reason, reasonW).padEnd(reasonW),
          renderFlags(c, flagLines[0] ?? []),
        ]
          .join(gap)
          .trimEnd();
      out.push(first);
      const pad = ' '.repeat(fixed + reasonW + gap.length);
      for (const more of flagLines.slice(1)) out.push(pad + renderFlags(c, more));
      if (r.trace !== undefined) out.push(indent + gap + c.dim(options.width === undefined ? r.trace : truncate(r.trace, Math.max(20, options.width - indent.length - gap.length))));
    }
  });
  if (result.packages.length > 0) out.push('');
  out.push(...summary(result, c, options.width));
  return `${out.join('\n')}\n`;
}

function rowOf(s: AuditScript): Row {
  const flags: Row['flags'] = [];
  if (s.parseError) flags.push({ text: 'parse-error', severity: 'error' });
  const worst = new Map<RiskKind, Severity>();
  for (const r of s.risks) {
    const prev = worst.get(r.kind);
    if (prev === undefined || compareSeverity(r.severity, prev) > 0) worst.set(r.kind, r.severity);
  }
  for (const kind of riskKinds) {
    const sev = worst.get(kind);
    if (sev !== undefined) flags.push({ text: sev === 'high' ? `${kind}!` : kind, severity: sev });
  }
  return {
    phase: s.entry !== undefined && s.entry !== s.phase ? `${s.phase}(${s.entry})` : s.phase,
    outcome: s.verdict.outcome,
    rule: s.verdict.rule.id,
    reason: s.verdict.reason.split('\n')[0]!.trim(),
    flags,
    ...(s.trace ? { trace: traceLine(s.trace) } : {}),
  };
}

function packageLine(pkg: AuditPackage, c: Colors, width: number | undefined): string {
  let head = `${pkg.name} ${pkg.version} ${pkg.arch} (${pkg.format})`;
  let source = pkg.source;
  if (width !== undefined) {
    head = truncate(head, width);
    const room = width - head.length - gap.length;
    source = room >= 8 ? truncateLeft(source, room) : '';
  }
  return `${c.bold(head)}${source ? gap + c.dim(source) : ''}`;
}

function flagsText(flags: Row['flags']): string {
  return flags.map((f) => f.text).join(', ');
}

/** Greedy wrap of the flag list into lines of at most `width` columns (a flag is never split). */
function wrapFlags(flags: Row['flags'], width: number): Row['flags'][] {
  const lines: Row['flags'][] = [];
  let cur: Row['flags'] = [];
  let len = 0;
  for (const f of flags) {
    const add = (cur.length > 0 ? 2 : 0) + f.text.length;
    if (cur.length > 0 && len + add > width) {
      lines.push(cur);
      cur = [];
      len = 0;
    }
    len += (cur.length > 0 ? 2 : 0) + f.text.length;
    cur.push(f);
  }
  if (cur.length > 0) lines.push(cur);
  return lines;
}

function renderFlags(c: Colors, flags: Row['flags']): string {
  return flags
    .map((f) => {
      const paint = f.severity === 'error' || f.severity === 'high' ? c.red : f.severity === 'medium' ? c.yellow : c.dim;
      return paint(f.text);
    })
    .join(', ');
}

function outcomeColor(c: Colors, outcome: Row['outcome']): (s: string) => string {
  return outcome === 'drop' ? c.dim : outcome === 'translate' ? c.green : c.yellow;
}

function truncate(s: string, width: number): string {
  if (s.length <= width) return s;
  return width <= 1 ? s.slice(0, width) : `${s.slice(0, width - 1)}\u2026`;
}

function truncateLeft(s: string, width: number): string {
  if (s.length <= width) return s;
  return `\u2026${s.slice(s.length - width + 1)}`;
}

function summary(result: AuditResult, c: Colors, width: number | undefined): string[] {
  const t = result.totals;
  const lines: [string, string][] = [];
  lines.push([
    'Summary:',
    `${plural(t.packages, 'package')}, ${plural(t.scripts, 'script')}: ${t.byOutcome.drop} drop, ${t.byOutcome.translate} translate, ${t.byOutcome.defer} defer`,
  ]);
  const it = t.installTime;
  lines.push([
    'Install time:',
    `${it.resolved} of ${plural(it.scripts, 'script')} resolved at build time (${it.resolvedPercent}%), ${it.deferred} deferred to first boot`,
  ]);
  const riskCount = t.bySeverity.low + t.bySeverity.medium + t.bySeverity.high;
  if (riskCount === 0) lines.push(['Risks:', 'none']);
  else {
    // `kind=count` stays one word, so wrapping never separates a count from its kind.
    const kinds = riskKinds.filter((k) => t.byRisk[k] > 0).map((k) => `${k}=${t.byRisk[k]}`);
    lines.push([
      'Risks:',
      `${riskCount} in ${plural(t.scriptsWithRisks, 'script')} (${t.bySeverity.high} high, ${t.bySeverity.medium} medium, ${t.bySeverity.low} low; ! marks high): ${kinds.join(', ')}`,
    ]);
  }
  const parseErrors = result.packages.reduce((n, p) => n + p.scripts.filter((s) => s.parseError).length, 0);
  if (parseErrors > 0) lines.push(['Parse errors:', `${plural(parseErrors, 'script')} could not be parsed (deferred)`]);
  return lines.flatMap(([label, text]) => {
    const wrapped = wrapWords(`${label} ${text}`, width ?? Infinity);
    wrapped[0] = c.bold(label) + wrapped[0]!.slice(label.length);
    return wrapped;
  });
}

/** Word wrap; continuation lines are indented. A word longer than the width is left whole. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    const next = cur === '' ? word : `${cur} ${word}`;
    if (cur !== '' && next.length > width) {
      lines.push(cur);
      cur = indent + word;
    } else cur = next;
  }
  lines.push(cur);
  return lines;
}
