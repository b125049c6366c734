/**
 * The audit result as SARIF 2.1.0, for code-scanning dashboards. One run; tool.driver `scriptlet`;
 * one rule per risk kind plus `deferred-script` (a script left for first boot) and
 * `parse-failure`. Each result points at the package file (relative to `baseDir` when inside it)
 * with the script line as region, and names the script as a logical location
 * (`package/phase`). Deterministic: rules in a fixed order, results in audit-result order.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuditPackage, AuditResult, AuditScript } from '../audit/audit-result.js';
import { riskKindInfo, riskKinds, type Severity } from '../audit/risk.js';

export interface SarifOptions {
  /**
   * Absolute directory that package paths are reported relative to (as URI base id `SRCROOT`).
   * Relative package paths are taken as relative to it.
   */
  baseDir?: string;
  /** scriptlet's version, for tool.driver.version. */
  toolVersion?: string;
}

type Level = 'note' | 'warning' | 'error';

const sarifSchemaUri = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const baseId = 'SRCROOT';

const extraRules = {
  'deferred-script': {
    title: 'Script deferred to first boot',
    description:
      'The policy could not drop or translate this install-time script; it runs at first boot inside the appliance. The rule and reason say which part decided.',
    level: 'warning' as Level,
  },
  'parse-failure': {
    title: 'Script could not be parsed',
    description: 'The shell parser rejected the script, so nothing in it was analysed; it is always deferred.',
    level: 'error' as Level,
  },
} as const;

const levelOf: Readonly<Record<Severity, Level>> = { low: 'note', medium: 'warning', high: 'error' };

const ruleIds: readonly string[] = [...riskKinds, ...Object.keys(extraRules)];

