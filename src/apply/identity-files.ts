/**
 * /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow as lines of colon-separated fields.
 * Lines that do not parse (comments, NIS `+` entries, damage) are kept verbatim and ignored for
 * lookups, as the shadow tools keep them.
 */

export interface PasswdEntry {
  name: string;
  password: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  password: string;
  gid: number;
  members: string[];
}

/** A shadow or gshadow line: the name and the remaining fields as written. */
export interface ShadowEntry {
  name: string;
  fields: string[];
}

export type Line<T> = { entry: T } | { raw: string };

const ID = /^\d{1,10}$/;

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

function list(field: string): string[] {
  return field === '' ? [] : field.split(',');
}

export function parsePasswd(text: string): Line<PasswdEntry>[] {
  return lines(text).map((raw) => {
    const f = raw.split(':');
    if (f.length !== 7 || f[0] === '' || !ID.test(f[2] as string) || !ID.test(f[3] as string)) return { raw };
    const [name, password, uid, gid, gecos, home, shell] = f as [string, string, string, string, string, string, string];
    return { entry: { name, password, uid: Number(uid), gid: Number(gid), gecos, home, shell } };
  });
}

export function parseGroup(text: string): Line<GroupEntry>[] {
  return lines(text).map((raw) => {
    const f = raw.split(':');
    if (f.length !== 4 || f[0] === '' || !ID.test(f[2] as string)) return { raw };
    const [name, password, gid, members] = f as [string, string, string, string];
    return { entry: { name, password, gid: Number(gid), members: list(members) } };
  });
}

/** shadow has 9 fields, gshadow 4. */
export function parseShadow(text: string, fieldCount: 9 | 4): Line<ShadowEntry>[] {
  return lines(text).map((raw) => {
    const f = raw.split(':');
    if (f.length !== fieldCount || f[0] === '') return { raw };
    return { entry: { name: f[0] as string, fields: f.slice(1) } };
  });
}

function serialise<T>(entries: readonly Line<T>[], format: (e: T) => string): string {
  return entries.map((l) => ('raw' in l ? l.raw : format(l.entry))).map((l) => `${l}\n`).join('');
}

export function formatPasswd(entries: readonly Line<PasswdEntry>[]): string {
  return serialise(entries, (e) => [e.name, e.password, e.uid, e.gid, e.gecos, e.home, e.shell].join(':'));
}

export function formatGroup(entries: readonly Line<GroupEntry>[]): string {
  return serialise(entries, (e) => [e.name, e.password, e.gid, e.members.join(',')].join(':'));
}

export function formatShadow(entries: readonly Line<ShadowEntry>[]): string {
  return serialise(entries, (e) => [e.name, ...e.fields].join(':'));
}
