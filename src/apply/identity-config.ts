/**
 * The settings the account tools read from the image: adduser's /etc/adduser.conf, shadow's
 * /etc/login.defs and useradd's /etc/default/useradd. Each is read the way its tool reads it, with
 * the tool's built-in defaults when a key (or the file) is missing.
 */
import { type ImageView, readText } from './image-view.js';

export interface AdduserConfig {
  firstSystemUid: number;
  lastSystemUid: number;
  firstSystemGid: number;
  lastSystemGid: number;
  sysDirMode: number;
  /** UID_POOL / GID_POOL: ids come from pool files, which this model does not read. */
  usesPools: boolean;
}

export interface LoginDefs {
  uidMin: number;
  uidMax: number;
  gidMin: number;
  gidMax: number;
  sysUidMin: number;
  sysUidMax: number;
  sysGidMin: number;
  sysGidMax: number;
  /** Password ageing fields for regular users' shadow entries; undefined leaves them empty. */
  passMinDays?: number;
  passMaxDays?: number;
  passWarnAge?: number;
  /** Mode of a home useradd -m creates. */
  homeMode: number;
}

export interface UseraddDefaults {
  home: string;
  shell: string;
  skel: string;
}

/** adduser's read_config: `KEY = value`, quotes stripped, `#` comments only at line start. */
export function parseAdduserConf(text: string | undefined): AdduserConfig {
  const kv = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    if (/^#/.test(line) || /^\s*$/.test(line)) continue;
    const m = /^\s*([_a-zA-Z0-9]+)\s*=\s*(.*)/.exec(line);
    if (!m) continue;
    kv.set((m[1] as string).toLowerCase(), (m[2] as string).replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1'));
  }
  const num = (key: string, fallback: number): number => {
    const v = kv.get(key);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback;
  };
  const mode = kv.get('sys_dir_mode');
  return {
    firstSystemUid: num('first_system_uid', 100),
    lastSystemUid: num('last_system_uid', 999),
    firstSystemGid: num('first_system_gid', 100),
    lastSystemGid: num('last_system_gid', 999),
    sysDirMode: mode !== undefined && /^[0-7]+$/.test(mode) ? Number.parseInt(mode, 8) : 0o755,
    usesPools: (kv.get('uid_pool') ?? '') !== '' || (kv.get('gid_pool') ?? '') !== '',
  };
}

/** shadow's getdef: `KEY value` lines; numbers in C notation (0 prefix octal, 0x hex). */
export function parseLoginDefs(text: string | undefined): LoginDefs {
  const kv = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s+"?([^"\s]*)"?/.exec(line);
    if (m && !line.trimStart().startsWith('#')) kv.set(m[1] as string, m[2] as string);
  }
  const num = (key: string): number | undefined => {
    const v = kv.get(key);
    if (v === undefined) return undefined;
    if (/^0x[0-9a-f]+$/i.test(v)) return Number.parseInt(v.slice(2), 16);
    if (/^0[0-7]*$/.test(v)) return Number.parseInt(v, 8);
    if (/^-?\d+$/.test(v)) return Number(v);
    return undefined;
  };
  const uidMin = num('UID_MIN') ?? 1000;
  const gidMin = num('GID_MIN') ?? 1000;
  const umask = num('UMASK') ?? 0o022;
  const defs: LoginDefs = {
    uidMin,
    uidMax: num('UID_MAX') ?? 60000,
    gidMin,
    gidMax: num('GID_MAX') ?? 60000,
    sysUidMin: num('SYS_UID_MIN') ?? 101,
    sysUidMax: num('SYS_UID_MAX') ?? uidMin - 1,
    sysGidMin: num('SYS_GID_MIN') ?? 101,
    sysGidMax: num('SYS_GID_MAX') ?? gidMin - 1,
    homeMode: num('HOME_MODE') ?? 0o777 & ~umask,
  };
  const min = num('PASS_MIN_DAYS');
  const max = num('PASS_MAX_DAYS');
  const warn = num('PASS_WARN_AGE');
  if (min !== undefined) defs.passMinDays = min;
  if (max !== undefined) defs.passMaxDays = max;
  if (warn !== undefined) defs.passWarnAge = warn;
  return defs;
}

/** /etc/default/useradd: `KEY=value`. shadow's built-in defaults: HOME=/home, empty SHELL. */
export function parseUseraddDefaults(text: string | undefined): UseraddDefaults {
  const kv = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^\s*([A-Z_]+)=(.*)$/.exec(line);
    if (m) kv.set(m[1] as string, (m[2] as string).trim().replace(/^"(.*)"$/, '$1'));
  }
  return { home: kv.get('HOME') ?? '/home', shell: kv.get('SHELL') ?? '', skel: kv.get('SKEL') ?? '/etc/skel' };
}

export function readAdduserConf(view: ImageView): AdduserConfig {
  return parseAdduserConf(readText(view, '/etc/adduser.conf'));
}

export function readLoginDefs(view: ImageView): LoginDefs {
  return parseLoginDefs(readText(view, '/etc/login.defs'));
}

export function readUseraddDefaults(view: ImageView): UseraddDefaults {
  return parseUseraddDefaults(readText(view, '/etc/default/useradd'));
}
