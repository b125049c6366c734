/**
 * A JSON Schema for manifest.json (src/build/build-manifest.ts), committed as
 * docs/manifest.schema.json for tools that read manifests. The Manifest interfaces stay the
 * declared types; the guard below fails to compile if a manifest could fall outside the schema.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ActionSchema } from '../policy/action-schema.js';
import type { Manifest } from './build-manifest.js';

const strict = { additionalProperties: false } as const;
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

const RuleSchema = Type.Object({ id: Type.String(), policy: Type.String() }, strict);

const ScriptSchema = Type.Object(
  {
    package: Type.String(),
    phase: Type.String(),
    outcome: Type.Union([Type.Literal('drop'), Type.Literal('translate'), Type.Literal('defer')]),
    rule: RuleSchema,
    reason: Type.String(),
    withdrawn: Type.Optional(Type.Boolean()),
  },
  strict,
);

const ActionEntrySchema = Type.Object(
  {
    action: ActionSchema,
    from: Type.Array(Type.Object({ package: Type.String(), phase: Type.String(), rule: RuleSchema }, strict)),
    result: Type.Union([Type.Literal('done'), Type.Literal('nothing'), Type.Literal('deferred')]),
    note: Type.Optional(Type.String()),
  },
  strict,
);

const StepSchema = Type.Object(
  {
    order: Type.Integer({ minimum: 1 }),
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9@._+-]{0,127}$' }),
    package: Type.String(),
    phase: Type.String(),
    interpreter: Type.Array(Type.String(), { minItems: 1 }),
    args: Type.Array(Type.String()),
    env: Type.Record(Type.String(), Type.String()),
    sha256: Type.Union([Sha256, Type.Null()]),
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 604800 }),
    reason: Type.String(),
  },
  strict,
);

const ConflictSchema = Type.Object(
  {
    kind: Type.Union(
      ['user-id', 'user-attributes', 'group-id', 'group-attributes', 'alternative-link', 'alternative-tie', 'symlink-target', 'statoverride'].map((k) => Type.Literal(k)),
    ),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
    subject: Type.String(),
    resolution: Type.Union([Type.Literal('first-wins'), Type.Literal('last-wins'), Type.Literal('deferred'), Type.Literal('unresolved')]),
    entries: Type.Array(
      Type.Object(
        {
          from: Type.Object({ package: Type.String(), phase: Type.String(), rule: Type.Object({ id: Type.String(), policy: Type.String(), file: Type.String() }, strict) }, strict),
          value: Type.String(),
        },
        strict,
      ),
    ),
    message: Type.String(),
  },
  strict,
);

export const ManifestSchema = Type.Object(
  {
    version: Type.Literal(1),
    request: Type.Object({ packages: Type.Array(Type.String()), useInstalled: Type.Boolean(), policy: Type.Union([Type.String(), Type.Null()]) }, strict),
    packages: Type.Array(Type.Object({ name: Type.String(), version: Type.String(), arch: Type.String(), requested: Type.Boolean() }, strict)),
    init: Type.Union([Type.Literal('systemd'), Type.Literal('sysvinit'), Type.Literal('none')]),
    scripts: Type.Array(ScriptSchema),
    actions: Type.Array(ActionEntrySchema),
    deferred: Type.Array(StepSchema),
    conflicts: Type.Array(ConflictSchema),
    warnings: Type.Array(Type.String()),
  },
  { ...strict, title: 'scriptlet appliance manifest' },
);

// Every manifest the build writes must be valid under the schema (version is the literal 1), and
// the two must name the same top-level fields (`extends` alone would allow extra ones).
type Schema = Static<typeof ManifestSchema>;
type Covered = Omit<Manifest, 'version'> & { version: 1 } extends Schema ? true : false;
type SameKeys = [keyof Manifest] extends [keyof Schema] ? ([keyof Schema] extends [keyof Manifest] ? true : false) : false;
const covered: Covered = true;
const sameKeys: SameKeys = true;
void covered;
void sameKeys;

/** The JSON Schema document committed as docs/manifest.schema.json, as text. */
export function manifestJsonSchemaText(): string {
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: 'Generated from src/build/manifest-schema.ts; do not edit. See docs/building.md.',
    ...(JSON.parse(JSON.stringify(ManifestSchema)) as object),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
