/**
 * The image's account database while actions are applied: passwd, group and (when the image
 * uses them) shadow and gshadow, loaded once from the layered view and written back to the
 * staging tree. On a fresh Debian image nothing ships /etc/passwd: base-passwd's postinst copies
 * its masters (`[ ! -e /etc/passwd ] && cp passwd.master`), and passwd's postinst runs
 * `shadowconfig on` (pwconv and grpconv) on a new install; both are reproduced here so the ids
 * the later actions allocate are the ones dpkg would give.
 */
import { IoError } from '../errors.js';
import {
  type GroupEntry,
  type Line,
  type PasswdEntry,
  type ShadowEntry,
  formatGroup,
  formatPasswd,
  formatShadow,
  parseGroup,
  parsePasswd,
  parseShadow,
} from './identity-files.js';
import { type LoginDefs, readLoginDefs } from './identity-config.js';
import { exists, readText } from './image-view.js';
import type { LayeredView } from './layered-view.js';
import type { Ownership } from './staging-tree.js';

const BASE_PASSWD = '/usr/share/base-passwd/passwd.master';
const BASE_GROUP = '/usr/share/base-passwd/group.master';
/** passwd's postinst runs `shadowconfig on` on a fresh install; the script's presence says it will. */
const SHADOWCONFIG = ['/usr/sbin/shadowconfig', '/sbin/shadowconfig'];

function entries<T>(lines: readonly Line<T>[]): T[] {
  return lines.flatMap((l) => ('entry' in l ? [l.entry] : []));
}

interface FileAttrs {
  mode: number;
  uid: number;
  gid: number;
}

export class IdentityState {
  passwd: Line<PasswdEntry>[];
  group: Line<GroupEntry>[];
  /** undefined: the image keeps passwords in passwd/group (no shadow file). */
  shadow: Line<ShadowEntry>[] | undefined;
  gshadow: Line<ShadowEntry>[] | undefined;
  /** Day number written in new shadow entries' "last changed" field ('' for day 0, as useradd does). */
  readonly today: string;
  private dirty = false;
  private readonly attrs = new Map<string, FileAttrs>();

  private constructor(
    private readonly view: LayeredView,
    epoch: number,
  ) {
    const day = Math.floor(epoch / 86400);
    this.today = day === 0 ? '' : String(day);
    for (const f of ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow']) {
      const st = view.lstat(view.resolved(f));
      if (st?.type === 'file') this.attrs.set(f, { mode: st.mode, uid: st.uid, gid: st.gid });
    }
    const passwdText = readText(view, '/etc/passwd');
    const groupText = readText(view, '/etc/group');
    const bootPasswd = passwdText === undefined ? readText(view, BASE_PASSWD) : undefined;
    const bootGroup = groupText === undefined ? readText(view, BASE_GROUP) : undefined;
    this.passwd = parsePasswd(passwdText ?? bootPasswd ?? '');
    this.group = parseGroup(groupText ?? bootGroup ?? '');
    if (bootPasswd !== undefined || bootGroup !== undefined) this.dirty = true;

    const shadowText = readText(view, '/etc/shadow');
    const gshadowText = readText(view, '/etc/gshadow');
    this.shadow = shadowText === undefined ? undefined : parseShadow(shadowText, 9);
    this.gshadow = gshadowText === undefined ? undefined : parseShadow(gshadowText, 4);
    if (this.shadow === undefined && SHADOWCONFIG.some((p) => exists(view, p))) {
      this.shadowconfigOn(readLoginDefs(view));
    }
  }

  static load(view: LayeredView, epoch: number): IdentityState {
    return new IdentityState(view, epoch);
  }

  /**
   * pwconv and grpconv on files without shadow counterparts: the password moves to the shadow
   * entry (`x` stays behind), ageing comes from login.defs.
   */
  private shadowconfigOn(defs: LoginDefs): void {
    const opt = (n: number | undefined): string => (n === undefined || n < 0 ? '' : String(n));
    this.shadow = [];
    for (const p of this.users()) {
      this.shadow.push({
        entry: { name: p.name, fields: [p.password, this.today, opt(defs.passMinDays), opt(defs.passMaxDays), opt(defs.passWarnAge), '', '', ''] },
      });
      p.password = 'x';
    }
    this.gshadow = [];
    for (const g of this.groups()) {
      this.gshadow.push({ entry: { name: g.name, fields: [g.password, '', g.members.join(',')] } });
      g.password = 'x';
    }
    this.dirty = true;
  }

