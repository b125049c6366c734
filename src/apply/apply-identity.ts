/**
 * user, group and group-member actions, as the tool behind them leaves the account files.
 *
 * adduser 3.134 (Debian): `--system` users and groups take the LOWEST free id in
 * FIRST_SYSTEM_UID..LAST_SYSTEM_UID (GID) from /etc/adduser.conf (100..999), uid and gid searched
 * separately (first_avail_uid / first_avail_gid); an explicit uid with `--group` gives the group the
 * same number. An existing user inside the system range is left alone (exit 0); one outside it,
 * or with another uid, makes adduser exit 1. The account is written by `useradd -r` (shadow entry
 * `name:!:DAY::::::`), the gecos by chfn, which always writes the four comma-separated fields.
 * The home (unless /nonexistent or --no-create-home) gets SYS_DIR_MODE (0755), owned by the user
 * and its primary group, missing parents 0755 root.
 *
 * useradd / groupadd (shadow 4.13, as on Fedora and Arch too): system ids search downwards from
 * below the lowest id in SYS_UID_MIN..SYS_UID_MAX (login.defs), regular ids upwards from above the
 * highest in UID_MIN..UID_MAX (see shadowNewId); a user's own group prefers the user's number.
 * Defaults for home and shell come from /etc/default/useradd; `-m` copies the skeleton directory.
 */
import type { Action } from '../actions/action.js';
import type { ApplyContext } from './apply-context.js';
import { type ApplyOutcome, defer, done, nothing } from './apply-outcome.js';
import { readAdduserConf, readLoginDefs, readUseraddDefaults } from './identity-config.js';
import type { IdentityState } from './identity-state.js';
import { joinPath, splitPath } from './image-view.js';
import type { Ownership } from './staging-tree.js';

type UserAction = Extract<Action, { kind: 'user' }>;
type GroupAction = Extract<Action, { kind: 'group' }>;
type MemberAction = Extract<Action, { kind: 'group-member' }>;

function lowestFree(from: number, to: number, taken: (id: number) => boolean): number | undefined {
  for (let id = from; id <= to; id++) if (!taken(id)) return id;
  return undefined;
}

/**
 * shadow's find_new_uid / find_new_gid (4.13). The start point comes from one pass over the file in
 * file order: a system id starts just below the lowest id seen so far in the range (only entries
 * at or below the running value count), a regular id just above the highest; when that runs out
 * of the range the search restarts from the other end. Free means unused by any entry.
 */
export function shadowNewId(system: boolean, min: number, max: number, idsInFileOrder: readonly number[], taken: (id: number) => boolean): number | undefined {
  if (min > max) return undefined;
  if (system) {
    let lowest = max;
    for (const id of idsInFileOrder) if (id <= lowest && id >= min) lowest = id - 1;
    if (lowest < min) lowest = max;
    for (let id = lowest; id >= min; id--) if (!taken(id)) return id;
    if (lowest !== max) for (let id = max; id >= min; id--) if (!taken(id)) return id;
    return undefined;
  }
  let highest = min;
  for (const id of idsInFileOrder) if (id >= highest && id <= max) highest = id + 1;
  if (highest > max) highest = min;
  for (let id = highest; id <= max; id++) if (!taken(id)) return id;
  if (highest !== min) for (let id = min; id <= max; id++) if (!taken(id)) return id;
  return undefined;
}

/** chfn -f/-r/-w/-h/-o from adduser's comma-split comment: four fields always, a fifth when set. */
export function chfnGecos(comment: string): string {
  const f = comment.split(',').slice(0, 5);
  const [full = '', room = '', work = '', home = '', other = ''] = f;
  return `${full},${room},${work},${home}${other !== '' ? `,${other}` : ''}`;
}

function systemShadow(id: IdentityState): string[] {
  return ['!', id.today, '', '', '', '', '', ''];
}

