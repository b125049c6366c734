/**
 * Whether a command runs only when an account lookup found nothing: `getent passwd NAME ||
 * adduser ...`, `if ! getent passwd NAME; then adduser ...`. Such a command never runs against an
 * existing account, so what the tool would do to one (adduser exits 1 for a user that is not a
 * system user) is not what the script does.
 */
import type { Command } from '../../shell/analysis.js';

const lookup = /^getent\s+(passwd|group)\s+(['"]?)([^\s'"$`\\]+)\2(?:\s+\d?>\s*\/dev\/null(?:\s+2>&1)?|\s+2>&1\s*>\s*\/dev\/null)*\s*$/;

export function runsOnlyIfAbsent(command: Command, database: 'passwd' | 'group', name: string): boolean {
  return command.guards.some((g) => {
    if (g.kind === 'case' || g.kind === 'function' || !g.negated) return false;
    const m = lookup.exec(g.text.trim());
    return m !== null && m[1] === database && m[3] === name;
  });
}
