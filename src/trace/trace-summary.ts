/**
 * What `audit --trace` puts beside a script's static verdict: the effects observed when the script
 * ran in the sandbox (see trace-report.ts for the full report `scriptlet trace --json` gives), or
 * why it was not traced. Part of the audit JSON schema (an optional field of each script).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TraceReport } from './trace-report.js';

const strict = { additionalProperties: false } as const;

const ObservedFileSchema = Type.Object(
  {
    path: Type.String(),
    change: Type.Union([Type.Literal('created'), Type.Literal('changed'), Type.Literal('removed')]),
    type: Type.String({ description: 'file, dir, symlink, fifo, socket, char or block (after the change; before it for removed).' }),
    fields: Type.Optional(Type.Array(Type.String(), { description: 'For changed: type, content, mode, owner, target.' })),
    mode: Type.Optional(Type.Integer({ minimum: 0, description: 'Permission bits after the change (integer).' })),
    target: Type.Optional(Type.String({ description: 'Link target after the change.' })),
  },
  strict,
);

const ObservedCallSchema = Type.Object(
  {
    name: Type.String(),
    args: Type.Array(Type.String()),
    outcome: Type.Optional(Type.String({ description: 'forwarded (ran for real in the tree), emulated, denied (policy-rc.d 101) or missing.' })),
    exit: Type.Optional(Type.Integer()),
  },
  strict,
);

export const ScriptTraceSchema = Type.Union(
  [
    Type.Object(
      {
        status: Type.Literal('traced'),
        exitCode: Type.Union([Type.Integer(), Type.Null()], { description: 'null when killed (timeout).' }),
        timedOut: Type.Boolean(),
        durationMs: Type.Integer({ minimum: 0 }),
        root: Type.String({ description: 'The tree it ran over: `base <key> (…)` or `dir <path>`.' }),
        usersAdded: Type.Array(Type.String()),
        groupsAdded: Type.Array(Type.String()),
        files: Type.Array(ObservedFileSchema),
        calls: Type.Array(ObservedCallSchema, { description: 'Calls of shimmed commands (services, systemctl, account and file tools).' }),
      },
      strict,
    ),
    Type.Object(
      {
        status: Type.Literal('not-traced'),
        reason: Type.String(),
      },
      strict,
    ),
  ],
  { description: 'With audit --trace: what the install script did when run in the sandbox.' },
);

export type ScriptTrace = Static<typeof ScriptTraceSchema>;

/** The audit's view of a trace report: effects only, sorted as the report sorts them. */
export function summariseTrace(r: TraceReport): ScriptTrace {
  return {
    status: 'traced',
    exitCode: r.result.exitCode,
    timedOut: r.result.timedOut,
    durationMs: r.result.durationMs,
    root: r.sandbox.root,
    usersAdded: r.accounts.users.added.map((u) => u.name).sort(),
    groupsAdded: r.accounts.groups.added.map((g) => g.name).sort(),
    files: r.files.map((f) => {
      const s = f.after ?? f.before!;
      return {
        path: f.path,
        change: f.change,
        type: s.type,
        ...(f.fields ? { fields: [...f.fields] } : {}),
        ...(f.after ? { mode: f.after.mode } : {}),
        ...(f.after?.target !== undefined ? { target: f.after.target } : {}),
      };
    }),
    calls: r.calls.map((c) => ({ name: c.name, args: [...c.args], ...(c.outcome ? { outcome: c.outcome } : {}), ...(c.exit !== undefined ? { exit: c.exit } : {}) })),
  };
}
