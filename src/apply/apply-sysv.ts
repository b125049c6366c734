/**
 * sysv-enable actions as bookworm's update-rc.d (init-system-helpers 1.65) leaves the image. With no
 * insserv installed (the default on a systemd image) it takes the "plain" path: `defaults` makes
 * `S01NAME` links in the LSB Default-Start levels and `K01NAME` in Default-Stop, all pointing to
 * `../init.d/NAME`, unless the script already has any rc link; `defaults-disabled` makes K01 links
 * for the start levels too; `enable [LEVELS]` turns the K links of those levels (Default-Start
 * when none are given) into S links. Links are made whatever the init system: update-rc.d does so
 * on systemd images too, and systemd ignores them for units it has natively. When insserv is
 * installed and configured, the sequence numbers come from its dependency solver over every
 * script in the image, so the action is deferred.
 *
 * `update-rc.d NAME enable` also runs `systemctl enable NAME` when systemctl exists (its systemd
 * part); that is left to the caller through `systemdEnableFor`.
 */
import type { Action } from '../actions/action.js';
import type { ApplyContext } from './apply-context.js';
import { type ApplyOutcome, defer, done, nothing } from './apply-outcome.js';
import { exists } from './image-view.js';

type SysvAction = Extract<Action, { kind: 'sysv-enable' }>;

export interface LsbLevels {
  start: string[];
  stop: string[];
}

/** update-rc.d's parse_def_start_stop: the Default-Start/Stop lines of the first INIT INFO block. */
export function parseLsbLevels(text: string): LsbLevels {
  const out: LsbLevels = { start: [], stop: [] };
  let begun = false;
  for (const line of text.split('\n')) {
    if (/^### BEGIN INIT INFO\s*$/.test(line)) begun = true;
    else if (/^### END INIT INFO\s*$/.test(line)) break;
    else if (begun) {
      const start = /^# Default-Start:\s*(\S?.*)$/.exec(line);
      if (start) out.start = (start[1] as string).split(/\s+/).filter(Boolean);
      const stop = /^# Default-Stop:\s*(\S?.*)$/.exec(line);
      if (stop) out.stop = (stop[1] as string).split(/\s+/).filter(Boolean);
    }
  }
  return out;
}

const RC_LINK = /^[SK]\d\d(.*)$/;

function rcLinks(ctx: ApplyContext, script: string): { dir: string; name: string }[] {
  const found: { dir: string; name: string }[] = [];
  for (const level of ['0', '1', '2', '3', '4', '5', '6', 'S']) {
    const dir = `/etc/rc${level}.d`;
    for (const name of ctx.view.list(dir)) {
      if (RC_LINK.exec(name)?.[1] === script) found.push({ dir, name });
    }
  }
  return found;
}

function insservConfigured(ctx: ApplyContext): boolean {
  const bin = ['/usr/lib/insserv/insserv', '/sbin/insserv'].some((p) => exists(ctx.view, p));
  return bin && exists(ctx.view, '/etc/insserv.conf');
}

function link(ctx: ApplyContext, level: string, name: string, script: string): void {
  const dir = ctx.view.canonical(`/etc/rc${level}.d`);
  if (!ctx.view.lstat(dir)) ctx.staging.mkdir(dir, 0o755);
  ctx.staging.symlink(`${dir}/${name}`, `../init.d/${script}`);
}

/** `update-rc.d NAME defaults|defaults-disabled` on the plain path. */
export function sysvDefaults(ctx: ApplyContext, script: string, disabled: boolean): ApplyOutcome {
  const initScript = ctx.view.readFile(`/etc/init.d/${script}`);
  if (initScript === undefined) return defer(`/etc/init.d/${script} is not in the image; update-rc.d fails`);
  if (insservConfigured(ctx)) return defer('insserv is installed: it orders every init script at once', ['update-rc.d', script, disabled ? 'defaults-disabled' : 'defaults']);
  if (rcLinks(ctx, script).length > 0) return nothing(`${script} already has rc links; update-rc.d leaves them`);
  const levels = parseLsbLevels(initScript.toString('latin1'));
  for (const l of levels.start) link(ctx, l, `${disabled ? 'K' : 'S'}01${script}`, script);
  for (const l of levels.stop) link(ctx, l, `K01${script}`, script);
  if (levels.start.length + levels.stop.length === 0) return nothing(`${script} has no Default-Start or Default-Stop levels`);
  return done(`rc links for ${script}: start ${levels.start.join(' ') || '-'}, stop ${levels.stop.join(' ') || '-'}`);
}

/** sysv_toggle('enable'): K links of the levels become S links, keeping their number. */
export function sysvEnable(ctx: ApplyContext, script: string, levels: readonly string[]): ApplyOutcome {
  const initScript = ctx.view.readFile(`/etc/init.d/${script}`);
  if (initScript === undefined) return defer(`no LSB script for ${script}; update-rc.d fails`);
  const wanted = levels.length > 0 ? [...levels] : parseLsbLevels(initScript.toString('latin1')).start;
  if (wanted.length === 0) return defer(`${script} Default-Start contains no runlevels; update-rc.d aborts`);
  if (insservConfigured(ctx)) return defer('insserv is installed: it re-sequences the links', ['update-rc.d', script, 'enable', ...levels]);
  const links = rcLinks(ctx, script).filter((l) => wanted.some((w) => /^[S2345]$/.test(w) && l.dir === `/etc/rc${w}.d`));
  if (links.length === 0) return defer('no runlevel symlinks to modify; update-rc.d aborts');
  let changed = 0;
  for (const l of links) {
    if (!l.name.startsWith('K')) continue;
    const dir = ctx.view.canonical(l.dir);
    ctx.staging.remove(`${dir}/${l.name}`, ctx.view.image.lstat(`${dir}/${l.name}`) !== undefined);
    ctx.staging.symlink(`${dir}/S${l.name.slice(1)}`, `../init.d/${script}`);
    changed += 1;
  }
  return changed > 0 ? done(`${script} enabled in ${wanted.join(' ')}`) : nothing(`${script} is already enabled`);
}

export function applySysv(action: SysvAction, ctx: ApplyContext): ApplyOutcome {
  const [verb, ...rest] = action.args;
  switch (verb) {
    case 'defaults':
      return sysvDefaults(ctx, action.script, false);
    case 'defaults-disabled':
      return sysvDefaults(ctx, action.script, true);
    case 'enable':
      return sysvEnable(ctx, action.script, rest);
    default:
      return defer(`update-rc.d ${action.args.join(' ')} is not modelled`);
  }
}
