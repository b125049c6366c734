import type { Schedule } from './schedule.js';
import type { InstallOrder } from './install-order.js';
import type { ScheduledRun } from './scheduled-run.js';

/**
 * pacman installs package by package in dependency order, calling `pre_install` before it
 * extracts the files and `post_install` after (libalpm add.c). Arch has no triggers in packages
 * (alpm hooks live in files, not scripts).
 */
export function archSchedule(order: InstallOrder): Schedule {
  const runs: ScheduledRun[] = [];
  for (const p of order.packages) {
    for (const phase of ['pre_install', 'post_install'] as const) {
      const s = p.scriptlets.find((x) => x.phase === phase);
      if (s) runs.push({ pkg: p, scriptlet: s, stage: 'install', cause: 'verdict' });
    }
  }
  return { runs, pending: [], notes: [] };
}
