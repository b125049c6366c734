/**
 * Checks a policy's translation of a script against what the script did when traced: every traced
 * effect (user, group, unit link, rc link, alternative, owner/mode change, directory, symlink, file)
 * must be covered by a translated action, and every translated action should show in the trace.
 * A dropped script must have no effect at all. Each mismatch names the rule whose translation
 * (or drop) it contradicts.
 */
import type { Action } from '../actions/action.js';
import type { RuleRef, Verdict } from '../policy/verdict.js';
import type { TraceReport } from './trace-report.js';
import type { FileChange } from './tree-diff.js';

export type MismatchKind = 'uncovered-effect' | 'unrealised-action';

export interface VerifyMismatch {
  kind: MismatchKind;
  /** The effect or the action, e.g. `user sshd`, `symlink /etc/systemd/system/x.wants/y`. */
  subject: string;
  detail: string;
  rule: RuleRef;
}

interface RuledAction {
  action: Action;
  rule: RuleRef;
}

/** Files tools keep as their own bookkeeping, explained by the action kind that uses the tool. */
const BOOKKEEPING: [RegExp, Action['kind'][]][] = [
  [/^\/etc\/(passwd|group|shadow|gshadow|subuid|subgid)-?$|^\/etc\/\.pwd\.lock$|^\/run\/adduser$|^\/var\/mail\//, ['user', 'group', 'group-member', 'sysusers']],
  [/^\/var\/lib\/dpkg\/statoverride(-old)?$/, ['path-attr', 'directory']],
  // The directory an enablement link goes into (created by the first link; nfs-ganesha.service.wants).
  [/^\/etc\/systemd\/(system|user)\/[^/]+\.(wants|requires)$/, ['systemd-enable', 'systemd-preset']],
  [/^\/var\/lib\/dpkg\/alternatives\/|^\/var\/log\/alternatives\.log$/, ['alternative']],
  [/^\/var\/cache\/debconf\//, ['debconf-register']],
  [/^\/etc\/ld\.so\.cache$|^\/var\/cache\/(fontconfig|man)\/|\/icon-theme\.cache$|\/gschemas\.compiled$|\/giomodule\.cache$|\/loaders\.cache$|\/__pycache__(\/|$)|\.pyc$|^\/etc\/ssl\/certs\/|^\/(usr\/)?lib\/modules\/|^\/boot\/|^\/usr\/share\/mime\//, ['cache']],
  // dictionaries-common's registries (update-dictcommon-*, update-default-wordlist) and the dpkg
  // trigger activations cache refreshes make.
  [/^\/var\/cache\/dictionaries-common\/|^\/etc\/dictionaries-common\/|^\/usr\/share\/dict\/words$|^\/var\/lib\/dpkg\/triggers\//, ['cache']],
];

/**
 * Where a file change is nobody's business: debconf's database is written by every confmodule
 * user; deb-systemd-helper's state (update-state runs even when nothing is enabled) only serves a
 * later purge.
 */
const IGNORED = /^\/var\/lib\/systemd\/deb-systemd-(user-)?helper-(enabled|masked)(\/|$)|^\/var\/cache\/debconf\/[^/]+\.dat(-old)?$|^\/var\/lib\/ucf\/|^\/tmp\/|^\/var\/tmp\//;

/**
 * Paths as a merged-/usr tree has them: the trace sees /usr/bin/mt where the script (and so the
 * action) said /bin/mt, because /bin is a link to usr/bin in the tree.
 */
export function usrMerged(path: string): string {
  return path.replace(/^\/(bin|sbin|lib|lib32|lib64|libx32)(\/|$)/, '/usr/$1$2');
}

/** An action the policy made conditional (a path test of the script): the trace may rightly skip it. */
function conditional(a: Action): boolean {
  const when = (a as { when?: unknown }).when;
  return Array.isArray(when) && when.length > 0;
}

function unitOfLink(path: string): string | undefined {
  const m = /^\/etc\/systemd\/(system|user)\/[^/]+\.(wants|requires)\/([^/]+)$/.exec(path);
  return m?.[3];
}

function sysvOfLink(path: string): string | undefined {
  return /^\/etc\/rc[0-6S]\.d\/[SK][0-9]{2}(.+)$/.exec(path)?.[1];
}

function sysusersNames(a: Action, kind: 'u' | 'g'): string[] {
  if (a.kind !== 'sysusers' || !a.lines) return [];
  return a.lines
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === kind || (kind === 'g' && f[0] === 'u'))
    .map((f) => f[1] ?? '');
}

function covers(actions: RuledAction[], pred: (a: Action) => boolean): boolean {
  return actions.some((r) => pred(r.action));
}

export function verifyTranslation(verdict: Verdict, report: TraceReport): VerifyMismatch[] {
  const out: VerifyMismatch[] = [];
  if (verdict.outcome === 'defer') return out;
  const actions: RuledAction[] = verdict.parts.filter((p) => p.outcome === 'translate').flatMap((p) => p.actions.map((action) => ({ action, rule: p.rule })));
  const has = (kind: Action['kind']): boolean => actions.some((r) => r.action.kind === kind);
  const uncovered = (subject: string, detail: string): void => {
    out.push({ kind: 'uncovered-effect', subject, detail: verdict.outcome === 'drop' ? `the script is dropped but ${detail}` : detail, rule: verdict.rule });
  };

  for (const u of report.accounts.users.added) {
    const ok = covers(actions, (a) => (a.kind === 'user' && a.name === u.name) || sysusersNames(a, 'u').includes(u.name) || (a.kind === 'sysusers' && !a.lines));
    if (!ok) uncovered(`user ${u.name}`, `the trace added user ${u.name} (uid ${u.uid}) and no translated action creates it`);
  }
  for (const g of report.accounts.groups.added) {
    const ok = covers(
      actions,
      (a) =>
        (a.kind === 'group' && a.name === g.name) ||
        (a.kind === 'user' && (a.createGroup === true || a.group === undefined) && (a.group ?? a.name) === g.name) ||
        sysusersNames(a, 'g').includes(g.name) ||
        (a.kind === 'sysusers' && !a.lines),
    );
    if (!ok) uncovered(`group ${g.name}`, `the trace added group ${g.name} (gid ${g.gid}) and no translated action creates it`);
  }
  for (const c of report.accounts.groups.changed) {
    const added = c.after.members.filter((m) => !c.before.members.includes(m));
    for (const m of added) {
      if (!covers(actions, (a) => a.kind === 'group-member' && a.group === c.after.name && a.user === m)) {
        uncovered(`group-member ${c.after.name} ${m}`, `the trace added ${m} to group ${c.after.name} and no translated action does`);
      }
    }
  }

  for (const f of report.files) checkFile(f, actions, has, uncovered);

  // The other way: translated actions the trace does not show. Not judged when the root had the
  // package installed already: its links and alternatives are there before the script runs.
  if (report.sandbox.preinstalled !== undefined) return out.sort((x, y) => (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : 0));
  const created = new Map(report.files.filter((f) => f.change !== 'removed').map((f) => [usrMerged(f.path), f]));
  const unrealised = (r: RuledAction, subject: string, detail: string): void => {
    out.push({ kind: 'unrealised-action', subject, detail, rule: r.rule });
  };
  for (const r of actions) {
    const a = r.action;
    if (conditional(a)) continue;
    if (a.kind === 'systemd-enable' && !a.user) {
      const linked = [...created.values()].some((f) => f.after?.type === 'symlink' && unitOfLink(f.path) === a.unit);
      if (!linked) unrealised(r, `systemd-enable ${a.unit}`, `no .wants/.requires link for ${a.unit} appeared in the trace`);
    } else if (a.kind === 'alternative') {
      // A group the root already has (a higher-priority member installed) keeps its link: the
      // registration in dpkg's alternatives database is then the only trace of the action.
      if (!created.has(`/etc/alternatives/${a.name}`) && !created.has(`/var/lib/dpkg/alternatives/${a.name}`)) {
        unrealised(r, `alternative ${a.name}`, `neither /etc/alternatives/${a.name} nor its registration appeared in the trace`);
      }
    } else if (a.kind === 'symlink') {
      const f = created.get(usrMerged(a.path));
      if (f?.after?.type !== 'symlink' || f.after.target !== a.target) unrealised(r, `symlink ${a.path}`, `the trace has no link ${a.path} -> ${a.target}`);
    } else if (a.kind === 'path-attr') {
      const f = created.get(usrMerged(a.path));
      if (a.mode !== undefined && f?.after !== undefined && f.after.mode !== a.mode) {
        unrealised(r, `path-attr ${a.path}`, `the trace left mode ${f.after.mode.toString(8)}, the action sets ${a.mode.toString(8)}`);
      }
    } else if (a.kind === 'directory') {
      const f = created.get(usrMerged(a.path));
      if (f?.after !== undefined && a.mode !== undefined && f.after.mode !== a.mode) {
        unrealised(r, `directory ${a.path}`, `the trace made it mode ${f.after.mode.toString(8)}, the action ${a.mode.toString(8)}`);
      }
    }
  }
  return out.sort((x, y) => (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : 0));
}

function checkFile(
  f: FileChange,
  actions: RuledAction[],
  has: (kind: Action['kind']) => boolean,
  uncovered: (subject: string, detail: string) => void,
): void {
  if (IGNORED.test(f.path)) return;
  const book = BOOKKEEPING.find(([re]) => re.test(f.path));
  if (book && book[1].some(has)) return;
  const after = f.after;
  if (f.change === 'removed') {
    if (!covers(actions, (a) => (a.kind === 'remove' && (usrMerged(a.path) === usrMerged(f.path) || (a.recursive && usrMerged(f.path).startsWith(`${usrMerged(a.path)}/`)))) || a.kind === 'conffile-op')) {
      uncovered(`removed ${f.path}`, `the trace removed ${f.path} and no translated action does`);
    }
    return;
  }
  if (after?.type === 'symlink') {
    const unit = unitOfLink(f.path);
    if (unit !== undefined && covers(actions, (a) => (a.kind === 'systemd-enable' || a.kind === 'systemd-preset') && a.unit === unit)) return;
    if (/^\/etc\/systemd\/system\/[^/]+$/.test(f.path) && has('systemd-enable')) return;
    const sysv = sysvOfLink(f.path);
    if (sysv !== undefined && covers(actions, (a) => a.kind === 'sysv-enable' && a.script === sysv)) return;
    if (f.path.startsWith('/etc/alternatives/') && covers(actions, (a) => a.kind === 'alternative' && (a.name === f.path.slice(18) || a.slaves.some((s) => s.name === f.path.slice(18))))) return;
    const at = usrMerged(f.path);
    if (covers(actions, (a) => a.kind === 'alternative' && (usrMerged(a.link) === at || a.slaves.some((s) => usrMerged(s.link) === at)))) return;
    if (covers(actions, (a) => a.kind === 'symlink' && usrMerged(a.path) === at)) return;
    uncovered(`symlink ${f.path}`, `the trace made ${f.path} -> ${after.target ?? '?'} and no translated action does`);
    return;
  }
  const attrOnly = f.change === 'changed' && f.fields!.every((x) => x === 'mode' || x === 'owner');
  if (attrOnly) {
    if (!covers(actions, (a) => (a.kind === 'path-attr' || a.kind === 'directory') && usrMerged(a.path) === usrMerged(f.path))) {
      uncovered(`attributes ${f.path}`, `the trace changed ${f.fields!.join(' and ')} of ${f.path} and no translated action does`);
    }
    return;
  }
  if (after?.type === 'dir') {
    const ok = covers(
      actions,
      (a) => (a.kind === 'directory' && (a.path === f.path || a.path.startsWith(`${f.path}/`))) || (a.kind === 'user' && a.home === f.path) || a.kind === 'tmpfiles',
    );
    if (!ok) uncovered(`directory ${f.path}`, `the trace made directory ${f.path} and no translated action does`);
    return;
  }
  if (covers(actions, (a) => a.kind === 'tmpfiles' || a.kind === 'conffile-op')) return;
  uncovered(`file ${f.path}`, `the trace ${f.change === 'created' ? 'created' : 'changed'} ${f.path} and no translated action accounts for it`);
}
