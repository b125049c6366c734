/**
 * systemd-enable and systemd-preset actions: the symlinks `systemctl --root=IMAGE enable` makes
 * from a unit's [Install] section (WantedBy/RequiredBy/UpheldBy into `.wants`/`.requires`/
 * `.upholds` directories under /etc/systemd/system, Alias links, Also= units recursively,
 * DefaultInstance for templates), each pointing to the absolute path where systemd found the unit
 * file in its search path (on Debian 12 /lib/systemd/system comes before /usr/lib/systemd/system).
 *
 * On Debian the action stands for deb-systemd-helper (init-system-helpers 1.65): on a fresh
 * install with systemctl in the image it runs `systemctl --preset-mode=enable-only preset`, so the
 * presets decide; without systemctl it makes the links itself. Either way it records its state under
 * /var/lib/systemd/deb-systemd-helper-enabled (the `.dsh-also` list and one empty file per link),
 * which later upgrades consult. systemctl enabling or presetting a unit that also has an init
 * script runs `update-rc.d NAME defaults` and `update-rc.d NAME enable` through
 * systemd-sysv-install.
 */
import type { Action } from '../actions/action.js';
import type { ApplyContext } from './apply-context.js';
import { type ApplyOutcome, defer, done, nothing } from './apply-outcome.js';
import { sysvDefaults, sysvEnable } from './apply-sysv.js';
import { exists } from './image-view.js';
import { presetFor, readPresetRules } from './preset-rules.js';
import { type InstallSection, parseInstallSection } from './unit-install-section.js';

type EnableAction = Extract<Action, { kind: 'systemd-enable' }>;
type PresetAction = Extract<Action, { kind: 'systemd-preset' }>;

const CONFIG_DIR = '/etc/systemd/system';
const DSH_STATE = '/var/lib/systemd/deb-systemd-helper-enabled';

export interface FoundUnit {
  /** The name asked for (an instance when enabling `foo@bar.service`). */
  name: string;
  /** Absolute image path of the unit file, as systemd writes it into links. */
  path: string;
  install: InstallSection | undefined;
}

export interface UnitLink {
  link: string;
  target: string;
}

function templateOf(name: string): string | undefined {
  const m = /^([^@]+)@([^.]*)(\.[a-z]+)$/.exec(name);
  return m ? `${m[1]}@${m[3]}` : undefined;
}

function instanceOf(name: string): string | undefined {
  const m = /^[^@]+@([^.]+)\.[a-z]+$/.exec(name);
  return m?.[1];
}

/** The first unit file for `name` in the search path (the template for an instance). */
export function findUnit(ctx: ApplyContext, name: string, dirs: readonly string[]): FoundUnit | 'symlink' | undefined {
  const candidates = [name, ...(instanceOf(name) !== undefined ? [templateOf(name) as string] : [])];
  for (const file of candidates) {
    for (const dir of dirs) {
      const path = `${dir}/${file}`;
      const st = ctx.view.lstat(path);
      if (!st) continue;
      if (st.type === 'symlink') return 'symlink';
      if (st.type !== 'file') continue;
      const text = ctx.view.readFile(path)?.toString('utf8') ?? '';
      return { name, path, install: parseInstallSection(text) };
    }
  }
  return undefined;
}

/** The links `systemctl enable NAME` makes, Also= included; errors name what could not be resolved. */
export function enableLinks(ctx: ApplyContext, name: string, dirs: readonly string[]): { links: UnitLink[]; problems: string[]; units: string[] } {
  const links: UnitLink[] = [];
  const problems: string[] = [];
  const units: string[] = [];
  const visited = new Set<string>();
  const visit = (unit: string): void => {
    if (visited.has(unit)) return;
    visited.add(unit);
    const found = findUnit(ctx, unit, dirs);
    if (found === 'symlink') {
      problems.push(`${unit} is a symlink in the unit path (an alias or a linked unit file)`);
      return;
    }
    if (!found) {
      problems.push(`unit ${unit} is not in the image`);
      return;
    }
    units.push(unit);
    const install = found.install;
    if (!install) return;
    const isTemplate = /@\.[a-z]+$/.test(unit);
    const linkName = isTemplate && install.defaultInstance !== undefined ? unit.replace('@.', `@${install.defaultInstance}.`) : unit;
    const wantsOk = !isTemplate || install.defaultInstance !== undefined;
    for (const alias of install.alias) links.push({ link: `${CONFIG_DIR}/${alias}`, target: found.path });
    if (wantsOk) {
      for (const [list, suffix] of [
        [install.wantedBy, 'wants'],
        [install.requiredBy, 'requires'],
        [install.upheldBy, 'upholds'],
      ] as const) {
        for (const target of list) links.push({ link: `${CONFIG_DIR}/${target}.${suffix}/${linkName}`, target: found.path });
      }
    }
    for (const also of install.also) visit(also);
  };
  visit(name);
  return { links, problems, units };
}

