/**
 * tmpfiles actions (`systemd-tmpfiles --create CONFIG`). systemd-tmpfiles-setup.service applies
 * every tmpfiles.d file at each boot, so on a systemd image nothing is lost by leaving lines to
 * the boot. What is realised at build time is what belongs to the persistent image and is plain:
 * `d`/`D` (directory), `f`/`f+` (a file with the argument as content; `f` on an existing file
 * only adjusts it; fields given as `-` keep an existing node's mode and owner), `L`/`L+` (symlink) for paths under /etc and /var
 * (not /var/run, /var/lock, /var/tmp: runtime or temporary), without specifiers, `~` modes or
 * boot-only `!` lines, and with owners the image knows. Everything else (/run, /tmp, /dev, /sys,
 * other line types) is left to the boot, and deferred only when the image has no systemd-tmpfiles
 * to do it.
 */
import type { Action } from '../actions/action.js';
import type { ApplyContext } from './apply-context.js';
import { type ApplyOutcome, defer, done, nothing } from './apply-outcome.js';
import { exists } from './image-view.js';

type TmpfilesAction = Extract<Action, { kind: 'tmpfiles' }>;

export interface TmpfilesLine {
  type: string;
  modifiers: string;
  path: string;
  mode: string;
  user: string;
  group: string;
  age: string;
  argument: string;
}

/** One tmpfiles.d line: whitespace-separated, C-style quotes around fields, the argument is the rest. */
export function parseTmpfilesLine(line: string): TmpfilesLine | undefined {
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 6 && i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    let f = '';
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      f = line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end + 1;
    } else {
      while (i < line.length && !/\s/.test(line[i] as string)) f += line[i++];
    }
    fields.push(f);
  }
  while (i < line.length && /\s/.test(line[i] as string)) i++;
  const argument = line.slice(i);
  const [typeField, path, mode = '-', user = '-', group = '-', age = '-'] = fields;
  if (!typeField || !path) return undefined;
  const m = /^([A-Za-z])([-+!=~^$?]*)$/.exec(typeField);
  if (!m) return undefined;
  return { type: m[1] as string, modifiers: m[2] as string, path, mode, user, group, age, argument };
}

const PERSISTENT = /^\/(etc|var)(\/|$)/;
const RUNTIME = /^\/var\/(run|lock|tmp)(\/|$)/;

export function tmpfilesDirs(family: string): string[] {
  const base = ['/etc/tmpfiles.d', '/run/tmpfiles.d', '/usr/local/lib/tmpfiles.d', '/usr/lib/tmpfiles.d'];
  return family === 'debian' ? [...base, '/lib/tmpfiles.d'] : base;
}

export function applyTmpfiles(action: TmpfilesAction, ctx: ApplyContext): ApplyOutcome {
  let text: string | undefined;
  if (action.lines !== undefined) text = action.lines.join('\n');
  else if (action.config.startsWith('/')) text = ctx.view.readFile(action.config)?.toString('utf8');
  else {
    for (const dir of tmpfilesDirs(ctx.options.family)) {
      text = ctx.view.readFile(`${dir}/${action.config}`)?.toString('utf8');
      if (text !== undefined) break;
    }
  }
  if (text === undefined) return defer(`tmpfiles.d configuration ${action.config} is not in the image`);
  const notes: string[] = [];
  const left: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseTmpfilesLine(line);
    const why = parsed ? realise(parsed, ctx) : 'does not parse';
    if (why === undefined) notes.push(`${parsed?.type} ${parsed?.path}`);
    else left.push(`${line} (${why})`);
  }
  // Inline lines are in no tmpfiles.d file, so nothing would apply them at boot.
  if (action.lines !== undefined && left.length > 0) return defer(`not realised at build time: ${left.join('; ')}`);
  const hasTmpfiles = exists(ctx.view, '/usr/bin/systemd-tmpfiles') || exists(ctx.view, '/bin/systemd-tmpfiles');
  if (left.length > 0 && !hasTmpfiles) {
    return defer(`no systemd-tmpfiles in the image to apply at boot: ${left.join('; ')}`, ['systemd-tmpfiles', '--create', action.config]);
  }
  const boot = left.length > 0 ? [`left to systemd-tmpfiles at boot: ${left.join('; ')}`] : [];
  if (notes.length === 0) return nothing(boot[0] ?? `${action.config} has no lines`);
  return done(...notes, ...boot);
}

