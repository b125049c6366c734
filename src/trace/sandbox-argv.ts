/**
 * The bubblewrap command line for one trace. The scratch tree is the sandbox's whole root: nothing
 * of the host's filesystem is visible except a fresh /proc (bwrap covers /proc/sys and friends
 * read-only), a minimal /dev, and the harness's own directories. No network namespace route
 * exists, so nothing connects anywhere, 127.0.0.1 included.
 *
 * Two modes, because user namespaces map only one id when made by bwrap:
 * - `userns` (any user; the default for non-root): a user namespace in which uid/gid 0 is the
 *   caller. Files look root-owned inside; chown to any other id fails (EINVAL), as it would for a
 *   script run by fakeroot-less unprivileged tooling. The capabilities a package manager's root
 *   has on files are granted inside the namespace only.
 * - `host-root` (the caller is root and did not ask for a user namespace): no user namespace, so
 *   every uid and gid exists and chown works as in a real install; the sandbox keeps only file
 *   capabilities (no CAP_SYS_ADMIN, CAP_MKNOD, CAP_NET_*, CAP_SYS_MODULE…), so it cannot mount,
 *   make device nodes or load modules, and the mount and pid namespaces keep its view to the tree.
 */
import { HARNESS_DIR, LOG_DIR, POLICY_RC_D, RUN_DIR, SHIM_DIR } from './sandbox-layout.js';

export type SandboxMode = 'userns' | 'host-root';

export interface SandboxSpec {
  mode: SandboxMode;
  /** Host path of the scratch tree (becomes `/`). */
  tree: string;
  /** Host paths of the harness directories. */
  shimDir: string;
  logDir: string;
  runDir: string;
  /** Host file bound read-only over /usr/sbin/policy-rc.d. */
  policyRcD: string;
  /** The complete environment of the command (nothing of the host's leaks in). */
  env: Record<string, string>;
  /** What runs inside, as an argv. */
  command: string[];
  hostname?: string;
}

/** Capabilities a package manager's root uses on files, and nothing that reaches the kernel. */
export const SANDBOX_CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SYS_CHROOT',
  'CAP_AUDIT_WRITE',
] as const;

export function sandboxArgv(spec: SandboxSpec): string[] {
  const ns =
    spec.mode === 'userns'
      ? ['--unshare-all', '--uid', '0', '--gid', '0']
      : ['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try'];
  const argv = [
    'bwrap',
    ...ns,
    '--die-with-parent',
    '--new-session',
    '--hostname',
    spec.hostname ?? 'scriptlet-trace',
    '--cap-drop',
    'ALL',
    ...SANDBOX_CAPS.flatMap((c) => ['--cap-add', c]),
    '--bind',
    spec.tree,
    '/',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    // A tmpfs, so nothing the script writes under the harness path lands in the tree unseen.
    '--tmpfs',
    HARNESS_DIR,
    '--ro-bind',
    spec.shimDir,
    SHIM_DIR,
    '--bind',
    spec.logDir,
    LOG_DIR,
    '--ro-bind',
    spec.runDir,
    RUN_DIR,
    '--ro-bind',
    spec.policyRcD,
    POLICY_RC_D,
    '--remount-ro',
    HARNESS_DIR,
    '--chdir',
    '/',
    '--clearenv',
  ];
  for (const [k, v] of Object.entries(spec.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) argv.push('--setenv', k, v);
  argv.push('--', ...spec.command);
  return argv;
}
