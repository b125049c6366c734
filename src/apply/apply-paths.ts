/**
 * directory, path-attr (chmod/chown, and dpkg-statoverride), symlink and remove actions.
 * Attributes of a path the image already has are realised by staging a copy of that node with
 * the new mode and owner: the overlay replaces the packaged node. Owner names resolve through the
 * staged account files, so an owner created by an earlier action gets its allocated number.
 *
 * dpkg-statoverride --add also records the override in /var/lib/dpkg/statoverride (see
 * statoverride-db.ts), keeping the previous file as statoverride-old as it does; a second
 * override for the same path makes it fail without --force.
 */
import type { Action } from '../actions/action.js';
import type { ApplyContext } from './apply-context.js';
import { type ApplyOutcome, defer, done, nothing } from './apply-outcome.js';
import { formatStatOverrides, parseStatOverrides } from './statoverride-db.js';
import type { Ownership } from './staging-tree.js';

type DirectoryAction = Extract<Action, { kind: 'directory' }>;
type PathAttrAction = Extract<Action, { kind: 'path-attr' }>;
type SymlinkAction = Extract<Action, { kind: 'symlink' }>;
type RemoveAction = Extract<Action, { kind: 'remove' }>;

const STATOVERRIDE = '/var/lib/dpkg/statoverride';

/** Owner for the action's names; unnamed parts keep `current`. */
function owner(ctx: ApplyContext, user: string | undefined, group: string | undefined, current: Ownership): Ownership | string {
  if (user === undefined && group === undefined) return current;
  const id = ctx.identity;
  let uid = current.uid;
  let uname = current.uname;
  let gid = current.gid;
  let gname = current.gname;
  if (user !== undefined) {
    const u = id.user(user);
    if (!u) return `user ${user} does not exist in the image`;
    uid = u.uid;
    uname = u.name;
  }
  if (group !== undefined) {
    const g = id.groupByName(group);
    if (!g) return `group ${group} does not exist in the image`;
    gid = g.gid;
    gname = g.name;
  }
  return { uid, gid, ...(uname ? { uname } : {}), ...(gname ? { gname } : {}) };
}

function currentOwner(ctx: ApplyContext, path: string): Ownership {
  const st = ctx.view.lstat(path);
  return st ? ctx.identity.namesOf(st.uid, st.gid) : ctx.identity.namesOf(0, 0);
}

/** Stages `path` (canonical, not a symlink) with a new mode and owner, copying a file's bytes. */
function restage(ctx: ApplyContext, path: string, mode: number, who: Ownership): string | undefined {
  const st = ctx.view.lstat(path);
  if (st?.type === 'dir') ctx.staging.mkdir(path, mode, who);
  else if (st?.type === 'file') ctx.staging.writeFile(path, ctx.view.readFile(path) ?? Buffer.alloc(0), mode, who);
  else return `${path} is ${st ? `a ${st.type}` : 'missing'}`;
  return undefined;
}

export function applyDirectory(action: DirectoryAction, ctx: ApplyContext): ApplyOutcome {
  const path = ctx.view.resolved(action.path);
  const st = ctx.view.lstat(path);
  if (st && st.type !== 'dir') return defer(`${action.path} exists and is a ${st.type}`);
  const who = owner(ctx, action.owner, action.group, currentOwner(ctx, path));
  if (typeof who === 'string') return defer(who);
  ctx.mkparents(path);
  ctx.staging.mkdir(path, action.mode ?? st?.mode ?? 0o755, who);
  return done(`${action.path} ${(action.mode ?? st?.mode ?? 0o755).toString(8)} ${who.uname ?? who.uid}:${who.gname ?? who.gid}`);
}

export function applyPathAttr(action: PathAttrAction, ctx: ApplyContext): ApplyOutcome {
  const path = ctx.view.resolved(action.path);
  const st = ctx.view.lstat(path);
  const notes: string[] = [];
  if (action.statoverride) {
    if (action.owner === undefined || action.group === undefined || action.mode === undefined) {
      return defer('a statoverride needs owner, group and mode');
    }
    const prior = ctx.view.readFile(STATOVERRIDE)?.toString('utf8');
    const entries = parseStatOverrides(prior ?? '');
    if (entries.some((e) => e.path === action.path)) return defer(`an override for ${action.path} already exists; dpkg-statoverride aborts`);
    if (!ctx.identity.user(action.owner)) return defer(`user ${action.owner} does not exist; dpkg-statoverride fails`);
    if (!ctx.identity.groupByName(action.group)) return defer(`group ${action.group} does not exist; dpkg-statoverride fails`);
    entries.push({ user: action.owner, group: action.group, mode: action.mode, path: action.path });
    ctx.mkparents(STATOVERRIDE);
    if (prior !== undefined) ctx.staging.writeFile(ctx.view.canonical(`${STATOVERRIDE}-old`), prior, 0o644);
    ctx.staging.writeFile(ctx.view.canonical(STATOVERRIDE), formatStatOverrides(entries), 0o644);
    notes.push(`statoverride ${action.owner} ${action.group} ${action.mode.toString(8)} ${action.path}`);
    if (!st) return done(...notes, `${action.path} is not in the image; dpkg applies the override when it is unpacked`);
  }
  if (!st) return defer(`${action.path} is not in the image`);
  const who = owner(ctx, action.owner, action.group, currentOwner(ctx, path));
  if (typeof who === 'string') return defer(who);
  const failure = restage(ctx, path, action.mode ?? st.mode, who);
  if (failure) return defer(failure);
  return done(...notes, `${action.path} ${(action.mode ?? st.mode).toString(8)} ${who.uname ?? who.uid}:${who.gname ?? who.gid}`);
}

export function applySymlink(action: SymlinkAction, ctx: ApplyContext): ApplyOutcome {
  const path = ctx.view.canonical(action.path);
  const st = ctx.view.lstat(path);
  if (st && st.type !== 'symlink') return defer(`${action.path} exists and is a ${st.type}; ln would not replace it`);
  ctx.mkparents(path);
  ctx.staging.symlink(path, action.target);
  return done(`${action.path} -> ${action.target}`);
}

export function applyRemove(action: RemoveAction, ctx: ApplyContext): ApplyOutcome {
  const path = ctx.view.canonical(action.path);
  const st = ctx.view.lstat(path);
  if (!st) return nothing(`${action.path} is not there`);
  if (st.type === 'dir' && !action.recursive && ctx.view.list(path).length > 0) {
    return defer(`${action.path} is a non-empty directory`);
  }
  const inImage = ctx.view.image.lstat(path) !== undefined;
  ctx.staging.remove(path, inImage);
  return done(inImage ? `${action.path} removed from the image (the overlay cannot delete it; see removals)` : `${action.path} removed`);
}
