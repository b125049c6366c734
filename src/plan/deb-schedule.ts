/**
 * The runs dpkg makes when a set of packages is installed fresh, as apt drives it: debconf
 * `config` scripts first (dpkg-preconfigure), then every package unpacked (preinst) in install
 * order, then every package configured (postinst) in install order; a package's Pre-Depends are
 * configured (with their own dependencies) before it is unpacked, as dpkg requires.
 *
 * Triggers (dpkg lib/dpkg/triglib.c, src/main/trigproc.c): an activation only pends on an
 * interested package that is already configured; one not yet configured is covered by its own
 * coming `postinst configure`. Explicit `activate*` directives fire when the activating package is
 * unpacked and again when it is configured, so a trigger pends when its activator is unpacked or
 * configured after the interested package was configured. Pending triggers are processed after
 * every package is configured, once per package, with all its trigger names (dpkg processes
 * awaited triggers sooner, before a dependant of the awaiting package is configured; the plan
 * keeps them at the end). File triggers fire when files are unpacked: the package data carries no
 * file lists, so they are matched only in the common case where no package is unpacked after the
 * interested one is configured (then nothing can pend); otherwise a note says so.
 */
import type { Package, Scriptlet } from '../formats/types.js';
import { debTriggerDirectives, type DebTriggerDirectives } from './deb-trigger-directives.js';
import type { InstallOrder } from './install-order.js';
import type { PendingTrigger } from './pending-trigger.js';
import type { PlanNote } from './plan-note.js';
import type { ScheduledRun } from './scheduled-run.js';
import type { Schedule } from './schedule.js';

export function debSchedule(order: InstallOrder): Schedule {
  const runs: ScheduledRun[] = [];
  const notes: PlanNote[] = [];
  const script = (p: Package, phase: Scriptlet['phase']): Scriptlet | undefined => p.scriptlets.find((s) => s.phase === phase);
  const directives = new Map<Package, DebTriggerDirectives>(order.packages.map((p) => [p, debTriggerDirectives(p)]));
  const unpacked = new Set<Package>();
  const configured = new Set<Package>();
  const configuring = new Set<Package>();
  // Interested package -> trigger name -> activators.
  const pend = new Map<Package, Map<string, Set<Package>>>();
  const configuredAt = new Map<Package, number>();
  let lastUnpack = -1;
  let clock = 0;

  const activate = (activator: Package): void => {
    for (const name of directives.get(activator)!.activates) {
      for (const p of order.packages) {
        if (p === activator || !configured.has(p) || !directives.get(p)!.interests.includes(name)) continue;
        const names = pend.get(p) ?? new Map<string, Set<Package>>();
        names.set(name, (names.get(name) ?? new Set()).add(activator));
        pend.set(p, names);
      }
    }
  };

  const configure = (p: Package): void => {
    if (configured.has(p) || configuring.has(p) || !unpacked.has(p)) return;
    configuring.add(p);
    const deps = order.dependencies.get(p)!;
    for (const d of [...deps.pre, ...deps.plain]) configure(d);
    activate(p);
    const postinst = script(p, 'postinst');
    if (postinst) runs.push({ pkg: p, scriptlet: postinst, stage: 'configure', cause: 'verdict' });
    configuring.delete(p);
    configured.add(p);
    configuredAt.set(p, clock++);
  };

  for (const p of order.packages) {
    const config = script(p, 'config');
    if (config) runs.push({ pkg: p, scriptlet: config, stage: 'preconfigure', cause: 'verdict' });
  }
  for (const p of order.packages) {
    for (const d of order.dependencies.get(p)!.pre) configure(d);
    const preinst = script(p, 'preinst');
    if (preinst) runs.push({ pkg: p, scriptlet: preinst, stage: 'unpack', cause: 'verdict' });
    unpacked.add(p);
    lastUnpack = clock++;
    activate(p);
  }
  for (const p of order.packages) configure(p);

  const pending: Omit<PendingTrigger, 'resolution'>[] = [];
  for (const p of order.packages) {
    const fileInterests = directives.get(p)!.fileInterests;
    if (fileInterests.length > 0) {
      const early = configuredAt.get(p)! < lastUnpack;
      notes.push({
        kind: 'file-trigger-unmatched',
        severity: early ? 'warning' : 'info',
        package: p.name,
        phase: 'triggers',
        message: early
          ? `file triggers ${fileInterests.join(', ')} may be activated by packages unpacked after ${p.name} is configured (a Pre-Depends forces it early); without file lists they are not matched`
          : `file triggers ${fileInterests.join(', ')} need no processing: every package is unpacked before ${p.name} is configured`,
      });
    }
    const names = pend.get(p);
    const postinst = script(p, 'postinst');
    if (!names) continue;
    const sorted = [...names.keys()].sort();
    const activators = new Set([...names.values()].flatMap((s) => [...s]));
    pending.push({
      package: p.name,
      names: sorted,
      activatedBy: order.packages.filter((q) => activators.has(q)).map((q) => q.name),
    });
    if (postinst) runs.push({ pkg: p, scriptlet: postinst, stage: 'triggers', cause: 'trigger', triggers: sorted });
  }
  return { runs, pending, notes };
}