export function renderSarif(result: AuditResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(sarifLog(result, options), null, 2)}\n`;
}

function sarifLog(result: AuditResult, options: SarifOptions): object {
  if (options.baseDir !== undefined && !isAbsolute(options.baseDir)) {
    throw new Error(`renderSarif: baseDir must be absolute, got ${options.baseDir}`);
  }
  const driver: Record<string, unknown> = { name: 'scriptlet' };
  if (options.toolVersion !== undefined) {
    driver.version = options.toolVersion;
    if (/^\d+\.\d+\.\d+(?:[-+].*)?$/.test(options.toolVersion)) driver.semanticVersion = options.toolVersion;
  }
  driver.rules = rules();
  const run: Record<string, unknown> = { tool: { driver } };
  if (options.baseDir !== undefined) {
    run.originalUriBaseIds = { [baseId]: { uri: directoryUri(options.baseDir) } };
  }
  run.results = result.packages.flatMap((pkg) => pkg.scripts.flatMap((script) => resultsFor(pkg, script, options)));
  run.columnKind = 'utf16CodeUnits';
  return { $schema: sarifSchemaUri, version: '2.1.0', runs: [run] };
}

function rules(): object[] {
  const out: object[] = [];
  for (const kind of riskKinds) {
    const info = riskKindInfo[kind];
    out.push(rule(kind, info.title, info.description, levelOf[info.severity], ['risk']));
  }
  for (const [id, info] of Object.entries(extraRules)) out.push(rule(id, info.title, info.description, info.level, ['verdict']));
  return out;
}

function rule(id: string, title: string, description: string, level: Level, tags: string[]): object {
  return {
    id,
    name: id.replace(/(^|-)([a-z])/g, (_m, _d: string, ch: string) => ch.toUpperCase()),
    shortDescription: { text: title },
    fullDescription: { text: description },
    defaultConfiguration: { level },
    properties: { tags },
  };
}

function resultsFor(pkg: AuditPackage, script: AuditScript, options: SarifOptions): object[] {
  const out: object[] = [];
  const where = `${script.phase}${script.entry !== undefined && script.entry !== script.phase ? ` (${script.entry})` : ''} of ${pkg.name} ${pkg.version}`;
  if (script.parseError) {
    const e = script.parseError;
    out.push(
      sarifResult(pkg, script, options, {
        ruleId: 'parse-failure',
        level: extraRules['parse-failure'].level,
        text: `${where} could not be parsed: ${e.message}`,
        line: e.line,
        column: e.column,
        fingerprint: ['parse-failure', e.message],
      }),
    );
  }
  if (script.verdict.outcome === 'defer') {
    const v = script.verdict;
    out.push(
      sarifResult(pkg, script, options, {
        ruleId: 'deferred-script',
        level: extraRules['deferred-script'].level,
        text: `${where} is deferred to first boot: ${v.reason} (rule ${v.rule.policy}/${v.rule.id})`,
        line: deferringLine(script),
        fingerprint: ['deferred-script', v.rule.policy, v.rule.id],
      }),
    );
  }
  for (const risk of script.risks) {
    out.push(
      sarifResult(pkg, script, options, {
        ruleId: risk.kind,
        level: levelOf[risk.severity],
        text: `${risk.message} (${where})`,
        line: risk.line,
        snippet: risk.command,
        severity: risk.severity,
        fingerprint: [risk.kind, risk.command, risk.message],
      }),
    );
  }
  return out;
}

/** The line of the part that made the script defer, or its first line. */
function deferringLine(script: AuditScript): number | undefined {
  const part = script.verdict.parts.find((p) => p.outcome === 'defer')?.part;
  if (part?.kind === 'command') return script.commands[part.index]?.line;
  if (part?.kind === 'segment') return script.segments[part.index]?.startLine;
  return script.lines > 0 ? 1 : undefined;
}

interface ResultSpec {
  ruleId: string;
  level: Level;
  text: string;
  line?: number | undefined;
  column?: number;
  snippet?: string;
  severity?: Severity;
  fingerprint: string[];
}

function sarifResult(pkg: AuditPackage, script: AuditScript, options: SarifOptions, spec: ResultSpec): object {
  const physicalLocation: Record<string, unknown> = { artifactLocation: artifactLocation(pkg.source, options.baseDir) };
  if (spec.line !== undefined && spec.line >= 1) {
    const region: Record<string, unknown> = { startLine: spec.line };
    if (spec.column !== undefined && spec.column >= 1) region.startColumn = spec.column;
    if (spec.snippet !== undefined) region.snippet = { text: spec.snippet };
    physicalLocation.region = region;
  }
  const scriptName = script.entry ?? script.phase;
  const properties: Record<string, unknown> = {
    package: pkg.name,
    version: pkg.version,
    arch: pkg.arch,
    format: pkg.format,
    phase: script.phase,
  };
  if (script.entry !== undefined) properties.entry = script.entry;
  properties.origin = script.origin;
  properties.outcome = script.verdict.outcome;
  properties.rule = script.verdict.rule.id;
  properties.policy = script.verdict.rule.policy;
  if (spec.severity !== undefined) properties.severity = spec.severity;
  if (script.trace !== undefined) properties.trace = script.trace;
  const identity = [pkg.name, script.phase, script.entry ?? '', ...spec.fingerprint].join('\0');
  return {
    ruleId: spec.ruleId,
    ruleIndex: ruleIds.indexOf(spec.ruleId),
    level: spec.level,
    message: { text: spec.text },
    locations: [
      {
        physicalLocation,
        logicalLocations: [{ name: scriptName, fullyQualifiedName: `${pkg.name}/${scriptName}`, kind: 'module' }],
      },
    ],
    // Stable across versions and line moves, so dashboards track one finding over time.
    partialFingerprints: { 'scriptletFinding/v1': createHash('sha256').update(identity).digest('hex') },
    properties,
  };
}

function artifactLocation(source: string, baseDir: string | undefined): Record<string, string> {
  // Sources that already are URIs (`dpkg:/var/lib/dpkg`) are kept; a Windows drive is not a scheme.
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(source) && !/^[A-Za-z]:[\\/]/.test(source)) return { uri: source };
  if (isAbsolute(source)) {
    if (baseDir !== undefined) {
      const rel = relative(baseDir, source);
      if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: encodePath(rel), uriBaseId: baseId };
    }
    return { uri: pathToFileURL(source).href };
  }
  const uri = encodePath(source);
  return baseDir !== undefined ? { uri, uriBaseId: baseId } : { uri };
}

function encodePath(path: string): string {
  return path
    .split(sep === '\\' ? /[\\/]/ : '/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}
