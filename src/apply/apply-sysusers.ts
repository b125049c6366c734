/**
 * sysusers actions as `systemd-sysusers --root=IMAGE CONFIG` (systemd 252) leaves the account
 * files. The configuration comes from the image's sysusers.d directories (the first directory
 * holding the name wins) or from the action's inline lines. Like the tool, all `g` lines (and the
 * groups `m` lines imply) are processed before the users; a `u` line without a group of its own
 * name in the queue creates one. Free ids are searched downwards from 999 with one cursor shared
 * by users and groups; a user tries its group's number first and a group its user's, and a number
 * counts as free only when neither a user nor a group (other than its own) has it. New users get
 * home `/` and shell /usr/sbin/nologin unless given; shadow and gshadow entries have `!*` and
 * today's day number.
 */
import type { Action } from '../actions/action.js';
import { sysusersCommands } from '../shell/sysusers-lines.js';
import type { ApplyContext } from './apply-context.js';
import { type ApplyOutcome, defer, done, nothing } from './apply-outcome.js';

type SysusersAction = Extract<Action, { kind: 'sysusers' }>;

const SYSTEM_UID_MAX = 999;

interface Item {
  type: 'u' | 'g';
  name: string;
  uid?: number;
  gid?: number;
  /** `u name uid:group` */
  groupName?: string;
  gecos: string;
  home?: string;
  shell?: string;
}

export function sysusersDirs(family: string): string[] {
  const base = ['/etc/sysusers.d', '/run/sysusers.d', '/usr/local/lib/sysusers.d', '/usr/lib/sysusers.d'];
  return family === 'debian' ? [...base, '/lib/sysusers.d'] : base;
}

function readConfig(action: SysusersAction, ctx: ApplyContext): string | undefined {
  if (action.lines) return action.lines.join('\n');
  if (action.config.startsWith('/')) return ctx.view.readFile(action.config)?.toString('utf8');
  for (const dir of sysusersDirs(ctx.options.family)) {
    const text = ctx.view.readFile(`${dir}/${action.config}`)?.toString('utf8');
    if (text !== undefined) return text;
  }
  return undefined;
}

const field = (v: string | undefined): string | undefined => (v === undefined || v === '-' ? undefined : v);

