/**
 * A runtime schema for the Action union, to check what JavaScript translators hand back from the
 * sandbox. src/actions/action.ts stays the declared type; the check below fails to compile if the
 * two drift apart.
 */
import { Type, type Static, type TLiteral } from '@sinclair/typebox';
import type { Action, CacheKind } from '../actions/action.js';

const cacheKinds = [
  'ldconfig',
  'fontconfig',
  'icons',
  'mime',
  'desktop',
  'gio-modules',
  'gdk-pixbuf',
  'glib-schemas',
  'depmod',
  'python-bytecode',
  'man-db',
  'ca-certificates',
  'initramfs',
  'emacs-add-ons',
  'dictd',
  'font-indexes',
  'hwdb',
  'dictionaries-common',
] as const satisfies readonly CacheKind[];

const Name = Type.String({ minLength: 1 });
const Path = Type.String({ pattern: '^/' });
const Mode = Type.Integer({ minimum: 0, maximum: 0o7777 });
const Id = Type.Integer({ minimum: 0, maximum: 0xffffffff });
const strict = { additionalProperties: false } as const;
const When = Type.Optional(
  Type.Array(Type.Object({ path: Path, test: Type.Union([Type.Literal('e'), Type.Literal('f'), Type.Literal('d'), Type.Literal('h'), Type.Literal('statoverride')]), holds: Type.Boolean(), scope: Type.String() }, strict)),
);

export const ActionSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('user'),
      name: Name,
      system: Type.Boolean(),
      uid: Type.Optional(Id),
      group: Type.Optional(Name),
      createGroup: Type.Optional(Type.Boolean()),
      home: Type.Optional(Path),
      createHome: Type.Optional(Type.Boolean()),
      shell: Type.Optional(Path),
      gecos: Type.Optional(Type.String()),
      ifAbsent: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  Type.Object({ kind: Type.Literal('group'), name: Name, system: Type.Boolean(), gid: Type.Optional(Id) }, strict),
  Type.Object({ kind: Type.Literal('group-member'), group: Name, user: Name }, strict),
  Type.Object({ kind: Type.Literal('systemd-enable'), unit: Name, user: Type.Optional(Type.Boolean()) }, strict),
  Type.Object({ kind: Type.Literal('systemd-preset'), unit: Name }, strict),
  Type.Object({ kind: Type.Literal('sysv-enable'), script: Name, args: Type.Array(Type.String()) }, strict),
  Type.Object(
    {
      kind: Type.Literal('alternative'),
      name: Name,
      link: Path,
      path: Path,
      priority: Type.Integer(),
      slaves: Type.Array(Type.Object({ name: Name, link: Path, path: Path }, strict)),
    },
    strict,
  ),
  Type.Object(
    {
      kind: Type.Literal('directory'),
      path: Path,
      mode: Type.Optional(Mode),
      owner: Type.Optional(Name),
      group: Type.Optional(Name),
      when: When,
    },
    strict,
  ),
  Type.Object(
    {
      kind: Type.Literal('path-attr'),
      path: Path,
      mode: Type.Optional(Mode),
      owner: Type.Optional(Name),
      group: Type.Optional(Name),
      statoverride: Type.Optional(Type.Boolean()),
      when: When,
    },
    strict,
  ),
  Type.Object({ kind: Type.Literal('symlink'), path: Path, target: Name, when: When }, strict),
  Type.Object({ kind: Type.Literal('remove'), path: Path, recursive: Type.Boolean(), when: When }, strict),
  Type.Object({ kind: Type.Literal('tmpfiles'), config: Name, lines: Type.Optional(Type.Array(Type.String())), when: When }, strict),
  Type.Object(
    { kind: Type.Literal('sysusers'), config: Name, lines: Type.Optional(Type.Array(Type.String())) },
    strict,
  ),
  Type.Object(
    {
      kind: Type.Literal('cache'),
      cache: Type.Union(cacheKinds.map((k) => Type.Literal(k)) as TLiteral<CacheKind>[]),
      args: Type.Optional(Type.Array(Type.String())),
    },
    strict,
  ),
  Type.Object(
    { kind: Type.Literal('debconf-register'), template: Name, question: Type.Optional(Type.String()) },
    strict,
  ),
  Type.Object(
    {
      kind: Type.Literal('conffile-op'),
      op: Type.Union([
        Type.Literal('rm_conffile'),
        Type.Literal('mv_conffile'),
        Type.Literal('symlink_to_dir'),
        Type.Literal('dir_to_symlink'),
      ]),
      args: Type.Array(Type.String()),
    },
    strict,
  ),
  Type.Object({ kind: Type.Literal('ucf'), template: Path, path: Path, threeWay: Type.Boolean() }, strict),
  Type.Object({ kind: Type.Literal('ucf-register'), package: Name, path: Path, force: Type.Boolean() }, strict),
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time guard: editing Action without this schema (or the reverse) breaks the build here.
const actionSchemaMatchesType: Same<Static<typeof ActionSchema>, Action> = true;
void actionSchemaMatchesType;

/** What a translator returns: actions, or null for "cannot translate this form". */
export const TranslatorResultSchema = Type.Union([Type.Array(ActionSchema), Type.Null()]);
