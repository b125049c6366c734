/**
 * What `scriptlet trace` reports about one script run. Each field says how it was obtained:
 * `calls` were observed by the shims, `xtrace` by the script's own shell, `files` and `accounts`
 * by comparing the tree before and after; nothing here is inferred from the script's text.
 */
import type { PackageFormat, Phase } from '../formats/types.js';
import type { AccountDiff } from './account-diff.js';
import type { SandboxMode } from './sandbox-argv.js';
import type { ScratchKind } from './scratch-tree.js';
import type { ShimCall } from './shim-log.js';
import type { FileChange } from './tree-diff.js';

export interface TraceReport {
  package: { name: string; version: string; arch: string; format: PackageFormat; source: string };
  script: {
    phase: Phase;
    entry?: string;
    /** The command run inside the sandbox (interpreter, script path, arguments). */
    argv: string[];
    args: string[];
    env: Record<string, string>;
  };
  sandbox: {
    mode: SandboxMode;
    /** `base <key>` (cached minbase tree) or `dir <dir>` (a given tree). */
    root: string;
    /** How the script got a writable tree: an overlay over the root, or a copy of it. */
    scratch: ScratchKind;
    /** The version of the package the root had installed before (a reinstall, not a fresh install). */
    preinstalled?: string;
    packageUnpacked: boolean;
    tty: boolean;
    timeoutSeconds: number;
    /** The process limit applied, or `none`. */
    pidsLimit: string;
    preseed?: string;
  };
  result: {
    exitCode: number | null;
    /** Signal number when the sandbox ended by one. */
    signal: number | null;
    timedOut: boolean;
    durationMs: number;
  };
  /** Terminal output (stdout and stderr as a terminal shows them), without xtrace lines. */
  output: string;
  outputDroppedBytes: number;
  calls: ShimCall[];
  /** Set when the call log ended in a record that does not parse (the script wrote to it). */
  callLogTampered: boolean;
  /** `sh -x` lines of the script's own shell, with --xtrace (absent otherwise). */
  xtrace?: string[];
  files: FileChange[];
  accounts: AccountDiff;
  /** Things the reader must know to interpret the trace (limits of what was observed). */
  notes: string[];
}
