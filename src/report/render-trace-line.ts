/**
 * One line for a script's observed effects (audit --trace) under its row in the audit table:
 * how the run ended, accounts added, file changes by kind, and the shimmed commands it called.
 */
import type { ScriptTrace } from '../trace/trace-summary.js';

function count(n: number, word: string): string {
  return `${n} ${word}`;
}

export function traceLine(t: ScriptTrace): string {
  if (t.status === 'not-traced') return `observed: not traced (${t.reason})`;
  const parts: string[] = [t.timedOut ? 'timed out' : `exit ${t.exitCode} in ${(t.durationMs / 1000).toFixed(1)} s`];
  if (t.usersAdded.length > 0) parts.push(`users +${t.usersAdded.join(' +')}`);
  if (t.groupsAdded.length > 0) parts.push(`groups +${t.groupsAdded.join(' +')}`);
  const by = (c: string): number => t.files.filter((f) => f.change === c).length;
  const links = t.files.filter((f) => f.change !== 'removed' && f.type === 'symlink').length;
  parts.push(
    t.files.length === 0
      ? 'no file changes'
      : `files ${[count(by('created'), 'created'), count(by('changed'), 'changed'), count(by('removed'), 'removed')].join(', ')}${links > 0 ? ` (${count(links, 'links')})` : ''}`,
  );
  const calls = new Map<string, number>();
  for (const c of t.calls) {
    const key = c.outcome === 'denied' ? `${c.name} (denied)` : c.name;
    calls.set(key, (calls.get(key) ?? 0) + 1);
  }
  if (calls.size > 0) parts.push(`calls ${[...calls].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ')}`);
  return `observed: ${parts.join('; ')}`;
}