export function applySysusers(action: SysusersAction, ctx: ApplyContext): ApplyOutcome {
  const text = readConfig(action, ctx);
  if (text === undefined) return defer(`sysusers.d configuration ${action.config} is not in the image`);
  const groups = new Map<string, Item>();
  const users = new Map<string, Item>();
  const members: [string, string][] = [];
  for (const c of sysusersCommands(text)) {
    const [name, id, gecos, home, shell] = c.args.map((a) => a.text);
    const type = (c.name ?? '').replace(/!$/, '');
    if (type === 'r') return defer('sysusers range lines (r) are not modelled');
    if (!name || (type !== 'u' && type !== 'g' && type !== 'm')) return defer(`unsupported sysusers line: ${c.name} ${name ?? ''}`);
    if (/%/.test(name) || /%/.test(id ?? '')) return defer('sysusers specifiers are not modelled');
    if (type === 'm') {
      if (!id) return defer(`sysusers m line for ${name} has no group`);
      members.push([name, id]);
      continue;
    }
    const item: Item = { type, name, gecos: field(gecos) ?? '' };
    const idText = field(id);
    if (idText?.startsWith('/')) return defer('sysusers ids taken from a file path are not modelled');
    if (idText !== undefined) {
      const m = /^(-|\d+)(?::(.+))?$/.exec(idText);
      if (!m) return defer(`sysusers id ${idText} is not understood`);
      const num = m[1] === '-' ? undefined : Number(m[1]);
      if (type === 'u') {
        if (num !== undefined) item.uid = num;
        if (m[2] !== undefined) {
          if (/^\d+$/.test(m[2])) item.gid = Number(m[2]);
          else item.groupName = m[2];
        } else if (num !== undefined) item.gid = num;
      } else if (num !== undefined) item.gid = num;
      if (type === 'g' && m[2] !== undefined) return defer(`sysusers g line ${name} has a uid:gid id`);
    }
    if (type === 'u') {
      const h = field(home);
      const s = field(shell);
      if (h !== undefined) item.home = h;
      if (s !== undefined) item.shell = s;
      if (!users.has(name)) users.set(name, item);
    } else if (!groups.has(name)) groups.set(name, item);
  }
  for (const [, group] of members) if (!groups.has(group)) groups.set(group, { type: 'g', name: group, gecos: '' });

  const id = ctx.identity;
  const todoUids = new Set<number>();
  /** gid -> group name, for the groups this run creates */
  const todoGids = new Map<number, string>();
  let cursor = SYSTEM_UID_MAX + 1;
  const uidOk = (uid: number, name: string, withGid: boolean): boolean => {
    if (todoUids.has(uid) || id.uidTaken(uid)) return false;
    if (withGid) {
      const queued = todoGids.get(uid);
      if (queued !== undefined && queued !== name) return false;
      const g = id.groups().find((e) => e.gid === uid);
      if (g && g.name !== name) return false;
    }
    return true;
  };
  const gidOk = (gid: number, withUid: boolean): boolean => {
    if (todoGids.has(gid) || id.gidTaken(gid)) return false;
    return !withUid || (!todoUids.has(gid) && !id.uidTaken(gid));
  };
  const notes: string[] = [];
  const shadowDay = id.today;

  const addGroup = (item: Item): number | string => {
    const existing = id.groupByName(item.groupName ?? item.name);
    if (existing) return existing.gid;
    let gid: number | undefined;
    if (item.gid !== undefined && gidOk(item.gid, false)) gid = item.gid;
    if (gid === undefined && item.type === 'u' && item.uid !== undefined && gidOk(item.uid, true)) gid = item.uid;
    while (gid === undefined) {
      cursor -= 1;
      if (cursor < 1) return `no free GID for ${item.name}`;
      if (gidOk(cursor, true)) gid = cursor;
    }
    todoGids.set(gid, item.name);
    id.addGroup({ name: item.name, password: 'x', gid, members: [] }, '!*');
    notes.push(`group ${item.name} GID ${gid}`);
    return gid;
  };

  for (const g of groups.values()) {
    const r = addGroup(g);
    if (typeof r === 'string') return defer(r);
  }
  for (const u of users.values()) {
    if (id.user(u.name)) continue;
    let gid: number;
    if (u.groupName !== undefined) {
      const g = id.groupByName(u.groupName);
      if (!g) return defer(`group ${u.groupName} for user ${u.name} does not exist`);
      gid = g.gid;
    } else if (u.gid !== undefined && u.uid !== undefined && u.gid !== u.uid) {
      if (!id.groups().some((e) => e.gid === u.gid)) return defer(`GID ${u.gid} for user ${u.name} does not exist`);
      gid = u.gid;
    } else {
      const r = addGroup({ ...u, ...(u.gid !== undefined ? { gid: u.gid } : {}) });
      if (typeof r === 'string') return defer(r);
      gid = r;
    }
    let uid: number | undefined;
    if (u.uid !== undefined && uidOk(u.uid, u.name, false)) uid = u.uid;
    if (uid === undefined && uidOk(gid, u.name, true)) uid = gid;
    while (uid === undefined) {
      cursor -= 1;
      if (cursor < 1) return defer(`no free UID for ${u.name}`);
      if (uidOk(cursor, u.name, true)) uid = cursor;
    }
    todoUids.add(uid);
    id.addUser(
      { name: u.name, password: 'x', uid, gid, gecos: u.gecos, home: u.home ?? '/', shell: u.shell ?? (uid === 0 ? '/bin/sh' : '/usr/sbin/nologin') },
      ['!*', shadowDay, '', '', '', '', '', ''],
    );
    notes.push(`user ${u.name} UID ${uid} GID ${gid}`);
  }
  for (const [user, group] of members) {
    if (!id.user(user) || !id.groupByName(group)) return defer(`m ${user} ${group}: user or group missing`);
    if (id.addMember(group, user)) notes.push(`${user} in ${group}`);
  }
  return notes.length > 0 ? done(...notes) : nothing(`every account in ${action.config} already exists`);
}