function hasInstallInfo(ctx: ApplyContext, name: string, dirs: readonly string[]): boolean {
  const found = findUnit(ctx, name, dirs);
  if (found === undefined || found === 'symlink') return false;
  const i = found.install;
  return i !== undefined && i.wantedBy.length + i.requiredBy.length + i.upheldBy.length + i.alias.length + i.also.length > 0;
}

function systemctlInImage(ctx: ApplyContext): boolean {
  return exists(ctx.view, '/bin/systemctl') || exists(ctx.view, '/usr/bin/systemctl');
}

/** Creates the links; an existing different symlink makes systemctl fail, which defers the action. */
function makeLinks(ctx: ApplyContext, links: readonly UnitLink[]): string | undefined {
  for (const l of links) {
    const current = ctx.view.readlink(l.link);
    const st = ctx.view.lstat(l.link);
    if (st && (st.type !== 'symlink' || current !== l.target)) {
      return `${l.link} already exists${current !== undefined ? ` and points to ${current}` : ''}`;
    }
  }
  for (const l of links) {
    const path = ctx.view.canonical(l.link);
    const dir = path.slice(0, path.lastIndexOf('/'));
    ctx.mkdirs(dir);
    if (!ctx.view.lstat(path)) ctx.staging.symlink(path, l.target);
  }
  return undefined;
}

/** systemd-sysv-install enable NAME, run by systemctl for a unit with an init script. */
function sysvSync(ctx: ApplyContext, unit: string, notes: string[]): void {
  const m = /^(.+)\.service$/.exec(unit);
  if (!m || unit.includes('@')) return;
  const script = m[1] as string;
  if (!exists(ctx.view, `/etc/init.d/${script}`)) return;
  const a = sysvDefaults(ctx, script, false);
  const b = sysvEnable(ctx, script, []);
  for (const o of [a, b]) {
    if (o.kind === 'done') notes.push(...o.notes);
    else notes.push(`update-rc.d ${script}: ${o.reason}`);
  }
}

/**
 * `systemctl enable UNIT`: the links, then the SysV sync for each unit with an init script unless
 * SYSTEMCTL_SKIP_SYSV is set, as update-rc.d sets it when it calls systemctl.
 */
export function systemctlEnable(ctx: ApplyContext, unit: string, syncSysv = true): ApplyOutcome {
  const dirs = ctx.options.unitPath;
  const { links, problems, units } = enableLinks(ctx, unit, dirs);
  if (problems.length > 0 && units.length === 0) return defer(problems.join('; '));
  if (problems.length > 0) return defer(`systemctl enable ${unit} fails: ${problems.join('; ')}`);
  const clash = makeLinks(ctx, links);
  if (clash) return defer(`systemctl enable ${unit} fails: ${clash}`);
  const notes = links.map((l) => `${l.link} -> ${l.target}`);
  if (syncSysv) for (const u of units) sysvSync(ctx, u, notes);
  if (links.length === 0 && !hasInstallInfo(ctx, unit, dirs)) {
    return notes.length > 0 ? done(...notes) : nothing(`${unit} has no [Install] section: systemctl enable makes no links`);
  }
  return done(...notes);
}

/** `systemctl preset UNIT`: the first matching preset rule decides; enable-only never removes. */
export function systemctlPreset(ctx: ApplyContext, unit: string): ApplyOutcome {
  const verdict = presetFor(readPresetRules(ctx.view, ctx.options.presetPath), unit);
  if (verdict.action !== 'enable') {
    return nothing(`preset ${verdict.action}s ${unit} (${verdict.rule.file}: ${verdict.rule.action} ${verdict.rule.pattern})`);
  }
  const isTemplate = /@\.[a-z]+$/.test(unit);
  if (isTemplate && verdict.instances.length > 0) {
    const notes: string[] = [];
    for (const inst of verdict.instances) {
      const o = systemctlEnable(ctx, unit.replace('@.', `@${inst}.`));
      if (o.kind === 'defer') return o;
      if (o.kind === 'done') notes.push(...o.notes);
    }
    return done(...notes);
  }
  return systemctlEnable(ctx, unit);
}

/**
 * deb-systemd-helper's own view of the links (get_link_closure): WantedBy and RequiredBy, Alias
 * and Also, read case-insensitively from the unit file it finds in /etc, /lib or /usr/lib.
 */