  users(): PasswdEntry[] {
    return entries(this.passwd);
  }

  groups(): GroupEntry[] {
    return entries(this.group);
  }

  user(name: string): PasswdEntry | undefined {
    return this.users().find((u) => u.name === name);
  }

  groupByName(name: string): GroupEntry | undefined {
    return this.groups().find((g) => g.name === name);
  }

  uidTaken(uid: number): boolean {
    return this.users().some((u) => u.uid === uid);
  }

  gidTaken(gid: number): boolean {
    return this.groups().some((g) => g.gid === gid);
  }

  shadowEntry(name: string): ShadowEntry | undefined {
    return this.shadow && entries(this.shadow).find((s) => s.name === name);
  }

  gshadowEntry(name: string): ShadowEntry | undefined {
    return this.gshadow && entries(this.gshadow).find((s) => s.name === name);
  }

  addUser(entry: PasswdEntry, shadowFields: string[]): void {
    this.passwd.push({ entry });
    this.shadow?.push({ entry: { name: entry.name, fields: shadowFields } });
    this.dirty = true;
  }

  addGroup(entry: GroupEntry, gshadowPassword: string): void {
    this.group.push({ entry });
    this.gshadow?.push({ entry: { name: entry.name, fields: [gshadowPassword, '', entry.members.join(',')] } });
    this.dirty = true;
  }

  /** usermod -a -G / gpasswd -a: the user joins the member lists of group and gshadow. */
  addMember(group: string, user: string): boolean {
    const g = this.groupByName(group);
    if (!g) throw new IoError(`group ${group} does not exist`);
    if (g.members.includes(user)) return false;
    g.members.push(user);
    const gs = this.gshadowEntry(group);
    if (gs) {
      const members = gs.fields[2] === '' ? [] : (gs.fields[2] as string).split(',');
      if (!members.includes(user)) gs.fields[2] = [...members, user].join(',');
    }
    this.dirty = true;
    return true;
  }

  /** Numeric owner for a user and group name; undefined names mean root. */
  ownership(user: string | undefined, group: string | undefined): Ownership | { missing: string } {
    const u = user === undefined ? this.user('root') ?? { uid: 0, name: 'root' } : this.user(user);
    if (!u) return { missing: `user ${user}` };
    const g = group === undefined ? this.groupByName('root') ?? { gid: 0, name: 'root' } : this.groupByName(group);
    if (!g) return { missing: `group ${group}` };
    return { uid: u.uid, gid: g.gid, uname: u.name, gname: g.name };
  }

  /** Names for numeric ids, for owners the image's files already have. */
  namesOf(uid: number, gid: number): Ownership {
    const u = this.users().find((e) => e.uid === uid);
    const g = this.groups().find((e) => e.gid === gid);
    return { uid, gid, ...(u ? { uname: u.name } : {}), ...(g ? { gname: g.name } : {}) };
  }

  /** Stages the files that changed, keeping the image's modes and owners where files existed. */
  flush(): void {
    if (!this.dirty) return;
    const staging = this.view.staging;
    const shadowGroup = this.groupByName('shadow');
    // shadowconfig on leaves shadow and gshadow 0640 root:shadow when the group exists.
    const secret: FileAttrs = shadowGroup ? { mode: 0o640, uid: 0, gid: shadowGroup.gid } : { mode: 0o600, uid: 0, gid: 0 };
    const write = (path: string, text: string, fallback: FileAttrs): void => {
      const a = this.attrs.get(path) ?? fallback;
      staging.writeFile(this.view.resolved(path), text, a.mode, this.namesOf(a.uid, a.gid));
    };
    const plain: FileAttrs = { mode: 0o644, uid: 0, gid: 0 };
    write('/etc/passwd', formatPasswd(this.passwd), plain);
    write('/etc/group', formatGroup(this.group), plain);
    if (this.shadow) write('/etc/shadow', formatShadow(this.shadow), secret);
    if (this.gshadow) write('/etc/gshadow', formatShadow(this.gshadow), secret);
    this.dirty = false;
  }
}
