/**
 * The human report of a trace: result, calls, accounts, files, output, notes.
 */
import type { FileChange, FileState } from './tree-diff.js';
import type { TraceReport } from './trace-report.js';

function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function mode(m: number): string {
  return m.toString(8).padStart(4, '0');
}

function describe(s: FileState): string {
  const parts = [s.type, mode(s.mode), `${s.uid}:${s.gid}`];
  if (s.target !== undefined) parts.push(`-> ${s.target}`);
  if (s.size !== undefined) parts.push(`${s.size} B`);
  if (s.sha256 !== undefined) parts.push(`sha256:${s.sha256.slice(0, 12)}`);
  return parts.join(' ');
}

function fileLine(f: FileChange): string {
  const mark = f.change === 'created' ? '+' : f.change === 'removed' ? '-' : '~';
  if (f.change === 'created') return `  ${mark} ${f.path}  ${describe(f.after!)}`;
  if (f.change === 'removed') return `  ${mark} ${f.path}  (was ${describe(f.before!)})`;
  return `  ${mark} ${f.path}  [${f.fields!.join(',')}] ${describe(f.before!)}  =>  ${describe(f.after!)}`;
}

export function renderTraceText(r: TraceReport): string {
  const out: string[] = [];
  const status = r.result.timedOut
    ? `killed after ${r.sandbox.timeoutSeconds} s (timeout)`
    : r.result.exitCode !== null
      ? `exit ${r.result.exitCode}`
      : `killed by signal ${r.result.signal ?? '?'}`;
  out.push(`${r.package.name} ${r.package.version} ${r.script.phase}${r.script.entry ? ` (${r.script.entry})` : ''}: ${status} in ${(r.result.durationMs / 1000).toFixed(1)} s`);
  out.push(`  run:     ${r.script.argv.map(quote).join(' ')}`);
  out.push(`  sandbox: ${r.sandbox.mode}, root ${r.sandbox.root} (${r.sandbox.scratch})${r.sandbox.packageUnpacked ? ' + package unpacked' : ''}, ${r.sandbox.tty ? 'pty' : 'pipes'}, pids ${r.sandbox.pidsLimit}${r.sandbox.preseed ? `, preseed ${r.sandbox.preseed}` : ''}`);
  out.push('');
  out.push(`Commands seen by shims (${r.calls.length})${r.callLogTampered ? ' [log tampered with]' : ''}:`);
  for (const c of r.calls) {
    const how = c.outcome ? `${c.outcome}${c.exit !== undefined ? ` ${c.exit}` : ''}` : 'no exit recorded';
    out.push(`  ${[c.name, ...c.args].map(quote).join(' ')}  [${how}]`);
  }
  if (r.xtrace) {
    out.push('');
    out.push(`Shell trace (${r.xtrace.length} lines):`);
    for (const l of r.xtrace) out.push(`  + ${l}`);
  }
  const a = r.accounts;
  out.push('');
  out.push('Accounts:');
  for (const u of a.users.added) out.push(`  + user ${u.name} uid=${u.uid} gid=${u.gid} home=${u.home} shell=${u.shell}`);
  for (const u of a.users.removed) out.push(`  - user ${u.name}`);
  for (const c of a.users.changed) out.push(`  ~ user ${c.after.name}`);
  for (const g of a.groups.added) out.push(`  + group ${g.name} gid=${g.gid}${g.members.length ? ` members=${g.members.join(',')}` : ''}`);
  for (const g of a.groups.removed) out.push(`  - group ${g.name}`);
  for (const c of a.groups.changed) out.push(`  ~ group ${c.after.name} members=${c.after.members.join(',')}`);
  if (a.users.added.length + a.users.removed.length + a.users.changed.length + a.groups.added.length + a.groups.removed.length + a.groups.changed.length === 0) {
    out.push('  (none)');
  }
  out.push('');
  out.push(`Files (${r.files.length}):`);
  for (const f of r.files) out.push(fileLine(f));
  if (r.files.length === 0) out.push('  (none)');
  out.push('');
  out.push('Output:');
  const text = r.output.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  out.push(text === '' ? '  (none)' : text.split('\n').map((l) => `  | ${l}`).join('\n'));
  if (r.outputDroppedBytes > 0) out.push(`  (${r.outputDroppedBytes} more bytes dropped)`);
  if (r.notes.length > 0) {
    out.push('');
    out.push('Notes:');
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return `${out.join('\n')}\n`;
}
