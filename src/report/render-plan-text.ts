/**
 * The plan for people: install order, actions grouped by kind with where they came from,
 * alternatives, conflicts, deferred steps with their arguments, environment and reason, trigger
 * processing, notes, and a summary line. Plain text, stable (no terminal widths).
 */
import type { Action } from '../actions/action.js';
import { describeCondition } from '../apply/path-conditions.js';
import type { Plan } from '../plan/plan.js';
import type { Provenance } from '../plan/provenance.js';
import { plural } from './plural.js';

export function renderPlanText(plan: Plan): string {
  const out: string[] = [];
  const section = (title: string, count: number): void => {
    out.push('', `${title} (${count})`);
  };

  section('Install order', plan.order.length);
  plan.order.forEach((p, i) => out.push(`  ${String(i + 1).padStart(3)}. ${p.name} ${p.version} ${p.arch}`));
  for (const b of plan.brokenDependencies) {
    out.push(`       cycle broken: ${b.package} before its ${b.pre ? 'pre-dependency' : 'dependency'} ${b.on}`);
  }

  section('Actions', plan.actions.length);
  const kinds = [...new Set(plan.actions.map((a) => a.action.kind))].sort();
  for (const kind of kinds) {
    out.push(`  ${kind}:`);
    for (const a of plan.actions.filter((x) => x.action.kind === kind)) {
      out.push(`    ${describeAction(a.action)}  <- ${describeFrom(a.from)}`);
    }
  }

  if (plan.alternatives.length > 0) {
    section('Alternatives', plan.alternatives.length);
    for (const a of plan.alternatives) {
      const others = a.candidates.length > 1 ? ` (over ${a.candidates.slice(1).map((c) => `${c.path} ${c.priority}`).join(', ')})` : '';
      out.push(`  ${a.name} ${a.link} -> ${a.winner.path} priority ${a.winner.priority} from ${a.winner.from.package}${others}`);
    }
  }

  section('Conflicts', plan.conflicts.length);
  for (const c of plan.conflicts) {
    out.push(`  ${c.severity} ${c.kind} ${c.subject} [${c.resolution}]: ${c.message}`);
    for (const e of c.entries) out.push(`    ${e.value}  <- ${e.from.package} ${e.from.phase} (rule ${e.from.rule.id})`);
  }

  section('Deferred steps', plan.deferred.length);
  for (const d of plan.deferred) {
    out.push(`  ${d.id}  [${d.stage}${d.cause === 'verdict' ? '' : `, ${d.cause}`}]`);
    out.push(`    run:    ${[...d.interpreter, d.script === '' ? null : '<script>', ...d.args].filter((w) => w !== null).map(quote).join(' ')}`);
    const env = Object.keys(d.env).sort().map((k) => `${k}=${quote(d.env[k]!)}`);
    if (env.length > 0) out.push(`    env:    ${env.join(' ')}`);
    out.push(`    reason: ${d.reason}`);
  }

  if (plan.triggers.length > 0) {
    section('Trigger processing', plan.triggers.length);
    for (const t of plan.triggers) {
      out.push(`  ${t.package}: ${t.names.join(' ')} (activated by ${t.activatedBy.join(', ')}) -> ${t.resolution}`);
    }
  }

  if (plan.notes.length > 0) {
    section('Notes', plan.notes.length);
    for (const n of plan.notes) out.push(`  ${n.severity} ${n.kind} ${n.package}${n.phase ? ` ${n.phase}` : ''}: ${n.message}`);
  }

  const s = plan.summary;
  out.push(
    '',
    `Summary: ${plural(s.packages, 'package')}, ${plural(s.scripts, 'script')}: ${s.dropped} dropped, ${s.translated} translated, ${s.deferred} deferred` +
      `${s.withdrawn > 0 ? ` (${s.withdrawn} after a conflict)` : ''}; ${s.actions} actions, ${s.steps} deferred steps, ` +
      `${s.conflicts.error} conflict errors, ${s.conflicts.warning} conflict warnings`,
  );
  return `${out.slice(1).join('\n')}\n`;
}

function describeFrom(from: readonly Provenance[]): string {
  const first = from.slice(0, 3).map((f) => `${f.package} ${f.phase} (${f.rule.id})`);
  return from.length > 3 ? `${first.join(', ')} and ${from.length - 3} more` : first.join(', ');
}

/**
 * One line per action: its identifying fields first, then the rest as key=value, then the path
 * tests it runs under (`if [ ! -e /etc/subuid ]`), which the build decides on the image.
 */
export function describeAction(a: Action): string {
  const when = 'when' in a && a.when !== undefined && a.when.length > 0 ? ` if ${a.when.map(describeCondition).join(' && ')}` : '';
  return `${describeFields(a)}${when}`;
}

function describeFields(a: Action): string {
  switch (a.kind) {
    case 'user':
      return `${a.name}${a.uid !== undefined ? ` uid=${a.uid}` : ''}${a.system ? ' system' : ''}${a.home ? ` home=${a.home}` : ''}${a.shell ? ` shell=${a.shell}` : ''}${a.group ? ` group=${a.group}` : ''}`;
    case 'group':
      return `${a.name}${a.gid !== undefined ? ` gid=${a.gid}` : ''}${a.system ? ' system' : ''}`;
    case 'group-member':
      return `${a.user} in ${a.group}`;
    case 'alternative':
      return `${a.name} ${a.link} -> ${a.path} priority ${a.priority}${a.slaves.length > 0 ? ` (+${a.slaves.length} slaves)` : ''}`;
    case 'symlink':
      return `${a.path} -> ${a.target}`;
    case 'cache':
      return `${a.cache}${a.args && a.args.length > 0 ? ` ${a.args.join(' ')}` : ''}`;
    default: {
      const rest = Object.entries(a)
        .filter(([k, v]) => k !== 'kind' && k !== 'when' && v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'number' && k === 'mode' ? v.toString(8).padStart(4, '0') : Array.isArray(v) ? v.join(',') : String(v)}`);
      return rest.join(' ');
    }
  }
}

/** Shell-style quoting for display, so an empty argument shows as ''. */
function quote(word: string): string {
  return /^[A-Za-z0-9@%_+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
