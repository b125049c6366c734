/** Exit codes are part of the interface: CI jobs gate on them. */
export const ExitCode = {
  ok: 0,
  /** `--fail-on` matched (deferred scripts or risks found). */
  gate: 1,
  /** Usage or input error: one line on stderr. */
  error: 2,
  /** A bug: something that is not a ScriptletError escaped. */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
