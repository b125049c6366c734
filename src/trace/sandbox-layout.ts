/**
 * Fixed paths inside the sandbox. The harness mounts its own files under one directory at the
 * top of the traced tree so they can be told apart from the script's effects and left out of
 * the diff.
 */
export const HARNESS_DIR = '/.scriptlet-trace';
/** Shims, prepended to PATH (read-only). */
export const SHIM_DIR = `${HARNESS_DIR}/bin`;
/** Where shims append their records (writable: the script can write here too). */
export const LOG_DIR = `${HARNESS_DIR}/log`;
export const CALL_LOG = `${LOG_DIR}/calls`;
/** The runner, the script when it has no place in the tree, and the preseed file (read-only). */
export const RUN_DIR = `${HARNESS_DIR}/run`;
export const RUNNER = `${RUN_DIR}/runner`;
export const PRESEED = `${RUN_DIR}/preseed`;
/** debootstrap's way of keeping services from starting: a policy-rc.d that answers 101. */
export const POLICY_RC_D = '/usr/sbin/policy-rc.d';
/** Prefix of the lines `sh -x` prints when --xtrace is on (PS4). */
export const XTRACE_MARK = '+scriptlet-xtrace: ';