export function applyGroup(action: GroupAction, ctx: ApplyContext): ApplyOutcome {
  const id = ctx.identity;
  const existing = id.groupByName(action.name);
  if (existing) {
    if (action.gid !== undefined && existing.gid !== action.gid) {
      return defer(`group ${action.name} already exists with GID ${existing.gid}, not ${action.gid}; the tool exits with an error`);
    }
    return nothing(`group ${action.name} already exists (GID ${existing.gid})`);
  }
  if (action.gid !== undefined && id.gidTaken(action.gid)) return defer(`GID ${action.gid} is already in use`);
  let gid = action.gid;
  if (gid === undefined) {
    if (ctx.options.identityTool === 'adduser') {
      const conf = readAdduserConf(ctx.view);
      if (conf.usesPools) return defer('adduser.conf sets UID_POOL or GID_POOL; pool files decide the ids');
      gid = action.system
        ? lowestFree(conf.firstSystemGid, conf.lastSystemGid, (g) => id.gidTaken(g))
        : undefined;
      if (!action.system) return defer('a regular adduser group takes FIRST_GID..LAST_GID from adduser.conf; not modelled');
    } else {
      const defs = readLoginDefs(ctx.view);
      gid = action.system
        ? shadowNewId(true, defs.sysGidMin, defs.sysGidMax, id.groups().map((g) => g.gid), (g) => id.gidTaken(g))
        : shadowNewId(false, defs.gidMin, defs.gidMax, id.groups().map((g) => g.gid), (g) => id.gidTaken(g));
    }
    if (gid === undefined) return defer(`no free GID for group ${action.name}`);
  }
  id.addGroup({ name: action.name, password: id.gshadow ? 'x' : '!', gid, members: [] }, '!');
  return done(`group ${action.name} GID ${gid}`);
}

export function applyUser(action: UserAction, ctx: ApplyContext): ApplyOutcome {
  return ctx.options.identityTool === 'adduser' ? adduserSystem(action, ctx) : useradd(action, ctx);
}

function adduserSystem(action: UserAction, ctx: ApplyContext): ApplyOutcome {
  if (!action.system) return defer('a regular adduser account takes its settings from adduser.conf; not modelled');
  const id = ctx.identity;
  const conf = readAdduserConf(ctx.view);
  const existing = id.user(action.name);
  if (existing) {
    if (action.ifAbsent) return nothing(`user ${action.name} already exists (UID ${existing.uid}); the script runs adduser only when getent finds no such user`);
    if (action.uid !== undefined && existing.uid !== action.uid) {
      return defer(`user ${action.name} already exists with UID ${existing.uid}, not ${action.uid}; adduser exits 1`);
    }
    if (existing.uid >= conf.firstSystemUid && existing.uid <= conf.lastSystemUid) {
      return nothing(`system user ${action.name} already exists (UID ${existing.uid}); adduser does nothing`);
    }
    return defer(`user ${action.name} exists but is not a system user; adduser exits 1`);
  }
  if (conf.usesPools) return defer('adduser.conf sets UID_POOL or GID_POOL; pool files decide the ids');
  if (action.uid !== undefined && id.uidTaken(action.uid)) return defer(`UID ${action.uid} is already in use`);
  const uid = action.uid ?? lowestFree(conf.firstSystemUid, conf.lastSystemUid, (u) => id.uidTaken(u));
  if (uid === undefined) return defer(`no UID free in ${conf.firstSystemUid}-${conf.lastSystemUid}`);
  const groupName = action.group ?? 'nogroup';
  let group = id.groupByName(groupName);
  if (!group && action.createGroup) {
    const made = applyGroup({ kind: 'group', name: groupName, system: true, ...(action.uid !== undefined ? { gid: action.uid } : {}) }, ctx);
    if (made.kind === 'defer') return made;
    group = id.groupByName(groupName);
  }
  if (!group) return defer(`group ${groupName} does not exist; adduser exits with an error`);
  const home = action.home ?? '/nonexistent';
  id.addUser(
    {
      name: action.name,
      password: id.shadow ? 'x' : '!',
      uid,
      gid: group.gid,
      gecos: action.gecos === undefined ? '' : chfnGecos(action.gecos),
      home,
      shell: action.shell ?? '/usr/sbin/nologin',
    },
    systemShadow(id),
  );
  const notes = [`user ${action.name} UID ${uid} GID ${group.gid}`];
  const createHome = action.createHome ?? true;
  if (createHome && !/^\/+nonexistent(\/|$)/.test(home)) {
    notes.push(makeHome(ctx, home, conf.sysDirMode, { uid, gid: group.gid, uname: action.name, gname: group.name }, undefined));
  }
  return done(...notes);
}