function dshLinks(ctx: ApplyContext, unit: string, visited: Set<string>): UnitLink[] {
  const dirs = [CONFIG_DIR, '/lib/systemd/system', '/usr/lib/systemd/system'];
  const dir = dirs.find((d) => ctx.view.lstat(ctx.view.resolved(`${d}/${unit}`))?.type === 'file');
  if (dir === undefined) return [];
  const path = `${dir}/${unit}`;
  const text = ctx.view.readFile(path)?.toString('utf8') ?? '';
  const links: UnitLink[] = [];
  const wantsDirs: string[] = [];
  let wantedTarget = unit;
  const unquote = (v: string): string => v.replace(/^(["'])(.*)\1$/, '$2');
  for (const line of text.split('\n')) {
    const wants = /^\s*(WantedBy|RequiredBy)=(.+)$/i.exec(line);
    if (wants) {
      for (const v of (wants[2] as string).split(/\s+/).filter(Boolean)) {
        const kind = (wants[1] as string).toLowerCase() === 'wantedby' ? '.wants' : '.requires';
        wantsDirs.push(`${CONFIG_DIR}/${unquote(v)}${kind}/`);
      }
    }
    const also = /^\s*Also=(.+)$/i.exec(line);
    if (also) {
      for (const v of (also[1] as string).split(/\s+/).filter(Boolean).map(unquote)) {
        if (v !== unit && !visited.has(v)) {
          visited.add(v);
          links.push(...dshLinks(ctx, v, visited));
        }
      }
    }
    const alias = /^\s*Alias=(.+)$/i.exec(line);
    if (alias) {
      for (const v of (alias[1] as string).split(/\s+/).filter(Boolean).map(unquote)) {
        if (v !== unit) links.push({ link: `${CONFIG_DIR}/${v}`, target: path });
      }
    }
    const inst = /^\s*DefaultInstance=\s*(["']?)(.+)\1\s*$/i.exec(line);
    if (inst) wantedTarget = unit.replace(/^(.*@)(\.\w+)$/, `$1${inst[2] as string}$2`);
  }
  for (const d of wantsDirs) links.push({ link: `${d}${wantedTarget}`, target: path });
  return links;
}

/** `deb-systemd-helper enable UNIT` on a fresh install. */
export function debSystemdHelperEnable(ctx: ApplyContext, unit: string): ApplyOutcome {
  const dshAlso = `${DSH_STATE}/${unit}.dsh-also`;
  if (ctx.view.lstat(dshAlso)) return nothing(`deb-systemd-helper already has state for ${unit}; only an upgrade would add links`);
  const links = dshLinks(ctx, unit, new Set());
  const notes: string[] = [];
  let outcome: ApplyOutcome | undefined;
  if (systemctlInImage(ctx)) {
    outcome = systemctlPreset(ctx, unit);
    if (outcome.kind === 'defer') return outcome;
    if (outcome.kind === 'done') notes.push(...outcome.notes);
    else notes.push(outcome.reason);
  } else {
    const clash = makeLinks(ctx, links);
    if (clash) return defer(`deb-systemd-helper enable ${unit} fails: ${clash}`);
    notes.push(...links.map((l) => `${l.link} -> ${l.target}`));
  }
  if (links.length > 0) {
    const prior = ctx.view.readFile(dshAlso)?.toString('utf8') ?? '';
    const lines = prior.split('\n').filter(Boolean);
    for (const l of links) if (!lines.includes(l.link)) lines.push(l.link);
    ctx.mkdirs(DSH_STATE);
    ctx.staging.writeFile(ctx.view.canonical(dshAlso), `${lines.join('\n')}\n`, 0o644);
    for (const l of links) {
      const state = `${DSH_STATE}/${l.link.slice(CONFIG_DIR.length + 1)}`;
      if (ctx.view.lstat(state)) continue;
      ctx.mkparents(state);
      ctx.staging.writeFile(ctx.view.canonical(state), '', 0o644);
    }
    notes.push(`deb-systemd-helper state for ${unit}`);
  }
  if (notes.length === 0) return nothing(`${unit} has no [Install] section: nothing to enable`);
  return done(...notes);
}

export function applySystemdEnable(action: EnableAction, ctx: ApplyContext): ApplyOutcome {
  if (action.user) return defer('user units (systemctl --global, deb-systemd-helper --user) are not modelled');
  return ctx.options.enableTool === 'deb-systemd-helper' ? debSystemdHelperEnable(ctx, action.unit) : systemctlEnable(ctx, action.unit);
}

export function applySystemdPreset(action: PresetAction, ctx: ApplyContext): ApplyOutcome {
  return systemctlPreset(ctx, action.unit);
}
