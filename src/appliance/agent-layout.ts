/**
 * Where the guest agent and its data live inside an appliance. The agent (guest-agent/agent) reads
 * these same paths; docs/guest-agent.md describes them. Paths are relative to the image root.
 */

/** The agent's fixed prefix: the agent itself and the deferred plan. */
export const AGENT_PREFIX = 'usr/lib/scriptlet';

/** The plan and one directory per step. */
export const DEFERRED_DIR = `${AGENT_PREFIX}/deferred`;

/** Journal, status.json, logs/, summary.log and the `done` marker, written at first boot. */
export const AGENT_STATE_DIR = 'var/lib/scriptlet';

/** One file of the guest agent as shipped in the repository's guest-agent/ directory. */
export interface AgentFile {
  /** Path under guest-agent/ in this repository. */
  source: string;
  /** Path inside the image. */
  target: string;
  mode: number;
}

/**
 * The agent and its start hooks. The build step also needs the enable links, which depend on the
 * init system it finds in the image (see docs/guest-agent.md), so they are not listed here.
 */
export const AGENT_FILES: readonly AgentFile[] = [
  { source: 'agent', target: `${AGENT_PREFIX}/agent`, mode: 0o755 },
  { source: 'init', target: `${AGENT_PREFIX}/init`, mode: 0o755 },
  { source: 'mounts', target: `${AGENT_PREFIX}/mounts`, mode: 0o644 },
  { source: 'scriptlet-agent.init', target: 'etc/init.d/scriptlet-agent', mode: 0o755 },
  { source: 'scriptlet-agent.service', target: 'usr/lib/systemd/system/scriptlet-agent.service', mode: 0o644 },
];