function useradd(action: UserAction, ctx: ApplyContext): ApplyOutcome {
  const id = ctx.identity;
  const existing = id.user(action.name);
  if (existing) return nothing(`user ${action.name} already exists (UID ${existing.uid}); a guarded useradd does nothing`);
  const defs = readLoginDefs(ctx.view);
  const defaults = readUseraddDefaults(ctx.view);
  if (action.uid !== undefined && id.uidTaken(action.uid)) return defer(`UID ${action.uid} is not unique; useradd fails`);
  const uid =
    action.uid ??
    shadowNewId(action.system, action.system ? defs.sysUidMin : defs.uidMin, action.system ? defs.sysUidMax : defs.uidMax, id.users().map((u) => u.uid), (u) => id.uidTaken(u));
  if (uid === undefined) return defer(`no free UID for ${action.name}`);

  const groupName = action.group ?? action.name;
  let gid: number;
  if (action.createGroup || action.group === undefined) {
    if (id.groupByName(groupName)) return defer(`group ${groupName} exists; useradd -U refuses to reuse it`);
    // find_new_gid's preferred id (the uid) may lie anywhere from 1 (system) or GID_MIN up to the maximum.
    const preferredMin = action.system ? 1 : defs.gidMin;
    const maxGid = action.system ? defs.sysGidMax : defs.gidMax;
    const preferred = !id.gidTaken(uid) && uid >= preferredMin && uid <= maxGid ? uid : undefined;
    const picked =
      preferred ??
      shadowNewId(action.system, action.system ? defs.sysGidMin : defs.gidMin, maxGid, id.groups().map((g) => g.gid), (g) => id.gidTaken(g));
    if (picked === undefined) return defer(`no free GID for ${groupName}`);
    gid = picked;
    id.addGroup({ name: groupName, password: id.gshadow ? 'x' : '!', gid, members: [] }, '!');
  } else {
    const g = id.groupByName(groupName);
    if (!g) return defer(`group ${groupName} does not exist; useradd fails`);
    gid = g.gid;
  }
  const home = action.home ?? `${defaults.home.replace(/\/+$/, '')}/${action.name}`;
  const opt = (n: number | undefined): string => (n === undefined || n < 0 ? '' : String(n));
  id.addUser(
    { name: action.name, password: id.shadow ? 'x' : '!', uid, gid, gecos: action.gecos ?? '', home, shell: action.shell ?? defaults.shell },
    action.system
      ? systemShadow(id)
      : ['!', id.today, opt(defs.passMinDays), opt(defs.passMaxDays), opt(defs.passWarnAge), '', '', ''],
  );
  const notes = [`user ${action.name} UID ${uid} GID ${gid}`];
  if (action.createHome) {
    const owner = { uid, gid, uname: action.name, gname: groupName };
    notes.push(makeHome(ctx, home, defs.homeMode, owner, defaults.skel));
  }
  return done(...notes);
}

/** mkdir -p for the parents (root, 0755), the home itself, and the skeleton's files when given. */
function makeHome(ctx: ApplyContext, home: string, mode: number, owner: Ownership, skel: string | undefined): string {
  const view = ctx.view;
  const path = view.canonical(home);
  if (view.lstat(path)) return `home ${home} exists; left untouched`;
  const segments = splitPath(path);
  for (let i = 1; i < segments.length; i++) {
    const parent = joinPath(segments.slice(0, i));
    if (!view.lstat(view.canonical(parent))) ctx.staging.mkdir(view.canonical(parent), 0o755);
  }
  ctx.staging.mkdir(path, mode, owner);
  if (skel !== undefined) copySkeleton(ctx, skel, path, owner);
  return `home ${home} created`;
}

function copySkeleton(ctx: ApplyContext, from: string, to: string, owner: Ownership): void {
  const view = ctx.view;
  for (const name of view.list(from)) {
    const src = `${from}/${name}`;
    const dst = `${to}/${name}`;
    const st = view.lstat(src);
    if (st?.type === 'dir') {
      ctx.staging.mkdir(dst, st.mode, owner);
      copySkeleton(ctx, src, dst, owner);
    } else if (st?.type === 'file') {
      ctx.staging.writeFile(dst, view.readFile(src) ?? Buffer.alloc(0), st.mode, owner);
    } else if (st?.type === 'symlink') {
      ctx.staging.symlink(dst, view.readlink(src) ?? '', owner);
    }
  }
}

export function applyGroupMember(action: MemberAction, ctx: ApplyContext): ApplyOutcome {
  const id = ctx.identity;
  if (!id.user(action.user)) return defer(`user ${action.user} does not exist`);
  if (!id.groupByName(action.group)) return defer(`group ${action.group} does not exist`);
  return id.addMember(action.group, action.user)
    ? done(`${action.user} added to ${action.group}`)
    : nothing(`${action.user} is already a member of ${action.group}`);
}
