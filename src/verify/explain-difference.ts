/**
 * Attributes a difference between the reference install and scriptlet's image to the work the
 * plan left for first boot: a deferred script, or an action the appliers could not realise.
 * Conservative by construction: a difference counts as explained only when the deferred work
 * names it. For a script that means one of:
 * - a path written in its text (`/etc/ssh/sshd_config`), or a directory written there that
 *   contains the path, or a path prefix that ends at an expansion (`/etc/ssh/ssh_host_$type`
 *   covers /etc/ssh/ssh_host_rsa_key) — never a broad directory such as /etc or /var/lib;
 * - the state files of a tool it calls (ucf's registry, update-alternatives' links,
 *   deb-systemd-helper's state, rc links of update-rc.d, pam-auth-update's profiles…);
 * - an account named as an argument of an account tool it calls, or listed in the masters that
 *   update-passwd installs or the sysusers.d files that systemd-sysusers reads;
 * - a file owned by an account whose own difference it explains.
 * Pure: the image facts it needs (tmpfiles.d paths, sysusers.d and base-passwd names) arrive as data.
 */
import type { Action } from '../actions/action.js';
import type { Analysis } from '../shell/analysis.js';
import type { Difference } from './compare-states.js';

export interface ExplainingStep {
  /** The deferred step's id, or `apply:<kind>` for an action the appliers deferred. */
  step: string;
  package: string;
  phase?: string;
  /** Why it was deferred (from the plan or the applier). */
  reason: string;
  /** How the step names the difference. */
  via: string;
}

/** A deferred script with what is known about it. */
export interface DeferredScript {
  id: string;
  package: string;
  phase: string;
  reason: string;
  script: string;
  analysis?: Analysis;
  /**
   * Files the script sources (`. /usr/share/postgresql-common/maintscripts-functions`) and helper
   * scripts it runs by absolute path, read from the image.
   */
  sourced?: { path: string; script: string; analysis?: Analysis }[];
}

/** An action the appliers could not realise at build time. */
export interface DeferredAction {
  actions: Action[];
  reason: string;
  /** Packages whose scripts asked for the actions. */
  packages: string[];
}

/** A tmpfiles.d entry's path; `recursive` types (C, Z, z, X, x) act below it too. */
export interface TmpfilesEntry {
  path: string;
  recursive: boolean;
}

/** Facts about the unpacked image that say what some tools will write. */
export interface ImageFacts {
  /** tmpfiles.d entries by configuration file name (`var.conf`). */
  tmpfiles: Map<string, TmpfilesEntry[]>;
  /** Users and groups by sysusers.d file name. */
  sysusers: Map<string, string[]>;
  /** Users and groups in base-passwd's masters (update-passwd installs them). */
  basePasswdNames: string[];
  /** Aliases and Also= units of each unit file's [Install] section. */
  units: Map<string, { alias: string[]; also: string[] }>;
}

/** Directories too broad to count as naming everything below them. */
const BROAD = new Set([
  '/',
  '/etc',
  '/var',
  '/run',
  '/tmp',
  '/usr',
  '/lib',
  '/var/lib',
  '/var/lib/dpkg',
  '/var/lib/systemd',
  '/var/cache',
  '/var/log',
  '/var/spool',
  '/var/tmp',
  '/var/run',
  '/var/backups',
  '/etc/default',
  '/etc/init.d',
  '/etc/systemd',
  '/etc/systemd/system',
  '/usr/lib',
  '/usr/share',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local',
  '/root',
  '/home',
  '/opt',
  '/srv',
  '/mnt',
  '/media',
  '/boot',
  '/bin',
  '/sbin',
  '/lib64',
]);

interface PathToken {
  text: string;
  /** The token stops at an expansion, so it names everything starting with `text`. */
  prefix: boolean;
  /** Names only the path itself, nothing below it. */
  exact?: boolean;
}

/** Top-level directories a maintainer script writes to. */
const TOP = 'etc|var|run|usr|root|opt|srv|mnt|media|home|boot|bin|sbin|lib|lib64';
const PATH_CHARS = String.raw`[^\s"'\`;|&<>(){}$*?[\]\\]*`;
const EXPANSION = String.raw`([$*?[{]?)`;
/**
 * `/etc/x`, `$DPKG_ROOT/etc/x`, `${DPKG_ROOT}/var/x`, but not `foo/etc/x`; and relative words
 * `etc/x` (dpkg runs maintainer scripts from the root directory).
 */
