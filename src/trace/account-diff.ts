/**
 * Users and groups a script added, removed or changed, from /etc/passwd and /etc/group read before
 * and after it ran.
 */

export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface AccountChanges<T> {
  added: T[];
  removed: T[];
  changed: { before: T; after: T }[];
}

export interface AccountDiff {
  users: AccountChanges<UserEntry>;
  groups: AccountChanges<GroupEntry>;
}

export function parsePasswd(text: string): UserEntry[] {
  const out: UserEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || f[0] === '' || !/^[0-9]+$/.test(f[2]!) || !/^[0-9]+$/.test(f[3]!)) continue;
    out.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), gecos: f[4]!, home: f[5]!, shell: f.slice(6).join(':') });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || f[0] === '' || !/^[0-9]+$/.test(f[2]!)) continue;
    out.push({ name: f[0]!, gid: Number(f[2]), members: f[3]! === '' ? [] : f[3]!.split(',') });
  }
  return out;
}

function changes<T extends { name: string }>(before: T[], after: T[]): AccountChanges<T> {
  const was = new Map(before.map((e) => [e.name, e]));
  const now = new Map(after.map((e) => [e.name, e]));
  const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    added: after.filter((e) => !was.has(e.name)).sort(byName),
    removed: before.filter((e) => !now.has(e.name)).sort(byName),
    changed: after
      .filter((e) => was.has(e.name) && JSON.stringify(was.get(e.name)) !== JSON.stringify(e))
      .map((e) => ({ before: was.get(e.name)!, after: e }))
      .sort((a, b) => byName(a.after, b.after)),
  };
}

export function diffAccounts(before: { passwd: string; group: string }, after: { passwd: string; group: string }): AccountDiff {
  return {
    users: changes(parsePasswd(before.passwd), parsePasswd(after.passwd)),
    groups: changes(parseGroup(before.group), parseGroup(after.group)),
  };
}
