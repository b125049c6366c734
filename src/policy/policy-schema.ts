/**
 * The policy file format. The TypeBox schema is the single source: the loader validates with it,
 * the TypeScript types are derived from it, and policies/policy.schema.json is generated from it.
 */
import { Type, type Static, type TLiteral, type TSchema } from '@sinclair/typebox';
import type { PackageFormat, Phase } from '../formats/types.js';
import type { Language } from '../shell/analysis.js';

/** A string or a non-empty list of strings; a list matches when any element does. */
function oneOrMany<T extends TSchema>(item: T, description: string) {
  return Type.Union([item, Type.Array(item, { minItems: 1 })], { description });
}

function literals<const T extends readonly string[]>(values: T, description?: string) {
  return Type.Union(
    values.map((v) => Type.Literal(v)) as TLiteral<T[number]>[],
    description ? { description } : {},
  );
}

/** Compile-time proof that a runtime list names every member of a union, and nothing else. */
type Exhaustive<List extends readonly string[], Union extends string> = [Union] extends [List[number]]
  ? [List[number]] extends [Union]
    ? List
    : never
  : never;

const formatList = ['deb', 'rpm', 'arch'] as const;
export const packageFormats: Exhaustive<typeof formatList, PackageFormat> = formatList;

const phaseList = [
  'preinst',
  'postinst',
  'prerm',
  'postrm',
  'config',
  'triggers',
  'pretrans',
  'pre',
  'post',
  'preun',
  'postun',
  'posttrans',
  'preuntrans',
  'postuntrans',
  'verify',
  'triggerprein',
  'triggerin',
  'triggerun',
  'triggerpostun',
  'filetriggerin',
  'filetriggerun',
  'filetriggerpostun',
  'transfiletriggerin',
  'transfiletriggerun',
  'transfiletriggerpostun',
  'sysusers',
  'pre_install',
  'post_install',
  'pre_upgrade',
  'post_upgrade',
  'pre_remove',
  'post_remove',
] as const;
export const phases: Exhaustive<typeof phaseList, Phase> = phaseList;

const languageList = [
  'sh',
  'bash',
  'lua',
  'perl',
  'python',
  'program',
  'deb-triggers',
  'sysusers',
  'unknown',
] as const;
export const languages: Exhaustive<typeof languageList, Language> = languageList;

export const families = ['debian', 'fedora', 'arch', 'any'] as const;
export type Family = (typeof families)[number];

const Globs = oneOrMany(Type.String({ minLength: 1 }), 'glob (minimatch), or a list of globs: any may match');
const Strings = oneOrMany(Type.String({ minLength: 1 }), 'a value, or a list of values: any may match');
/** Path of a JavaScript module, relative to the policy file; run in the sandbox. */
const ModulePath = Type.String({
  pattern: '^\\.{1,2}/.*\\.m?js$',
  description: 'JavaScript module relative to this policy file, e.g. "./rules/foo.js"; runs in the sandbox',
});

export const SegmentMatchSchema = Type.Object(
  {
    kind: Type.Optional(oneOrMany(literals(['debhelper', 'rpm-macro', 'plain']), 'segment kind, or a list')),
    helper: Type.Optional(Globs),
    template: Type.Optional(Globs),
    macro: Type.Optional(Globs),
  },
  {
    additionalProperties: false,
    description:
      'The generated region the part lies in: a debhelper snippet (helper, template) or an rpm macro expansion (macro).',
  },
);
export type SegmentMatch = Static<typeof SegmentMatchSchema>;