const ABSOLUTE = new RegExp(String.raw`(?<=^|[\s"'=:}(]|\$[A-Za-z_][A-Za-z0-9_]*)\/(?:${TOP})(?=[/\s"'\`;|&<>(){}$]|$)${PATH_CHARS}${EXPANSION}`, 'gm');
const RELATIVE = new RegExp(String.raw`(?<=^|[\s"'=])(?:${TOP})\/${PATH_CHARS}${EXPANSION}`, 'gm');

/** Absolute paths (and words relative to the root, where dpkg runs scripts) written in a script's text. */
export function pathTokens(script: string): PathToken[] {
  const out = new Map<string, PathToken>();
  for (const re of [ABSOLUTE, RELATIVE]) {
    for (const m of script.matchAll(re)) {
      let text = m[0].startsWith('/') ? m[0] : `/${m[0]}`;
      const expands = m[1] !== '';
      if (expands) text = text.slice(0, -1);
      if (text.length > 1 && text.endsWith('/') && !expands) text = text.slice(0, -1);
      const key = `${text}\0${expands}`;
      if (!out.has(key)) out.set(key, { text, prefix: expands });
    }
  }
  return [...out.values()];
}

function segments(p: string): number {
  return p.split('/').filter(Boolean).length;
}

/** Does the token name `path`? */
export function tokenNames(token: PathToken, path: string): boolean {
  const t = token.text;
  if (path === t) return true;
  if (token.exact) return false;
  if (token.prefix) {
    // `/etc/ssh/ssh_host_$t` names /etc/ssh/ssh_host_rsa_key; `/var/lib/$pkg` names nothing.
    if (t.endsWith('/')) return !BROAD.has(t.slice(0, -1)) && segments(t) >= 2 && path.startsWith(t);
    // A partial last segment (`ssh_host_`) is specific enough below a directory like /etc/ssh.
    return segments(t) >= 2 && path.startsWith(t);
  }
  return !BROAD.has(t) && path.startsWith(`${t}/`);
}

/** `mkdir -p /var/www/html` also makes /var/www: a named path's parents below a broad directory. */
export function tokenParent(token: PathToken, path: string): boolean {
  return !token.exact && !BROAD.has(path) && token.text.startsWith(`${path}/`);
}

