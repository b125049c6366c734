/**
 * Applies a plan's actions to a staging tree over the unpacked image, in phases so that every
 * name an action refers to exists when it is applied: accounts first (in the order given, which
 * is the order dpkg or rpm would run the scripts, so allocated ids match), then files and
 * directories that may be owned by those accounts, then service enablement and alternatives,
 * and caches last. Within a phase the given order is kept.
 *
 * What cannot be realised faithfully at build time comes back as deferred work with its reason:
 * one entry per action, except caches, which become one entry per cache kind for the whole image.
 * Nothing runs image code on the host.
 */
import type { Action, ActionKind, CacheKind } from '../actions/action.js';
import { isScriptletError } from '../errors.js';
import { ApplyContext } from './apply-context.js';
import { applyAlternative } from './apply-alternatives.js';
import { applyGroup, applyGroupMember, applyUser } from './apply-identity.js';
import { type ApplyOptions, resolveOptions } from './apply-options.js';
import { type ApplyOutcome, defer, nothing } from './apply-outcome.js';
import { applyDirectory, applyPathAttr, applyRemove, applySymlink } from './apply-paths.js';
import { applySysusers } from './apply-sysusers.js';
import { applySysv } from './apply-sysv.js';
import { applySystemdEnable, applySystemdPreset, findUnit, systemctlEnable } from './apply-systemd.js';
import { applyTmpfiles } from './apply-tmpfiles.js';
import { applyUcf, applyUcfRegister } from './apply-ucf.js';
import { describeCondition } from './path-conditions.js';
import { batchCommand } from './cache-commands.js';
import { exists, type ImageView } from './image-view.js';
import { StagingTree } from './staging-tree.js';

export interface AppliedAction {
  action: Action;
  outcome: ApplyOutcome;
}

export interface DeferredWork {
  /** The actions this work stands for (several for a batched cache refresh). */
  actions: Action[];
  reason: string;
  /** argv to run in the booted image, when one command does it. */
  command?: string[];
}

export interface ApplyResult {
  staging: StagingTree;
  /** Every action with what happened to it, in the order applied. */
  applied: AppliedAction[];
  deferred: DeferredWork[];
  /** Image paths the actions remove; an overlay archive cannot delete them, so the caller must. */
  removals: string[];
}

const phaseOf: Record<ActionKind, number> = {
  group: 0,
  user: 0,
  'group-member': 0,
  sysusers: 0,
  directory: 1,
  'path-attr': 1,
  symlink: 1,
  remove: 1,
  tmpfiles: 1,
  ucf: 1,
  'ucf-register': 1,
  'systemd-enable': 2,
  'systemd-preset': 2,
  'sysv-enable': 2,
  alternative: 2,
  cache: 3,
  'conffile-op': 3,
  'debconf-register': 3,
};

function applyOne(action: Action, ctx: ApplyContext): ApplyOutcome {
  if ('when' in action && action.when !== undefined && action.when.length > 0) {
    const failing = ctx.conditions.firstFailing(action.when);
    if (failing) return nothing(`the script's test ${describeCondition(failing)} does not hold on the image, so it does not do this`);
  }
  switch (action.kind) {
    case 'group':
      return applyGroup(action, ctx);
    case 'user':
      return applyUser(action, ctx);
    case 'group-member':
      return applyGroupMember(action, ctx);
    case 'sysusers':
      return applySysusers(action, ctx);
    case 'directory':
      return applyDirectory(action, ctx);
    case 'path-attr':
      return applyPathAttr(action, ctx);
    case 'symlink':
      return applySymlink(action, ctx);
    case 'remove':
      return applyRemove(action, ctx);
    case 'tmpfiles':
      return applyTmpfiles(action, ctx);
    case 'ucf':
      return applyUcf(action, ctx);
    case 'ucf-register':
      return applyUcfRegister(action, ctx);
    case 'systemd-enable':
      return applySystemdEnable(action, ctx);
    case 'systemd-preset':
      return applySystemdPreset(action, ctx);
    case 'sysv-enable': {
      const outcome = applySysv(action, ctx);
      // update-rc.d NAME enable also runs `SYSTEMCTL_SKIP_SYSV=1 systemctl enable NAME` when
      // systemctl is there.
      const systemctl = exists(ctx.view, '/bin/systemctl') || exists(ctx.view, '/usr/bin/systemctl');
      const unit = `${action.script}.service`;
      const found = findUnit(ctx, unit, ctx.options.unitPath);
      if (action.args[0] === 'enable' && outcome.kind !== 'defer' && systemctl && found && found !== 'symlink') {
        const also = systemctlEnable(ctx, unit, false);
        if (also.kind === 'defer') return also;
      }
      return outcome;
    }
    case 'alternative':
      return applyAlternative(action, ctx);
    case 'cache':
      return defer(`the ${action.cache} cache is built by the image's own tools; once at first boot`, batchCommand(action.cache, [action]));
    case 'conffile-op':
      // dpkg-maintscript-helper (dpkg 1.21): rm_conffile and mv_conffile act in preinst/postinst
      // only when `[ -n "$2" ]` (an old version is being upgraded); symlink_to_dir and
      // dir_to_symlink act in postinst only on the `.dpkg-backup` their preinst makes under the
      // same `[ -n "$2" ]` test. On a fresh install ($2 empty) every op is a no-op.
      return nothing(`dpkg-maintscript-helper ${action.op} does nothing on a fresh install`);
    case 'debconf-register':
      // Registering a template only seeds debconf's database; the answers the scripts would read
      // come from the defaults in the templates, which deferred scripts read at first boot.
      return nothing(`debconf template ${action.template} is only recorded; deferred scripts read debconf at first boot`);
  }
}

export function applyActions(actions: readonly Action[], image: ImageView, options: ApplyOptions): ApplyResult {
  const staging = new StagingTree();
  const ctx = new ApplyContext(image, staging, resolveOptions(options));
  const ordered = actions.map((a, i) => ({ a, i })).sort((x, y) => phaseOf[x.a.kind] - phaseOf[y.a.kind] || x.i - y.i);
  const applied: AppliedAction[] = [];
  const deferred: DeferredWork[] = [];
  const caches = new Map<CacheKind, DeferredWork>();
  let lastPhase = 0;
  for (const { a } of ordered) {
    if (phaseOf[a.kind] !== lastPhase) {
      ctx.flushIdentity();
      lastPhase = phaseOf[a.kind];
    }
    let outcome: ApplyOutcome;
    try {
      outcome = applyOne(a, ctx);
    } catch (e) {
      if (!isScriptletError(e)) throw e;
      outcome = defer(e.message);
    }
    applied.push({ action: a, outcome });
    if (outcome.kind !== 'defer') continue;
    if (a.kind === 'cache') {
      const batch = caches.get(a.cache);
      if (batch) batch.actions.push(a);
      else {
        const work: DeferredWork = { actions: [a], reason: outcome.reason, ...(outcome.command ? { command: outcome.command } : {}) };
        caches.set(a.cache, work);
        deferred.push(work);
      }
    } else {
      deferred.push({ actions: [a], reason: outcome.reason, ...(outcome.command ? { command: outcome.command } : {}) });
    }
  }
  ctx.flushIdentity();
  // A batch whose command carries what each package asked for is only known once all are in.
  for (const [kind, work] of caches) work.command = batchCommand(kind, work.actions);
  return { staging, applied, deferred, removals: staging.removals() };
}