export const ArgsMatchSchema = Type.Object(
  {
    hasFlag: Type.Optional(
      oneOrMany(
        Type.String({ pattern: '^-' }),
        'some flag of this list is present: exact, `--flag=value`, or a single letter inside a short cluster (-rm)',
      ),
    ),
    noFlag: Type.Optional(oneOrMany(Type.String({ pattern: '^-' }), 'none of these flags is present')),
    first: Type.Optional(Globs),
    positional: Type.Optional(
      Type.Array(Globs, {
        minItems: 1,
        description:
          'the non-flag arguments (not starting with "-", and all after "--") start with these, each a glob or list',
      }),
    ),
    any: Type.Optional(Globs),
    literal: Type.Optional(
      Type.Boolean({ description: 'true: every argument is literal (no $var, $(..), globs); false: some is not' }),
    ),
    literalUnderRoot: Type.Optional(
      Type.Boolean({
        description: 'like literal, but a path under $DPKG_ROOT ("$DPKG_ROOT/etc/foo", empty for an install into the image) counts as literal',
      }),
    ),
    count: Type.Optional(
      Type.Object(
        { min: Type.Optional(Type.Integer({ minimum: 0 })), max: Type.Optional(Type.Integer({ minimum: 0 })) },
        { additionalProperties: false, description: 'number of arguments' },
      ),
    ),
  },
  { additionalProperties: false, description: 'The shape of the command\'s arguments; every given field must hold.' },
);
export type ArgsMatch = Static<typeof ArgsMatchSchema>;

export const GuardMatchSchema = Type.Object(
  {
    arg: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 9, description: 'positional parameter argEquals/argExcludes/argOnly/caseDefault test (default 1)' }),
    ),
    argEquals: Type.Optional(
      oneOrMany(
        Type.String(),
        'guarded by tests on $arg (case arms, [ "$1" = x ]) and the command runs for one of these values',
      ),
    ),
    argExcludes: Type.Optional(
      oneOrMany(
        Type.String(),
        'guarded by tests on $arg (values, case arms, integer comparisons such as [ $1 -gt 1 ], emptiness; `dpkg --compare-versions "$arg"` when the value is empty) under which the command never runs for any of these values',
      ),
    ),
    argOnly: Type.Optional(
      oneOrMany(Type.String(), 'guarded so that the command runs only when $arg is one of these values'),
    ),
    caseDefault: Type.Optional(
      Type.Boolean({ description: 'inside (true) or outside (false) the `*)` arm of a `case` on $arg' }),
    ),
    argEmpty: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 9, description: 'guarded by a test that this positional parameter is empty' }),
    ),
    commandExists: Type.Optional(Globs),
    commandMissing: Type.Optional(Globs),
    pathTest: Type.Optional(Globs),
    dpkgRoot: Type.Optional(Type.Boolean({ description: 'guarded (true) or not (false) by a test on $DPKG_ROOT' })),
    versionCompare: Type.Optional(
      Type.Boolean({ description: 'guarded (true) or not (false) by `dpkg --compare-versions`' }),
    ),
    stateDependent: Type.Optional(
      Type.Boolean({
        description:
          'guarded (true) or not (false) by a condition on the machine\'s state that scripts arguments do not decide: a path test, ' +
          'or a command other than a test of $N, `dpkg --compare-versions`, $DPKG_ROOT or `command -v`',
      }),
    ),
    text: Type.Optional(Globs),
    unguarded: Type.Optional(Type.Boolean({ description: 'true: the command runs under no condition at all' })),
  },
  { additionalProperties: false, description: 'Conditions the command runs under; every given field must hold.' },
);
export type GuardMatch = Static<typeof GuardMatchSchema>;

