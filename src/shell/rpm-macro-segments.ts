import type { Command, Segment } from './analysis.js';
import type { ShStmt } from './sh-ast.js';

type RpmMacroSegment = Extract<Segment, { kind: 'rpm-macro' }>;

/*
 * RPM scriptlets arrive with macros already expanded, so the macros are recognised by the shape of
 * their output (systemd's macros.systemd and Fedora's sysusers generator), one top-level statement
 * at a time: the statement must consist only of the commands that macro emits.
 */

function basename(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

const updateHelperVerbs: Record<string, string> = {
  'install-system-units': 'systemd_post',
  'install-user-units': 'systemd_user_post',
  'remove-system-units': 'systemd_preun',
  'remove-user-units': 'systemd_user_preun',
  'mark-restart-system-units': 'systemd_postun_with_restart',
  'mark-restart-user-units': 'systemd_user_postun_with_restart',
  'mark-reload-system-units': 'systemd_postun_with_reload',
  'mark-reload-user-units': 'systemd_user_postun_with_reload',
  'user-reexec': 'systemd_user_daemon_reexec',
  'system-reload': 'systemd_postun',
  'user-reload': 'systemd_user_postun',
};

const testNames = new Set(['[', 'test', ':', 'true']);

function only(commands: Command[], allowed: Set<string>): boolean {
  return commands.every((c) => c.name !== null && (allowed.has(basename(c.name)) || testNames.has(c.name)));
}

function literalArgs(c: Command): string[] {
  return c.args.filter((a) => a.literal).map((a) => a.text);
}

function systemdMacro(commands: Command[]): string | undefined {
  if (!only(commands, new Set(['systemd-update-helper', 'systemctl']))) return undefined;
  const helper = commands.find((c) => c.name !== null && basename(c.name) === 'systemd-update-helper');
  if (helper) {
    const verb = literalArgs(helper)[0];
    return verb ? updateHelperVerbs[verb] : undefined;
  }
  // Before systemd-update-helper (systemd < 249) the macros called systemctl directly.
  const ctl = commands.find((c) => c.name === 'systemctl');
  if (!ctl) return undefined;
  const args = literalArgs(ctl);
  const user = args.includes('--global') || args.includes('--user');
  if (args.includes('preset')) return user ? 'systemd_user_post' : 'systemd_post';
  if (args.includes('disable') || args.includes('stop')) return user ? 'systemd_user_preun' : 'systemd_preun';
  if (args.includes('try-restart')) return 'systemd_postun_with_restart';
  if (args.includes('reload-or-try-restart')) return 'systemd_postun_with_reload';
  if (args.includes('daemon-reload')) return 'systemd_postun';
  return undefined;
}

function toolMacro(commands: Command[]): string | undefined {
  const names = commands.map((c) => (c.name === null ? '' : basename(c.name)));
  const allowed = new Set(['command', 'systemd-tmpfiles', 'systemd-sysusers', 'systemd-sysctl', 'systemd-binfmt']);
  if (!only(commands, allowed)) return undefined;
  const tool = commands.find((c, i) => names[i] !== 'command' && !testNames.has(c.name ?? ''));
  if (!tool || tool.name === null) return undefined;
  const args = literalArgs(tool);
  const replaces = args.some((a) => a.startsWith('--replace='));
  switch (basename(tool.name)) {
    case 'systemd-tmpfiles':
      return replaces ? 'tmpfiles_create_package' : args.includes('--create') ? 'tmpfiles_create' : undefined;
    case 'systemd-sysusers':
      if (replaces) return 'sysusers_create_package';
      return args.includes('-') ? 'sysusers_create_inline' : 'sysusers_create';
    case 'systemd-sysctl':
      return 'sysctl_apply';
    case 'systemd-binfmt':
      return 'binfmt_apply';
    default:
      return undefined;
  }
}

const compatNames = new Set(['getent', 'groupadd', 'useradd', 'usermod', 'gpasswd']);

function isSysusersCompat(commands: Command[]): boolean {
  if (!only(commands, compatNames)) return false;
  const names = new Set(commands.map((c) => c.name));
  return names.has('getent') && (names.has('groupadd') || names.has('useradd') || names.has('usermod'));
}

function isLdconfig(stmt: ShStmt, commands: Command[]): boolean {
  const c = commands[0];
  return stmt.node.type === 'simple' && commands.length === 1 && c?.name !== null && c !== undefined && basename(c.name ?? '') === 'ldconfig' && c.args.length === 0;
}

/** rpm-macro regions among the top-level statements; `commandsOf` gives the commands a statement contains. */
export function findRpmMacroRegions(stmts: ShStmt[], commandsOf: (stmt: ShStmt) => Command[]): RpmMacroSegment[] {
  const out: RpmMacroSegment[] = [];
  let previous: string | undefined;
  for (const stmt of stmts) {
    const commands = commandsOf(stmt);
    if (commands.length === 0) continue;
    let macro: string | undefined;
    if (isLdconfig(stmt, commands)) macro = 'ldconfig';
    else if (isSysusersCompat(commands)) macro = 'sysusers_create_compat';
    else macro = systemdMacro(commands) ?? toolMacro(commands);
    const last = out[out.length - 1];
    // The sysusers generator emits one statement per user or group: one region for the whole run.
    if (macro === 'sysusers_create_compat' && previous === macro && last) last.endLine = stmt.endLine;
    else if (macro) out.push({ kind: 'rpm-macro', macro, startLine: stmt.line, endLine: stmt.endLine });
    previous = macro;
  }
  return out;
}