/** Tools whose effects on the image are known, by the name a script calls them with. */
const FIXED_STATE: Record<string, RegExp[]> = {
  ucf: [/^\/var\/lib\/ucf(\/|$)/],
  ucfr: [/^\/var\/lib\/ucf(\/|$)/],
  'dpkg-statoverride': [/^\/var\/lib\/dpkg\/statoverride$/],
  'dpkg-divert': [/^\/var\/lib\/dpkg\/diversions$/],
  'pam-auth-update': [/^\/etc\/pam\.d\/common-/, /^\/var\/lib\/pam(\/|$)/],
  'add-shell': [/^\/etc\/shells$/, /^\/var\/lib\/shells\.state$/],
  'remove-shell': [/^\/etc\/shells$/, /^\/var\/lib\/shells\.state$/],
  'update-shells': [/^\/etc\/shells$/, /^\/var\/lib\/shells\.state$/],
  adduser: [/^\/etc\/sub[ug]id$/],
  useradd: [/^\/etc\/sub[ug]id$/],
  'runit-helper': [/^\/etc\/runit\/runsvdir\//, /^\/var\/log\/runit\//],
  a2enmod: [/^\/etc\/apache2\/mods-enabled\//, /^\/var\/lib\/apache2\//],
  a2enconf: [/^\/etc\/apache2\/conf-enabled\//, /^\/var\/lib\/apache2\//],
  a2ensite: [/^\/etc\/apache2\/sites-enabled\//, /^\/var\/lib\/apache2\//],
  journalctl: [/^\/var\/lib\/systemd\/catalog(\/|$)/],
};

const ACCOUNT_TOOLS = new Set(['adduser', 'addgroup', 'useradd', 'groupadd', 'usermod', 'groupmod', 'gpasswd', 'deluser', 'delgroup', 'userdel', 'groupdel']);
const SUBJECT_TOOLS = new Set(['update-alternatives', 'update-rc.d', 'deb-systemd-helper', 'systemctl', 'systemd-tmpfiles', 'systemd-sysusers', 'update-passwd', 'shadowconfig', 'pwconv', 'grpconv']);
const KNOWN_TOOLS = new Set([...Object.keys(FIXED_STATE), ...ACCOUNT_TOOLS, ...SUBJECT_TOOLS]);
const LOOKUPS = new Set(['command', 'which', 'type', 'hash', 'test', '[', '[[', 'echo', 'printf', 'dpkg-query', 'dpkg']);
const ENABLE_VERBS = new Set(['enable', 'reenable', 'preset', 'link', 'add-wants', 'add-requires', 'mask', 'set-default', 'update-state']);
const UNIT_SUFFIX = /\.(service|socket|timer|path|target|mount|automount|swap|slice|scope|device)$/;

/** One call of a known tool: through a wrapper (`chroot "$DPKG_ROOT" adduser`, `in_sysroot adduser`) too. */
interface ToolCall {
  tool: string;
  /** Arguments with simple variables of the script substituted (`"$MESSAGEUSER"` -> messagebus). */
  args: string[];
}

/** What a script names, worked out once per script. */
interface ScriptFacts {
  tokens: PathToken[];
  calls: ToolCall[];
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `NAME=value` lines with a literal value: the script's constants. */
function constants(script: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of script.matchAll(/^[ \t]*([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"$`\\]*)"|'([^']*)'|([^\s"'$`;|&<>()\\]*))[ \t]*$/gm)) {
    const name = m[1]!;
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    // A name assigned twice is not a constant.
    out.set(name, out.has(name) ? '\0' : value);
  }
  for (const [k, v] of out) if (v === '\0') out.delete(k);
  return out;
}

function substitute(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a?: string, b?: string) => vars.get((a ?? b)!) ?? all).replace(/^["']|["']$/g, '');
}

function toolCalls(a: Analysis | undefined, vars: Map<string, string>): ToolCall[] {
  const out: ToolCall[] = [];
  for (const c of a?.commands ?? []) {
    const words = [c.name ?? '', ...c.args.map((w) => w.text)];
    // `command -v adduser` and `[ -x /usr/sbin/adduser ]` look for a tool; they do not run it.
    if (LOOKUPS.has(baseName(words[0]!))) continue;
    const at = words.findIndex((w) => KNOWN_TOOLS.has(baseName(w)));
    if (at < 0) continue;
    out.push({ tool: baseName(words[at]!), args: words.slice(at + 1).map((w) => substitute(w, vars)) });
  }
  return out;
}

/**
 * Arguments of the script's own helper functions that are paths relative to the root
 * (`install_directory mnt 755 root` in base-files): the helper prefixes "$DPKG_ROOT/". Only
 * whole words count, and only as the exact path they spell.
 */
function helperArgs(a: Analysis | undefined): PathToken[] {
  const helpers = new Set((a?.functions ?? []).map((f) => f.name));
  const out: PathToken[] = [];
  for (const c of a?.commands ?? []) {
    if (!c.name || !helpers.has(c.name)) continue;
    for (const w of c.args) if (w.literal && /^[a-z][a-z0-9._+-]*(\/[A-Za-z0-9._+-]+)*$/.test(w.text)) out.push({ text: `/${w.text}`, prefix: false, exact: true });
  }
  return out;
}

/** What a script names, with the files it sources: their helpers run as part of it. */
function scriptFacts(s: DeferredScript): ScriptFacts {
  const parts = [{ script: s.script, analysis: s.analysis }, ...(s.sourced ?? [])];
  return {
    tokens: parts.flatMap((p) => [...pathTokens(p.script), ...helperArgs(p.analysis)]),
    calls: parts.flatMap((p) => toolCalls(p.analysis, constants(p.script))),
  };
}

function callsOf(f: ScriptFacts, tool: string): ToolCall[] {
  return f.calls.filter((c) => c.tool === tool);
}

/** Units a call names, with their aliases and Also= units (and theirs), as the image declares them. */
function unitsNamed(calls: readonly ToolCall[], facts: ImageFacts): Set<string> {
  const out = new Set<string>();
  const add = (u: string, depth: number): void => {
    if (out.has(u) || depth > 3) return;
    out.add(u);
    const install = facts.units.get(u);
    for (const a of install?.alias ?? []) out.add(a);
    for (const a of install?.also ?? []) add(a, depth + 1);
  };
  for (const c of calls) for (const w of c.args) if (UNIT_SUFFIX.test(w)) add(w, 0);
  return out;
}

const UNIT_LINK_ROOTS = /^\/(etc\/systemd\/(system|user)|var\/lib\/systemd\/deb-systemd-(helper|user-helper)-(enabled|masked))\//;

/** A path a unit enablement makes: a link or state file named after one of `units`, or a .wants/.requires directory. */
function unitPath(path: string, units: Set<string>): boolean {
  if (!UNIT_LINK_ROOTS.test(path)) return false;
  const base = baseName(path);
  if (/\.(wants|requires)$/.test(base)) return units.size > 0;
  return units.has(base) || units.has(base.replace(/\.dsh-also$/, ''));
}

function confArgs(calls: readonly ToolCall[]): string[] | undefined {
  const confs = calls.flatMap((c) => c.args.filter((a) => a.endsWith('.conf')).map(baseName));
  // A call without a file name reads every file.
  return calls.some((c) => !c.args.some((a) => a.endsWith('.conf'))) ? undefined : confs;
}

function pick<T>(m: Map<string, T[]>, names: string[] | undefined): T[] {
  return names === undefined ? [...m.values()].flat() : names.flatMap((n) => m.get(n) ?? []);
}

/** The literal directory part of a path argument that goes on with an expansion, when specific enough. */
function literalPrefix(arg: string): string | undefined {
  const cut = arg.search(/[$*?[{`]/);
  if (!arg.startsWith('/') || cut < 0) return undefined;
  const dir = arg.slice(0, arg.lastIndexOf('/', cut) + 1);
  return segments(dir) >= 3 && !BROAD.has(dir.slice(0, -1)) ? dir : undefined;
}

/** Where each alternative points in the reference (`/etc/alternatives/NAME` links). */
type AlternativeTargets = ReadonlyMap<string, string>;

function explainFileByTools(path: string, linkTarget: string | undefined, f: ScriptFacts, facts: ImageFacts, alternativeTargets: AlternativeTargets): string | undefined {
  for (const c of f.calls) {
    if (FIXED_STATE[c.tool]?.some((re) => re.test(path))) return `it runs ${c.tool}, which keeps its state in ${path}`;
  }
  const alternatives = callsOf(f, 'update-alternatives');
  // The alternative's own state, or a link pointing at /etc/alternatives/NAME (its master or slave link).
  const name = /^\/(etc\/alternatives|var\/lib\/dpkg\/alternatives)\//.test(path) ? baseName(path) : linkTarget?.startsWith('/etc/alternatives/') ? baseName(linkTarget) : undefined;
  if (alternatives.length > 0 && name !== undefined) {
    if (alternatives.some((c) => c.args.includes(name))) return `it runs update-alternatives for ${name}`;
    // Names built in a loop (`$f.gz`): the alternative counts when its target lies where the
    // script's own path arguments point (`/usr/share/postgresql/$V/man/...`).
    const target = alternativeTargets.get(name);
    const prefix = target && alternatives.flatMap((c) => c.args).map(literalPrefix).find((p) => p !== undefined && target.startsWith(p));
    if (prefix) return `it runs update-alternatives on paths under ${prefix}, where ${name} points (${target})`;
  }
  const rc = callsOf(f, 'update-rc.d');
  for (const c of rc) {
    const script = c.args.find((a) => !a.startsWith('-'));
    if (!script) continue;
    if (new RegExp(`^/etc/rc[0-6S]\\.d/[SK][0-9]{2}${script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(path)) return `it runs update-rc.d for ${script}`;
    if (unitPath(path, new Set([`${script}.service`]))) return `it runs update-rc.d for ${script}, which enables ${script}.service too`;
  }
  const enabling = [...callsOf(f, 'deb-systemd-helper'), ...callsOf(f, 'systemctl')].filter((c) => c.args.some((a) => ENABLE_VERBS.has(a)));
  const units = unitsNamed(enabling, facts);
  if (unitPath(path, units)) return `it enables ${[...units].sort().join(', ')}`;
  const tmpfiles = callsOf(f, 'systemd-tmpfiles');
  if (tmpfiles.length > 0) {
    const confs = confArgs(tmpfiles);
    const e = pick(facts.tmpfiles, confs).find((t) => path === t.path || (t.recursive && !BROAD.has(t.path) && path.startsWith(`${t.path}/`)));
    if (e) return `it runs systemd-tmpfiles${confs ? ` on ${confs.join(' ')}` : ''}, which names ${e.path}`;
  }
  return undefined;
}

function explainAccountByTools(d: Difference, name: string, f: ScriptFacts, facts: ImageFacts): string | undefined {
  for (const c of f.calls) if (ACCOUNT_TOOLS.has(c.tool) && c.args.includes(name)) return `it runs ${c.tool} for ${name}`;
  if (callsOf(f, 'update-passwd').length > 0 && facts.basePasswdNames.includes(name)) return `it runs update-passwd, which installs ${name} from base-passwd's masters`;
  const sysusers = callsOf(f, 'systemd-sysusers');
  if (sysusers.length > 0) {
    const confs = confArgs(sysusers);
    if (pick(facts.sysusers, confs).includes(name)) return `it runs systemd-sysusers${confs ? ` on ${confs.join(' ')}` : ''}, which declares ${name}`;
  }
  const shadow = f.calls.find((c) => c.tool === 'shadowconfig' || c.tool === 'pwconv' || c.tool === 'grpconv');
  if (shadow && shadowOnly(d)) return `it runs ${shadow.tool}, which writes the shadow entries`;
  return undefined;
}

function explainByScript(d: Difference, f: ScriptFacts, facts: ImageFacts, targets: AlternativeTargets): string | undefined {
  const path = pathOf(d);
  if (path === undefined) return explainAccountByTools(d, accountOf(d)!, f, facts);
  const token = f.tokens.find((t) => tokenNames(t, path));
  if (token) return `its text names ${token.text}${token.prefix ? '…' : ''}`;
  const isDir = d.subject.kind === 'file' && (d.subject.reference?.type === 'dir' || d.subject.scriptlet?.type === 'dir');
  const child = isDir ? f.tokens.find((t) => tokenParent(t, path)) : undefined;
  if (child) return `its text names ${child.text}, inside this directory`;
  const linkTarget = d.subject.kind === 'file' ? d.subject.reference?.target : undefined;
  return explainFileByTools(path, linkTarget, f, facts, targets);
}

function pathOf(d: Difference): string | undefined {
  return d.subject.kind === 'file' ? d.subject.path : undefined;
}

function accountOf(d: Difference): string | undefined {
  return d.subject.kind === 'file' ? undefined : d.subject.name;
}

/** Only the shadow/gshadow fields differ (or only their presence). */
function shadowOnly(d: Difference): boolean {
  if (d.subject.kind === 'file' || !d.subject.reference || !d.subject.scriptlet) return false;
  const strip = (o: object): string => JSON.stringify({ ...o, shadow: undefined, gshadow: undefined, password: undefined });
  return strip(d.subject.reference) === strip(d.subject.scriptlet);
}

function createsAccounts(f: ScriptFacts): boolean {
  return f.calls.some((c) => ['adduser', 'addgroup', 'useradd', 'groupadd', 'update-passwd', 'systemd-sysusers'].includes(c.tool));
}

/** First id of Debian's dynamically allocated system accounts, and one past the last. */
const DYNAMIC_IDS = [100, 1000] as const;

/** Only a uid or gid in the dynamic system range differs. */
export function idShiftOnly(d: Difference): boolean {
  if (d.subject.kind === 'file' || !d.subject.reference || !d.subject.scriptlet) return false;
  const dynamic = (n: number): boolean => n >= DYNAMIC_IDS[0] && n < DYNAMIC_IDS[1];
  if (d.subject.kind === 'user') {
    const { reference: r, scriptlet: g } = d.subject;
    return r.uid !== g.uid && dynamic(r.uid) && dynamic(g.uid) && JSON.stringify({ ...r, uid: 0 }) === JSON.stringify({ ...g, uid: 0 });
  }
  const { reference: r, scriptlet: g } = d.subject;
  return r.gid !== g.gid && dynamic(r.gid) && dynamic(g.gid) && JSON.stringify({ ...r, gid: 0 }) === JSON.stringify({ ...g, gid: 0 });
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

function explainByAction(d: Difference, w: DeferredAction): string | undefined {
  // The action's kind is vocabulary, not something it names.
  const values = strings(w.actions.map(({ kind: _kind, ...rest }) => rest)).filter((v) => v !== '');
  const path = pathOf(d);
  if (path === undefined) {
    const name = accountOf(d)!;
    return w.actions.some((a) => (a.kind === 'user' || a.kind === 'group') && a.name === name) ? `the ${name} account action` : undefined;
  }
  // A statoverride left for first boot is registered there, in dpkg's database of them.
  if (path === '/var/lib/dpkg/statoverride') {
    const registered = w.actions.find((a) => a.kind === 'path-attr' && a.statoverride);
    return registered?.kind === 'path-attr' ? `the action registers a statoverride for ${registered.path}` : undefined;
  }
  const base = path.slice(path.lastIndexOf('/') + 1);
  for (const v of values) {
    if (v.startsWith('/') && (path === v || (!BROAD.has(v) && path.startsWith(`${v}/`)))) return `the action names ${v}`;
    if (!v.startsWith('/') && (base === v || new RegExp(`^[SK][0-9]{2}${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(base))) {
      return `the action names ${v}`;
    }
  }
  return undefined;
}

/**
 * The deferred work explaining each difference (empty when none does). `owners` maps an account
 * name to the steps that explain that account's own difference, so files it owns follow it.
 */
export function explainDifferences(
  differences: readonly Difference[],
  scripts: readonly DeferredScript[],
  actions: readonly DeferredAction[],
  facts: ImageFacts,
): ExplainingStep[][] {
  const targets: AlternativeTargets = new Map(
    differences.flatMap((d) =>
      d.subject.kind === 'file' && d.subject.path.startsWith('/etc/alternatives/') && d.subject.reference?.target ? [[baseName(d.subject.path), d.subject.reference.target] as [string, string]] : [],
    ),
  );
  const known = scripts.map((s) => ({ s, f: scriptFacts(s) }));
  const explainOne = (d: Difference): ExplainingStep[] => {
    const out: ExplainingStep[] = [];
    for (const { s, f } of known) {
      const via = explainByScript(d, f, facts, targets);
      if (via) out.push({ step: s.id, package: s.package, phase: s.phase, reason: s.reason, via });
    }
    for (const w of actions) {
      const via = explainByAction(d, w);
      if (via) out.push({ step: `apply:${w.actions[0]?.kind ?? 'action'}`, package: w.packages.join(', '), reason: w.reason, via });
    }
    return out;
  };
  const result = differences.map(explainOne);
  // Dynamic ids are handed out in creation order: an account made at build time takes an id
  // that a deferred script would have taken first in a real install.
  const creators = known.filter(({ f }) => createsAccounts(f)).map(({ s }) => s);
  differences.forEach((d, i) => {
    if (result[i]!.length > 0 || !idShiftOnly(d)) return;
    for (const s of creators) {
      result[i]!.push({ step: s.id, package: s.package, phase: s.phase, reason: s.reason, via: 'it creates accounts at first boot, after this one took its dynamic id at build time, so the ids come out in another order' });
    }
  });
  const byAccount = new Map<string, ExplainingStep[]>();
  differences.forEach((d, i) => {
    if (d.subject.kind !== 'file' && result[i]!.length > 0) byAccount.set(d.subject.name, result[i]!);
  });
  differences.forEach((d, i) => {
    if (d.subject.kind !== 'file' || result[i]!.length > 0) return;
    const ref = d.subject.reference;
    const got = d.subject.scriptlet;
    // Only an owner change: the file is right but its account is not there yet.
    if (!ref || !got || ref.type !== got.type || ref.mode !== got.mode || ref.sha256 !== got.sha256 || ref.target !== got.target) return;
    for (const name of [ref.owner, ref.group]) {
      for (const e of byAccount.get(name) ?? []) result[i]!.push({ ...e, via: `the file belongs to ${name}, which ${e.step} makes (${e.via})` });
    }
  });
  // A link only the reference has, to a file a deferred step makes, in the same directory: the
  // step made the link too, under a name it computed (make-ssl-cert's `$(openssl x509 -hash)`.0).
  const byPath = new Map<string, ExplainingStep[]>();
  differences.forEach((d, i) => {
    if (d.subject.kind === 'file' && result[i]!.length > 0) byPath.set(d.subject.path, result[i]!);
  });
  differences.forEach((d, i) => {
    if (d.subject.kind !== 'file' || result[i]!.length > 0 || d.subject.scriptlet) return;
    const target = d.subject.reference?.type === 'symlink' ? d.subject.reference.target : undefined;
    if (!target || target.includes('/')) return;
    const sibling = `${d.subject.path.slice(0, d.subject.path.lastIndexOf('/'))}/${target}`;
    for (const e of byPath.get(sibling) ?? []) result[i]!.push({ ...e, via: `a link to ${sibling}, which ${e.step} makes (${e.via})` });
  });
  return result;
}