/** Realises one line, or says why it stays for the boot. */
function realise(l: TmpfilesLine, ctx: ApplyContext): string | undefined {
  if (!'dDfLCz'.includes(l.type) || l.type === 'C' || l.type === 'z') return `type ${l.type} is done at boot`;
  if (l.modifiers.includes('!')) return 'boot-only line';
  if (/%/.test(l.path) || /%/.test(l.argument)) return 'uses specifiers';
  if (!PERSISTENT.test(l.path) || RUNTIME.test(l.path)) return 'not a persistent image path';
  const path = ctx.view.canonical(l.path);
  if (!PERSISTENT.test(path) || RUNTIME.test(path)) return `resolves to ${path}`;
  if (l.mode.startsWith('~') || l.mode.startsWith(':')) return 'conditional mode';
  if (l.mode !== '-' && !/^[0-7]{3,4}$/.test(l.mode)) return `mode ${l.mode} is not understood`;
  const id = ctx.identity;
  const user = l.user === '-' ? undefined : id.user(l.user) ?? (/^\d+$/.test(l.user) ? { uid: Number(l.user), name: '' } : undefined);
  const group = l.group === '-' ? undefined : id.groupByName(l.group) ?? (/^\d+$/.test(l.group) ? { gid: Number(l.group), name: '' } : undefined);
  if ((l.user !== '-' && !user) || (l.group !== '-' && !group)) return 'owner unknown in the image';
  const st = ctx.view.lstat(path);
  // A field given as '-' keeps what an existing node has, and is root (or the default mode) on a new one.
  const current = st ? id.namesOf(st.uid, st.gid) : id.namesOf(0, 0);
  const owner = {
    uid: user?.uid ?? current.uid,
    gid: group?.gid ?? current.gid,
    ...((user ? user.name : current.uname) ? { uname: user ? user.name : current.uname } : {}),
    ...((group ? group.name : current.gname) ? { gname: group ? group.name : current.gname } : {}),
  };
  const mode = (fallback: number): number => (l.mode === '-' ? st?.mode ?? fallback : Number.parseInt(l.mode, 8));
  if (l.type === 'd' || l.type === 'D') {
    if (st && st.type !== 'dir') return `${l.path} exists and is not a directory`;
    ctx.mkparents(path);
    ctx.staging.mkdir(path, mode(0o755), owner);
    return undefined;
  }
  if (l.type === 'f') {
    if (st && st.type !== 'file') return `${l.path} exists and is not a file`;
    ctx.mkparents(path);
    // f on an existing file only adjusts its mode and owner; f+ truncates and writes.
    const content = st && !l.modifiers.includes('+') ? ctx.view.readFile(path) ?? Buffer.alloc(0) : Buffer.from(unescape(l.argument), 'latin1');
    ctx.staging.writeFile(path, content, mode(0o644), owner);
    return undefined;
  }
  // L: the target defaults to the same path under /usr/share/factory.
  const target = l.argument === '' ? `/usr/share/factory${l.path}` : l.argument;
  if (st && !l.modifiers.includes('+')) return undefined;
  if (st && st.type === 'dir') return `${l.path} is a directory; L+ would remove it recursively`;
  ctx.mkparents(path);
  ctx.staging.symlink(path, target);
  return undefined;
}

/** C escapes tmpfiles.d accepts in arguments. */
function unescape(s: string): string {
  return s.replace(/\\(n|t|\\|x[0-9a-fA-F]{2})/g, (_, e: string) =>
    e === 'n' ? '\n' : e === 't' ? '\t' : e === '\\' ? '\\' : String.fromCharCode(Number.parseInt(e.slice(1), 16)),
  );
}
