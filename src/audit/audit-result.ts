/**
 * The result of `scriptlet audit`: the documented, stable JSON schema (docs/audit-json.md,
 * docs/audit-result.schema.json). The TypeBox schema is the single source: types come from it
 * with Static<>, the JSON writer orders keys by it, and the committed JSON Schema is generated
 * from it. Changing a field's meaning or removing one needs a new `schemaVersion`; adding an
 * optional field does not.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Segment } from '../shell/analysis.js';
import type { PartRef } from '../policy/verdict.js';
import { ActionSchema } from '../policy/action-schema.js';
import { phaseOrder } from './phase-order.js';
import { riskKinds, RiskSchema, severities, stringEnum } from './risk.js';
import { ScriptTraceSchema } from '../trace/trace-summary.js';

export const auditSchemaVersion = 1;

const strict = { additionalProperties: false } as const;
const Count = Type.Integer({ minimum: 0 });
const Line = Type.Integer({ minimum: 1 });

export const PhaseSchema = stringEnum(phaseOrder, 'Script slot: Debian maintainer script, RPM scriptlet tag, or Arch .INSTALL function.');
export const OutcomeSchema = stringEnum(['drop', 'translate', 'defer'] as const, 'What the policy decided.');
const FormatSchema = stringEnum(['deb', 'rpm', 'arch'] as const, 'Package format.');
const InterpreterKindSchema = stringEnum(
  ['sh', 'bash', 'lua', 'perl', 'python', 'program', 'deb-triggers', 'sysusers', 'other'] as const,
  'What runs the body.',
);
const LanguageSchema = stringEnum(
  ['sh', 'bash', 'lua', 'perl', 'python', 'program', 'deb-triggers', 'sysusers', 'unknown'] as const,
  'Language the analysis treated the body as.',
);
const ParserSchema = stringEnum(['tree-sitter', 'tree-sitter+mvdan-sh', 'mvdan-sh', 'line', 'none'] as const, 'Which parser read the body (tree-sitter+mvdan-sh: tree-sitter, with the statements it could not read parsed by mvdan-sh).');

export const SegmentSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('debhelper'),
      helper: Type.String({ description: 'e.g. dh_installsystemd' }),
      helperVersion: Type.Optional(Type.String()),
      template: Type.Optional(Type.String({ description: 'Autoscript template, e.g. postinst-systemd-enable' })),
      startLine: Line,
      endLine: Line,
    },
    strict,
  ),
  Type.Object(
    {
      kind: Type.Literal('rpm-macro'),
      macro: Type.String({ description: 'e.g. systemd_post' }),
      startLine: Line,
      endLine: Line,
    },
    strict,
  ),
  Type.Object({ kind: Type.Literal('plain'), startLine: Line, endLine: Line }, strict),
]);

export const RuleRefSchema = Type.Object(
  {
    id: Type.String({ description: 'Rule id, unique within its policy chain.' }),
    policy: Type.String({ description: 'Policy name, e.g. debian or base.' }),
    file: Type.String({ description: 'File the policy came from.' }),
  },
  strict,
);

export const PartRefSchema = Type.Union([
  Type.Object({ kind: Type.Literal('script') }, strict),
  Type.Object({ kind: Type.Literal('segment'), index: Count }, strict),
  Type.Object({ kind: Type.Literal('command'), index: Count }, strict),
]);

export const PartVerdictSchema = Type.Object(
  {
    part: PartRefSchema,
    outcome: OutcomeSchema,
    rule: RuleRefSchema,
    reason: Type.String(),
    actions: Type.Array(ActionSchema),
  },
  strict,
);

export const AuditVerdictSchema = Type.Object(
  {
    outcome: OutcomeSchema,
    rule: RuleRefSchema,
    reason: Type.String(),
    parts: Type.Array(PartVerdictSchema),
  },
  strict,
);

export const AuditCommandSchema = Type.Object(
  {
    name: Type.Union([Type.String(), Type.Null()], { description: 'argv[0], or null when computed at run time.' }),
    args: Type.String({ description: 'Arguments as written, joined by spaces.' }),
    line: Line,
    segment: Count,
    guards: Type.String({ description: 'Conditions it runs under, outermost first, joined by " && "; "" when none.' }),
  },
  strict,
);

export const ParseFailureSchema = Type.Object({ line: Count, column: Count, message: Type.String() }, strict);

const TriggerSchema = Type.Object(
  {
    target: Type.String(),
    op: Type.Optional(stringEnum(['<<', '<=', '=', '>=', '>>', '<', '>'] as const)),
    version: Type.Optional(Type.String()),
    priority: Type.Optional(Type.Integer()),
  },
  strict,
);

export const AuditScriptSchema = Type.Object(
  {
    phase: PhaseSchema,
    entry: Type.Optional(Type.String({ description: 'Arch: the .INSTALL function pacman calls.' })),
    installPhase: Type.Boolean({ description: 'True when a fresh install (and so an image build) runs it.' }),
    origin: Type.String({ description: 'Where it was read from, e.g. control.tar.xz:postinst.' }),
    triggers: Type.Optional(Type.Array(TriggerSchema, { description: 'RPM (file) trigger conditions.' })),
    interpreter: Type.Object({ kind: InterpreterKindSchema, argv: Type.Array(Type.String()) }, strict),
    language: LanguageSchema,
    parser: ParserSchema,
    parseError: Type.Optional(ParseFailureSchema),
    lines: Count,
    commands: Type.Array(AuditCommandSchema),
    segments: Type.Array(SegmentSchema),
    verdict: AuditVerdictSchema,
    actions: Type.Array(ActionSchema),
    risks: Type.Array(RiskSchema),
    trace: Type.Optional(ScriptTraceSchema),
  },
  strict,
);

export const AuditPackageSchema = Type.Object(
  {
    name: Type.String(),
    version: Type.String(),
    arch: Type.String(),
    format: FormatSchema,
    source: Type.String({ description: 'Package file path, or the database it was read from.' }),
    scripts: Type.Array(AuditScriptSchema),
  },
  strict,
);

const countsOf = <const K extends readonly string[]>(keys: K) =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Count])) as { [P in K[number]]: typeof Count }, strict);

export const AuditTotalsSchema = Type.Object(
  {
    packages: Count,
    scripts: Count,
    byOutcome: countsOf(['drop', 'translate', 'defer'] as const),
    scriptsWithRisks: Count,
    byRisk: countsOf(riskKinds),
    bySeverity: countsOf(severities),
    installTime: Type.Object(
      {
        scripts: Count,
        resolved: Count,
        deferred: Count,
        resolvedPercent: Type.Number({ minimum: 0, maximum: 100 }),
      },
      strict,
    ),
  },
  strict,
);

export const AuditResultSchema = Type.Object(
  {
    schemaVersion: Type.Literal(auditSchemaVersion),
    packages: Type.Array(AuditPackageSchema),
    totals: AuditTotalsSchema,
  },
  { ...strict, title: 'scriptlet audit result' },
);

export type AuditResult = Static<typeof AuditResultSchema>;
export type AuditPackage = Static<typeof AuditPackageSchema>;
export type AuditScript = Static<typeof AuditScriptSchema>;
export type AuditCommand = Static<typeof AuditCommandSchema>;
export type AuditVerdict = Static<typeof AuditVerdictSchema>;
export type AuditTotals = Static<typeof AuditTotalsSchema>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time guards: the schema must describe exactly the contract types it serialises.
const segmentsMatch: Same<Static<typeof SegmentSchema>, Segment> = true;
const partRefsMatch: Same<Static<typeof PartRefSchema>, PartRef> = true;
void segmentsMatch;
void partRefsMatch;

/** The JSON Schema document committed as docs/audit-result.schema.json, as text. */
export function auditResultJsonSchemaText(): string {
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: 'Generated from src/audit/audit-result.ts; do not edit. See docs/audit-json.md.',
    ...(JSON.parse(JSON.stringify(AuditResultSchema)) as object),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
