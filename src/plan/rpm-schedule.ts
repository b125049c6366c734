/**
 * The runs rpm makes installing a set of packages fresh in one transaction (lib/transaction.cc,
 * lib/psm.cc): every %pretrans first, in transaction order; then per package: sysusers,
 * %triggerprein, %pre, (files), %post, %triggerin; then every %posttrans; then transaction file
 * triggers.
 *
 * Package triggers fire once per owner/source pair, when the later of the two is installed:
 * %triggerin after that package's %post with `1 1`; %triggerprein before its %pre, with `1 0` when
 * the owner came first (the source is not installed yet) and `0 1` when the source came first.
 * rpm matches a trigger on the source package's name; version conditions are taken as matching.
 * File triggers need file lists the package data lacks: each %filetriggerin is assumed to fire
 * once after every package's files are in place, each %transfiletriggerin once at the end.
 */
import type { Package, Scriptlet } from '../formats/types.js';
import type { Schedule } from './schedule.js';
import type { InstallOrder } from './install-order.js';
import type { PlanNote } from './plan-note.js';
import type { ScheduledRun } from './scheduled-run.js';

export function rpmSchedule(order: InstallOrder): Schedule {
  const runs: ScheduledRun[] = [];
  const notes: PlanNote[] = [];
  const pkgs = order.packages;
  const position = new Map<Package, number>(pkgs.map((p, i) => [p, i]));
  const scripts = (p: Package, phase: Scriptlet['phase']): Scriptlet[] => p.scriptlets.filter((s) => s.phase === phase);
  const plain = (phase: Scriptlet['phase'], stage: ScheduledRun['stage']) => (p: Package) => {
    for (const s of scripts(p, phase)) runs.push({ pkg: p, scriptlet: s, stage, cause: 'verdict' });
  };
  const fired = new Set<string>();

  // The triggers of `owner` (of one phase) whose condition names `source`.
  const matching = (owner: Package, phase: Scriptlet['phase'], source: Package): Scriptlet[] =>
    scripts(owner, phase).filter((s) => (s.triggers ?? []).some((t) => t.target === source.name));

  const fire = (owner: Package, s: Scriptlet, source: Package, args: string[]): void => {
    const key = `${pkgs.indexOf(owner)}\0${owner.scriptlets.indexOf(s)}\0${pkgs.indexOf(source)}`;
    if (fired.has(key)) return;
    fired.add(key);
    runs.push({ pkg: owner, scriptlet: s, stage: 'install', cause: 'verdict', triggerArgs: args, triggers: [source.name] });
  };

  // Triggers fired when `p` is installed: other installed owners' triggers on p, and p's own
  // triggers on packages already installed (including itself).
  const packageTriggers = (p: Package, phase: 'triggerprein' | 'triggerin'): void => {
    const k = position.get(p)!;
    for (const owner of pkgs.slice(0, k)) {
      for (const s of matching(owner, phase, p)) fire(owner, s, p, phase === 'triggerin' ? ['1', '1'] : ['1', '0']);
    }
    for (const source of pkgs.slice(0, k + 1)) {
      if (phase === 'triggerprein' && source === p) continue;
      for (const s of matching(p, phase, source)) fire(p, s, source, phase === 'triggerin' ? ['1', '1'] : ['0', '1']);
    }
  };

  pkgs.forEach(plain('pretrans', 'pretrans'));
  for (const p of pkgs) {
    plain('sysusers', 'install')(p);
    packageTriggers(p, 'triggerprein');
    plain('pre', 'install')(p);
    plain('post', 'install')(p);
    packageTriggers(p, 'triggerin');
  }
  pkgs.forEach(plain('filetriggerin', 'install'));
  pkgs.forEach(plain('posttrans', 'posttrans'));
  pkgs.forEach(plain('transfiletriggerin', 'posttrans'));

  for (const p of pkgs) {
    for (const s of p.scriptlets) {
      if (s.phase === 'filetriggerin' || s.phase === 'transfiletriggerin') {
        notes.push({
          kind: 'file-trigger-unmatched',
          severity: 'info',
          package: p.name,
          phase: s.phase,
          message: `${s.phase} on ${(s.triggers ?? []).map((t) => t.target).join(', ')}: file lists are not read, so it is assumed to fire once, after every package's files are in place (its standard input, the matching file list, is empty)`,
        });
      }
      if ((s.phase === 'triggerin' || s.phase === 'triggerprein') && (s.triggers ?? []).some((t) => t.version !== undefined)) {
        notes.push({
          kind: 'trigger-version-ignored',
          severity: 'info',
          package: p.name,
          phase: s.phase,
          message: `${s.phase} conditions with versions (${(s.triggers ?? []).map((t) => `${t.target} ${t.op ?? ''} ${t.version ?? ''}`.trim()).join(', ')}) are taken as matching`,
        });
      }
    }
  }
  return { runs, pending: [], notes };
}
