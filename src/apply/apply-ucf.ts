/**
 * ucf and ucf-register actions: what ucf 3.0043 and ucfr do on a fresh install, in /var/lib/ucf.
 *
 * `ucf [--three-way] TEMPLATE PATH` with no file at PATH and no checksum for PATH in the hashfile
 * ("no indication that the package was ever installed") copies the template (`cp -pf`: mode and
 * owner kept), rotates hashfile.0..7 as it does, rewrites the hashfile with PATH's line replaced by
 * `MD5  PATH`, and keeps the template in cache/ (with --three-way, or under 25600 bytes) under
 * PATH with `/` spelled `:`. Anything else (a file already there, a checksum already recorded)
 * makes ucf compare and perhaps ask, so it is deferred.
 *
 * `ucfr [--force] PACKAGE PATH` does nothing when PATH is registered to PACKAGE, fails (exit 4)
 * when it is registered to another package without --force, and otherwise rotates registry.0..7
 * and appends `PACKAGE \t PATH` (PATH with its links resolved, as `readlink -m` gives it). The
 * registry and hashfile are the files ucf's own postinst creates empty (`touch`); a missing
 * registry is created here for the same reason. A diverted PATH (ucf installs under the
 * diversion's name) is deferred.
 */
import { createHash } from 'node:crypto';
import type { Action } from '../actions/action.js';
import type { ApplyContext } from './apply-context.js';
import { type ApplyOutcome, defer, done, nothing } from './apply-outcome.js';
import { exists } from './image-view.js';

type UcfAction = Extract<Action, { kind: 'ucf' }>;
type UcfRegisterAction = Extract<Action, { kind: 'ucf-register' }>;

const STATE = '/var/lib/ucf';
const CACHE_LIMIT = 25600;

function toolPresent(ctx: ApplyContext, tool: string): boolean {
  return exists(ctx.view, `/usr/bin/${tool}`) || exists(ctx.view, `/bin/${tool}`);
}

function read(ctx: ApplyContext, path: string): string | undefined {
  return ctx.view.readFile(ctx.view.canonical(path))?.toString('utf8');
}

function write(ctx: ApplyContext, path: string, content: string | Buffer, mode = 0o644): void {
  ctx.mkparents(path);
  ctx.staging.writeFile(ctx.view.canonical(path), content, mode);
}

/** `cp -pf FILE FILE.(i+1)` for i = 6..0, then `cp -pf FILE FILE.0`, as ucf and ucfr rotate. */
function rotate(ctx: ApplyContext, file: string, current: string): void {
  for (let i = 6; i >= 0; i--) {
    const older = read(ctx, `${file}.${i}`);
    if (older !== undefined) write(ctx, `${file}.${i + 1}`, older);
  }
  write(ctx, `${file}.0`, current);
}

/** A line of a ucf state file about `path`: it ends in white space followed by the path. */
function isFor(line: string, path: string): boolean {
  return line.endsWith(path) && /\s/.test(line.charAt(line.length - path.length - 1));
}

/** The state file's lines that are not about `path`. */
function without(content: string, path: string): string {
  return content
    .split('\n')
    .filter((l) => l !== '' && !isFor(l, path))
    .map((l) => `${l}\n`)
    .join('');
}

function recorded(content: string, path: string): string[] {
  return content.split('\n').filter((l) => isFor(l, path));
}

export function applyUcf(action: UcfAction, ctx: ApplyContext): ApplyOutcome {
  if (!toolPresent(ctx, 'ucf')) return defer('ucf is not in the image; the script would fail where it runs');
  const templatePath = ctx.view.resolved(action.template);
  const st = ctx.view.lstat(templatePath);
  const bytes = st?.type === 'file' ? ctx.view.readFile(templatePath) : undefined;
  if (!st || bytes === undefined) return defer(`template ${action.template} is not a file in the image; ucf fails`);
  if (ctx.view.lstat(ctx.view.canonical(action.path))) {
    return defer(`${action.path} is already in the image; ucf compares it with the template and may ask`);
  }
  // ucf follows a diversion of the path to its true name (dpkg-divert --truename).
  const diversions = read(ctx, '/var/lib/dpkg/diversions');
  if (diversions !== undefined && diversions.split('\n').some((l, i) => i % 3 === 0 && l === action.path)) {
    return defer(`${action.path} is diverted; ucf would install the file under the diversion's name`);
  }
  const hashfile = `${STATE}/hashfile`;
  const hashes = read(ctx, hashfile);
  if (hashes !== undefined && recorded(hashes, action.path).length > 0) {
    return defer(`ucf has a checksum recorded for ${action.path}; with the file gone it decides from that record`);
  }
  const parent = action.path.slice(0, action.path.lastIndexOf('/')) || '/';
  if (ctx.view.lstat(ctx.view.resolved(parent))?.type !== 'dir') {
    return defer(`${parent} is not a directory in the image; ucf's cp fails`);
  }
  const who = ctx.identity.namesOf(st.uid, st.gid);
  ctx.staging.writeFile(ctx.view.canonical(action.path), bytes, st.mode, who);
  const md5 = createHash('md5').update(bytes).digest('hex');
  if (hashes !== undefined) rotate(ctx, hashfile, hashes);
  write(ctx, hashfile, `${without(hashes ?? '', action.path)}${md5}  ${action.path}\n`);
  const notes = [`${action.path} from ${action.template} (${st.mode.toString(8)}), md5sum ${md5} recorded`];
  if (action.threeWay || bytes.length < CACHE_LIMIT) {
    const cached = `${STATE}/cache/${action.path.replaceAll('/', ':')}`;
    ctx.mkdirs(`${STATE}/cache`);
    ctx.staging.writeFile(ctx.view.canonical(cached), bytes, st.mode, who);
    notes.push(`template kept as ${cached}`);
  }
  return done(...notes);
}

export function applyUcfRegister(action: UcfRegisterAction, ctx: ApplyContext): ApplyOutcome {
  if (!toolPresent(ctx, 'ucfr')) return defer('ucfr is not in the image; the script would fail where it runs');
  const registry = `${STATE}/registry`;
  const current = read(ctx, registry) ?? '';
  // ucfr records the path with its symbolic links resolved (readlink -m).
  const path = ctx.view.resolved(action.path);
  const owners = recorded(current, path).map((l) => l.split(/\s/)[0]);
  if (owners.length === 1 && owners[0] === action.package) return nothing(`${path} is already registered to ${action.package}`);
  if (owners.length === 1 && !action.force) return defer(`${path} is registered to ${owners[0]}; ucfr fails without --force`);
  if (read(ctx, registry) !== undefined) rotate(ctx, registry, current);
  write(ctx, registry, `${without(current, path)}${action.package} \t ${path}\n`);
  return done(`${path} registered to ${action.package}`);
}
