/**
 * The account database of an image as meaning rather than bytes: each user and group with the
 * fields that matter to what runs on the image. Line order, and the "last changed" day (the day
 * the account was made, which differs between any two builds), are not part of it.
 */
import { type ImageView, readText } from '../apply/image-view.js';
import { type Line, parseGroup, parsePasswd, parseShadow } from '../apply/identity-files.js';

export interface UserState {
  /** passwd's own password field: `x` when the password is in shadow. */
  password: string;
  uid: number;
  /** The primary group by name, or `#gid` when no group has that id. */
  group: string;
  gecos: string;
  home: string;
  shell: string;
  /** shadow fields: password (`*`, `!`, a hash…), then min, max, warn, inactive, expire; absent without a shadow line. */
  shadow?: string[];
}

export interface GroupState {
  password: string;
  gid: number;
  members: string[];
  /** gshadow fields: password, admins, members; absent without a gshadow line. */
  gshadow?: string[];
}

export interface AccountState {
  users: Map<string, UserState>;
  groups: Map<string, GroupState>;
  /** Which of passwd, group, shadow, gshadow exist. */
  files: string[];
}

function entries<T>(lines: readonly Line<T>[]): T[] {
  return lines.flatMap((l) => ('entry' in l ? [l.entry] : []));
}

export function readAccountState(view: ImageView): AccountState {
  const text = (f: string): string | undefined => readText(view, f);
  const passwd = entries(parsePasswd(text('/etc/passwd') ?? ''));
  const group = entries(parseGroup(text('/etc/group') ?? ''));
  const shadowText = text('/etc/shadow');
  const gshadowText = text('/etc/gshadow');
  const shadow = new Map(entries(parseShadow(shadowText ?? '', 9)).map((e) => [e.name, e.fields]));
  const gshadow = new Map(entries(parseShadow(gshadowText ?? '', 4)).map((e) => [e.name, e.fields]));
  const groupName = new Map(group.map((g) => [g.gid, g.name]));
  const users = new Map<string, UserState>();
  for (const u of passwd) {
    const s = shadow.get(u.name);
    users.set(u.name, {
      password: u.password,
      uid: u.uid,
      group: groupName.get(u.gid) ?? `#${u.gid}`,
      gecos: u.gecos,
      home: u.home,
      shell: u.shell,
      // Field 1 is the day of the last change: the build date, never equal between two builds.
      ...(s ? { shadow: [s[0] ?? '', ...s.slice(2, 7)] } : {}),
    });
  }
  const groups = new Map<string, GroupState>();
  for (const g of group) {
    const s = gshadow.get(g.name);
    groups.set(g.name, { password: g.password, gid: g.gid, members: [...g.members].sort(), ...(s ? { gshadow: [s[0] ?? '', s[1] ?? '', (s[2] ?? '').split(',').filter(Boolean).sort().join(',')] } : {}) });
  }
  const files = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow'].filter((f) => text(f) !== undefined);
  return { users, groups, files };
}