export const MatchSchema = Type.Object(
  {
    package: Type.Optional(Globs),
    format: Type.Optional(oneOrMany(literals(formatList), 'package format, or a list')),
    phase: Type.Optional(oneOrMany(literals(phaseList), 'scriptlet phase, or a list')),
    installPhase: Type.Optional(
      Type.Boolean({ description: 'true: a phase a fresh install runs; false: removal, upgrade, verify' }),
    ),
    language: Type.Optional(oneOrMany(literals(languageList), 'script language, or a list')),
    parseError: Type.Optional(Type.Boolean({ description: 'the script could not be parsed (true) or could (false)' })),
    empty: Type.Optional(Type.Boolean({ description: 'the parsed script has no commands at all' })),
    sourcesLibrary: Type.Optional(
      Type.Boolean({
        description: "the script loads shell code (`.`, `source`) from a file other than debconf's confmodule and dbconfig-common's or dpkg's shell libraries",
      }),
    ),
    segment: Type.Optional(SegmentMatchSchema),
    command: Type.Optional(Globs),
    commandDynamic: Type.Optional(
      Type.Boolean({ description: 'the command name is computed at run time (`$SCRIPT args`, `$(...)`) (true) or literal (false)' }),
    ),
    args: Type.Optional(ArgsMatchSchema),
    guard: Type.Optional(GuardMatchSchema),
    inFunction: Type.Optional(Globs),
    callsFunction: Type.Optional(
      Type.Boolean({
        description:
          'the command calls a shell function the script itself defines (true) or not (false); the function\'s own commands are parts of their own, under the guards its call sites share',
      }),
    ),
    written: Type.Optional(
      oneOrMany(
        Type.String({ minLength: 1 }),
        'the command as written, a text glob (`*` matches anything): its name, its arguments and its redirections (`>"/var/lib/$dico_class/$i"`), ' +
          'quotes and variables as in the script, joined by single spaces; for a shape only its exact text identifies (a generated template)',
      ),
    ),
    writesFiles: Type.Optional(
      Type.Boolean({
        description: 'the command redirects output into a file (standard streams and /dev/null do not count)',
      }),
    ),
    js: Type.Optional(ModulePath),
  },
  {
    additionalProperties: false,
    description: 'Every given field must hold; a list means any of its values. An empty match matches everything.',
  },
);
export type Match = Static<typeof MatchSchema>;

export const TranslateSchema = Type.Object(
  {
    translator: Type.Optional(Type.String({ minLength: 1, description: 'a built-in translator by name' })),
    js: Type.Optional(ModulePath),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'passed to the translator' })),
  },
  { additionalProperties: false, description: 'Exactly one of `translator` and `js`.' },
);
export type TranslateSpec = Static<typeof TranslateSchema>;

export const outcomes = ['drop', 'translate', 'defer'] as const;
export const scopes = ['part', 'script'] as const;

export const RuleSchema = Type.Object(
  {
    id: Type.String({
      pattern: '^[a-z0-9][a-z0-9._-]*$',
      description: 'unique in the policy chain: lower case letters, digits, ".", "_", "-"',
    }),
    match: MatchSchema,
    outcome: literals(outcomes, 'drop: no effect on an image; translate: into actions; defer: run at first boot'),
    reason: Type.String({ minLength: 1, description: 'why, for humans: shown by audit and policy explain' }),
    translate: Type.Optional(TranslateSchema),
    scope: Type.Optional(
      literals(
        scopes,
        'part (default): decides one command or generated segment; script: decides the whole script at once',
      ),
    ),
  },
  { additionalProperties: false },
);
export type Rule = Static<typeof RuleSchema>;

export const PolicySchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    family: literals(families, 'distro family the policy is for'),
    extends: Type.Optional(
      oneOrMany(
        Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$' }),
        'parent policy name(s), resolved as NAME.json5 next to this file; their rules come after these',
      ),
    ),
    description: Type.Optional(Type.String()),
    rules: Type.Array(RuleSchema, { description: 'ordered: the first matching rule wins' }),
  },
  { additionalProperties: false, title: 'scriptlet policy' },
);
export type PolicyFile = Static<typeof PolicySchema>;

/**
 * How policy files are validated: every error (a file's problems are listed together), each with
 * its schema (the messages name the properties an object allows).
 */
export const POLICY_VALIDATOR_OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

/** Match fields that look at a single command; the rest look at the scriptlet as a whole. */
export const commandMatchFields = ['command', 'commandDynamic', 'args', 'guard', 'inFunction', 'callsFunction', 'written', 'writesFiles'] as const;

/** The JSON Schema document editors use (policies/policy.schema.json), with its own id. */
export function policyJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(PolicySchema)) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://scriptlet.invalid/policy.schema.json',
    ...plain,
  };
}
