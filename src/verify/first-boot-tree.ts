/**
 * The booted image for `verify --first-boot`: the same .deb files as pristine.tar, unpacked with no
 * script run (`--variant=extract`, the merged-usr hook), then, in mmdebstrap's extract hooks,
 * scriptlet's overlay unpacked over it (`tar-in` keeps owners and modes) and the guest agent run
 * in the tree the way an appliance with no init system runs it from /init: as root, chrooted, with
 * /proc, /sys and /dev mounted, an environment holding only PATH. mmdebstrap's own policy-rc.d and
 * start-stop-daemon stand-in are in place during hooks, as they were while the reference was
 * installed, so no service starts in either tree; both are removed before the tarball is written.
 * The agent's exit status is not the verdict: a failing step is read from its status.json.
 */
import { AGENT_PREFIX } from '../appliance/agent-layout.js';
import { UsageError } from '../errors.js';
import { debsIn, MERGED_USR_HOOKS, mmdebstrap, SAFE_PATH } from './reference-build.js';

/** The PATH /init gives the agent (guest-agent/init). */
export const INIT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface FirstBootTreeRequest {
  /** Directory of the reference set's .deb files. */
  debs: string;
  suite: string;
  mirrors: readonly string[];
  /** The overlay tarball (staged files, deferred plan, agent). */
  overlay: string;
  /** The tarball to write. */
  output: string;
  onLine?: (line: string) => void;
  timeoutMs?: number;
}

/** mmdebstrap's argv (without the program) for the request. Pure. */
export function firstBootArgv(r: Pick<FirstBootTreeRequest, 'suite' | 'mirrors' | 'overlay' | 'output'>, debs: readonly string[]): string[] {
  for (const p of [r.overlay, r.output]) {
    if (!SAFE_PATH.test(p)) throw new UsageError(`mmdebstrap's hooks cannot take a path with white space or quotes: ${p}`);
  }
  // The console lines go to stderr: in root mode /dev is the host's, and its console is not ours.
  const runAgent = `env -i PATH=${INIT_PATH} SCRIPTLET_CONSOLE=/dev/stderr chroot "$1" /${AGENT_PREFIX}/agent run || echo "scriptlet verify: the agent exited with status $?" >&2`;
  return [
    '--variant=extract',
    `--hook-dir=${MERGED_USR_HOOKS}`,
    ...debs.map((d) => `--include=${d}`),
    `--extract-hook=tar-in ${r.overlay} /`,
    `--extract-hook=${runAgent}`,
    r.suite,
    r.output,
    ...r.mirrors,
  ];
}

export async function buildFirstBootTree(r: FirstBootTreeRequest): Promise<void> {
  await mmdebstrap(firstBootArgv(r, debsIn(r.debs)), r, 'unpacking, the overlay and the guest agent');
}
