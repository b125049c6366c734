/**
 * Finds risks in an analysed scriptlet. Pure: it looks only at the Analysis (commands with their
 * words, redirections, pipeline and substitution flags, here-documents), never at the system.
 * Detection is deliberately syntactic: it reports what a script could do, not what it will do on a
 * given machine, so guards do not suppress findings.
 */
import type { Analysis, Command, Word } from '../shell/analysis.js';
import { compareRisks, compareSeverity, type Risk, type RiskKind, type Severity } from './risk.js';
import { outsideWrite, pathWord, specialPathKind } from './system-path.js';

export interface DetectOptions {
  /**
   * Arch `.INSTALL` entry function: only top-level commands and commands in functions reachable
   * from it are considered (the body holds every phase's function).
   */
  entry?: string;
}

export function detectRisks(analysis: Analysis, options: DetectOptions = {}): Risk[] {
  const reachable = options.entry === undefined ? null : reachableFunctions(analysis, options.entry);
  const found: Risk[] = [];
  const downloads: Download[] = [];
  const considered = analysis.commands.filter(
    (c) => reachable === null || c.inFunction === undefined || reachable.has(c.inFunction),
  );

  const loopConditions = [
    ...new Set(considered.flatMap((c) => c.guards.filter((g) => g.kind === 'while' && /\bread\b/.test(g.text)).map((g) => g.text))),
  ];
  for (const cmd of considered) {
    const text = commandText(cmd);
    const add = (kind: RiskKind, severity: Severity, message: string): void => {
      found.push({ kind, severity, message, line: cmd.line, command: text });
    };
    const writes = checkRedirects(cmd, add);
    const eff = cmd.name === null ? null : effectiveCommand(cmd.name, cmd.args);
    if (eff !== null) writes.push(...checkCommand(eff, cmd, loopConditions, add));
    reportWrites(writes, add);
    if (cmd.name === null) {
      add('dynamic-code', 'low', 'the command name is computed at run time');
      continue;
    }
    if (eff === null) continue;
    checkDownloadThenRun(eff, cmd, downloads, add);
    const download = downloadedFile(eff, cmd);
    if (download) downloads.push(download);
  }
  found.push(...pipelineDownloadExec(considered));
  found.push(...substitutionDownloadExec(considered));
  for (const h of analysis.heredocs) {
    if (h.command !== null && interpreters.has(basename(h.command))) {
      if (reachable !== null && !considered.some((c) => c.line === h.line)) continue;
      found.push({
        kind: 'dynamic-code',
        severity: 'medium',
        message: `a here-document is run as code by ${basename(h.command)}; its contents were not analysed`,
        line: h.line,
        command: `${h.command} <<${h.delimiter}`,
      });
    }
  }
  return dedupe(found).sort(compareRisks);
}

type Add = (kind: RiskKind, severity: Severity, message: string) => void;

/** A command after unwrapping `exec`, `env`, `sudo`, `xargs`, `busybox`, …. */
interface Effective {
  /** Basename of argv[0] (init scripts keep their path). */
  name: string;
  args: Word[];
  /** Arguments also come from standard input (xargs). */
  stdinArgs: boolean;
}

const interpreters = new Set([
  'sh',
  'bash',
  'dash',
  'ash',
  'ksh',
  'mksh',
  'zsh',
  'busybox',
  'python',
  'python2',
  'python3',
  'perl',
  'ruby',
  'node',
  'php',
  'lua',
  'tclsh',
]);
const posixShells = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh']);
const fetchers = new Set(['wget', 'curl', 'fetch', 'aria2c', 'lftp', 'ftp', 'tftp']);

function basename(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? name : name.slice(i + 1);
}

function isInitScript(name: string): boolean {
  return /^\/etc\/(?:rc\.d\/)?init\.d\/[^/]+$/.test(name);
}

function commandText(cmd: Command): string {
  const parts = [cmd.name ?? '<computed>', ...cmd.args.map((a) => a.text)];
  for (const r of cmd.redirects) parts.push(`${r.op}${r.target.text}`);
  return parts.join(' ');
}

function unquote(w: Word): string {
  return pathWord(w.text).path;
}

// ---------------------------------------------------------------------------------------------
// Argument parsing: enough of getopt to tell options, their values and operands apart.

interface ParsedArgs {
  /** Option names as written (`-r`, `--recursive`), short clusters split into single letters. */
  options: Map<string, Word | true>;
  operands: Word[];
}

function parseArgs(args: Word[], valueOptions: readonly string[] = []): ParsedArgs {
  const takesValue = new Set(valueOptions);
  const options = new Map<string, Word | true>();
  const operands: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const t = w.text;
    if (!w.literal || !t.startsWith('-') || t === '-') {
      operands.push(w);
      continue;
    }
    if (t === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      if (eq > 0) options.set(t.slice(0, eq), { text: t.slice(eq + 1), literal: true });
      else if (takesValue.has(t) && i + 1 < args.length) options.set(t, args[++i]!);
      else options.set(t, true);
      continue;
    }
    for (let j = 1; j < t.length; j++) {
      const opt = `-${t[j]}`;
      if (takesValue.has(opt)) {
        const rest = t.slice(j + 1);
        if (rest !== '') options.set(opt, { text: rest, literal: true });
        else if (i + 1 < args.length) options.set(opt, args[++i]!);
        else options.set(opt, true);
        break;
      }
      options.set(opt, true);
    }
  }
  return { options, operands };
}

function hasAny(p: ParsedArgs, ...names: string[]): boolean {
  return names.some((n) => p.options.has(n));
}

function optionValue(p: ParsedArgs, ...names: string[]): Word | undefined {
  for (const n of names) {
    const v = p.options.get(n);
    if (v !== undefined && v !== true) return v;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Wrappers that run another command.

const wrapperValueOptions: Readonly<Record<string, readonly string[]>> = {
  exec: ['-a'],
  command: [],
  builtin: [],
  nohup: [],
  setsid: [],
  fakeroot: ['-i', '-s', '-l', '--lib', '--faked'],
  time: ['-f', '-o'],
  nice: ['-n', '--adjustment'],
  ionice: ['-c', '-n', '-p', '--class', '--classdata'],
  sudo: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group'],
  doas: ['-u', '-C'],
  env: ['-u', '-C', '-S', '--unset', '--chdir', '--split-string'],
  xargs: ['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs'],
  timeout: ['-s', '-k', '--signal', '--kill-after'],
};

function effectiveCommand(name: string, args: Word[], depth = 0): Effective | null {
  const base = basename(name);
  const valueOptions = wrapperValueOptions[base];
  if (depth < 4 && valueOptions !== undefined) {
    // Wrapper options come before the wrapped command; stop at its first operand so the wrapped
    // command's own options are not taken for the wrapper's.
    let i = 0;
    const takesValue = new Set(valueOptions);
    while (i < args.length) {
      const w = args[i]!;
      if (base === 'env' && w.literal && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text)) {
        i++;
        continue;
      }
      if (!w.literal || !w.text.startsWith('-') || w.text === '-') break;
      if (w.text === '--') {
        i++;
        break;
      }
      if (base === 'command' && /^-[a-zA-Z]*[vV]/.test(w.text)) return null;
      const flag = w.text.startsWith('--') ? w.text.split('=')[0]! : w.text.slice(0, 2);
      i += takesValue.has(flag) && !w.text.includes('=') && w.text.length === flag.length ? 2 : 1;
    }
    // `timeout [options] DURATION cmd`
    if (base === 'timeout') i++;
    const inner = args[i];
    if (inner === undefined) return base === 'xargs' ? { name: 'echo', args: [], stdinArgs: true } : null;
    if (!inner.literal) return null;
    const result = effectiveCommand(inner.text, args.slice(i + 1), depth + 1);
    if (result && base === 'xargs') result.stdinArgs = true;
    return result;
  }
  if (depth < 4 && base === 'busybox' && args[0]?.literal && !args[0].text.startsWith('-')) {
    return effectiveCommand(args[0].text, args.slice(1), depth + 1);
  }
  return { name: isInitScript(name) ? name : base, args, stdinArgs: false };
}

// ---------------------------------------------------------------------------------------------
// Redirections: writes to files that are not the package's, the user database, /dev/tcp.

const writeOps = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);

function checkRedirects(cmd: Command, add: Add): WriteFinding[] {
  const writes: WriteFinding[] = [];
  for (const r of cmd.redirects) {
    const op = r.op.replace(/^\d+/, '');
    const target = unquote(r.target);
    if (/^\/dev\/(?:tcp|udp)\//.test(target)) {
      add('network', 'high', `opens a network connection through ${target}`);
      continue;
    }
    if (/^\d+-?$|^-$/.test(target)) continue;
    if (writeOps.has(op)) {
      const w = classifyWrite(r.target, 'writes');
      if (w) writes.push(w);
    } else if (op === '<') checkReadTarget(target, add);
  }
  return writes;
}

type WriteHow = 'writes' | 'copies to' | 'moves to' | 'links' | 'edits in place' | 'creates' | 'touches' | 'removes' | 'changes';

interface WriteFinding {
  kind: 'writes-outside-package' | 'passwd-parsing' | 'sudoers-edit' | 'crontab-edit' | 'ld-preload';
  severity: Severity;
  how: WriteHow;
  /** The path as shown, with `(computed)` when it still holds expansions. */
  shown: string;
  /** For writes-outside-package: whose location it is. */
  why?: string;
}

function classifyWrite(word: Word, how: WriteHow): WriteFinding | null {
  const { path, exact } = pathWord(word.text);
  const shown = exact ? path : `${path} (computed)`;
  const special = specialPathKind(path);
  if (special === 'passwd-parsing') {
    // Owner, mode and timestamps are not the database's contents.
    return how === 'changes' || how === 'touches' ? null : { kind: special, severity: 'high', how, shown };
  }
  if (special === 'sudoers-edit' || special === 'ld-preload') return { kind: special, severity: 'high', how, shown };
  if (special === 'crontab-edit') return { kind: special, severity: 'medium', how, shown };
  const outside = outsideWrite(path);
  if (outside === null) return null;
  const severity = how === 'removes' && /^\/(?:var\/)?tmp\//.test(path) ? 'low' : outside.severity;
  return { kind: 'writes-outside-package', severity, how, shown, why: outside.why };
}

/** One risk per kind and verb for a command, listing every path it touches. */
function reportWrites(writes: WriteFinding[], add: Add): void {
  const groups = new Map<string, WriteFinding[]>();
  for (const w of writes) {
    const key = `${w.kind}\0${w.how}`;
    const g = groups.get(key);
    if (g) g.push(w);
    else groups.set(key, [w]);
  }
  for (const g of groups.values()) {
    const first = g[0]!;
    const severity = g.map((w) => w.severity).reduce((a, b) => (compareSeverity(b, a) > 0 ? b : a));
    const paths = [...new Set(g.map((w) => w.shown))].join(', ');
    switch (first.kind) {
      case 'passwd-parsing':
        add(first.kind, severity, `${first.how} ${paths} directly instead of using useradd/groupadd/usermod`);
        break;
      case 'ld-preload':
        add(first.kind, severity, `${first.how} ${paths}: the library would be loaded into every process`);
        break;
      case 'sudoers-edit':
      case 'crontab-edit':
        add(first.kind, severity, `${first.how} ${paths}`);
        break;
      case 'writes-outside-package': {
        const whys = [...new Set(g.map((w) => w.why))].join('; ');
        add(first.kind, severity, `${first.how} ${paths}, which ${g.length > 1 ? 'belong' : 'belongs'} to ${whys}`);
        break;
      }
    }
  }
}

function checkReadTarget(path: string, add: Add): void {
  if (specialPathKind(path) === 'passwd-parsing') {
    add('passwd-parsing', 'medium', `reads ${path} directly instead of using getent (at build time that is the host's)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Per-command checks.

/** Commands that mention the user database without parsing it. */
const passwdMentionOk = new Set([
  'test',
  '[',
  '[[',
  'ls',
  'stat',
  'getent',
  'echo',
  'printf',
  'logger',
  'chmod',
  'chown',
  'chgrp',
  'touch',
  'dpkg-statoverride',
]);

const passwdEditors = new Set(['vipw', 'vigr']);

/** Adds the command's risks; returns its file writes for `reportWrites`. */
function checkCommand(eff: Effective, cmd: Command, loopConditions: readonly string[], add: Add): WriteFinding[] {
  const { name, args } = eff;
  const writes = writeTargets(eff);
  const findings = writes.map(([word, how]) => classifyWrite(word, how)).filter((w): w is WriteFinding => w !== null);

  if (passwdEditors.has(name)) add('passwd-parsing', 'high', `${name} edits the user database by hand`);
  else if (!passwdMentionOk.has(name)) {
    const written = new Set(writes.map(([w]) => unquote(w)));
    for (const a of args) {
      const p = unquote(a);
      if (specialPathKind(p) === 'passwd-parsing' && !written.has(p)) checkReadTarget(p, add);
    }
  }

  if (fetchers.has(name)) add('network', 'medium', `${name} downloads from the network`);

  switch (name) {
    case 'ssh':
    case 'scp':
    case 'sftp':
    case 'nc':
    case 'netcat':
    case 'ncat':
    case 'socat':
    case 'telnet':
      add('network', 'medium', `${name} opens a network connection`);
      break;
    case 'rsync':
      if (parseArgs(args).operands.some((a) => /^rsync:\/\/|^[^/\s$]+::?/.test(unquote(a)))) {
        add('network', 'medium', 'rsync copies from or to a remote host');
      }
      break;
    case 'git':
      checkGit(args, add);
      break;
    case 'svn':
    case 'hg':
    case 'bzr': {
      const verb = parseArgs(args).operands[0];
      if (verb && /^(?:checkout|co|export|update|up|clone|pull|branch)$/.test(verb.text)) {
        add('network', 'medium', `${name} ${verb.text} fetches from a remote repository`);
      }
      break;
    }
    case 'dpkg':
      checkDpkg(args, add);
      break;
    case 'dpkg-reconfigure':
      add('package-manager', 'medium', 'dpkg-reconfigure runs another package\u2019s maintainer scripts');
      break;
    case 'apt-get':
    case 'apt':
    case 'aptitude':
      checkApt(name, args, add);
      break;
    case 'rpm':
      checkRpm(args, add);
      break;
    case 'dnf':
    case 'yum':
    case 'microdnf':
    case 'tdnf':
    case 'zypper':
      checkDnf(name, args, add);
      break;
    case 'pacman':
      checkPacman(args, add);
      break;
    case 'apk':
      checkVerb(name, args, /^(?:add|del|upgrade|update|fix)$/, /^(?:add|upgrade|update|fix)$/, 'high', add);
      break;
    case 'snap':
    case 'flatpak':
      checkVerb(name, args, /^(?:install|remove|refresh|update|uninstall)$/, /^(?:install|refresh|update)$/, 'high', add);
      break;
    case 'pip':
    case 'pip2':
    case 'pip3':
    case 'pipx':
      checkPip(name, args, add);
      break;
    case 'python':
    case 'python2':
    case 'python3': {
      const m = args.findIndex((a) => a.text === '-m');
      const mod = m >= 0 ? args[m + 1] : undefined;
      if (mod && /^pip[23]?$/.test(mod.text)) checkPip(`${name} -m pip`, args.slice(m + 2), add);
      checkInterpreterCode(name, args, add);
      break;
    }
    case 'npm':
    case 'yarn':
    case 'pnpm':
      checkVerb(name, args, /^(?:install|i|ci|add|update|upgrade)$/, /^(?:install|i|ci|add|update|upgrade)$/, 'medium', add);
      break;
    case 'gem':
    case 'cargo':
      checkVerb(name, args, /^install$/, /^install$/, 'medium', add, ['--local']);
      break;
    case 'go': {
      const verb = parseArgs(args).operands[0]?.text;
      if (verb === 'get' || verb === 'install') add('network', 'medium', `go ${verb} downloads modules`);
      break;
    }
    case 'systemctl':
      checkSystemctl(args, add);
      break;
    case 'service':
    case 'rc-service':
    case 'initctl':
    case 'sv':
    case 'start-stop-daemon':
    case 'systemd-run':
      add('service-control', 'medium', `${name} acts on services of the running system`);
      break;
    case 'invoke-rc.d':
    case 'deb-systemd-invoke':
      add('service-control', 'low', `${name} starts or stops a service (it honours policy-rc.d, which can block it)`);
      break;
    case 'udevadm': {
      const verb = parseArgs(args).operands[0]?.text;
      if (verb === 'trigger' || verb === 'control' || verb === 'settle') {
        add('service-control', 'medium', `udevadm ${verb} acts on the running udev daemon`);
      }
      break;
    }
    case 'telinit':
    case 'reboot':
    case 'shutdown':
    case 'halt':
    case 'poweroff':
      add('service-control', 'high', `${name} changes the run state of the machine`);
      break;
    case 'kill':
    case 'killall':
    case 'pkill':
    case 'skill':
    case 'killall5': {
      const everything = name === 'killall5' || (name === 'kill' && args.some((a) => a.text === '-1' && a !== args[0]));
      add('kill', everything ? 'high' : 'medium', everything ? `${name} signals every process` : `${name} signals running processes`);
      break;
    }
    case 'fuser':
      if (hasAny(parseArgs(args), '-k', '--kill')) add('kill', 'medium', 'fuser -k kills the processes using a file');
      break;
    case 'mount':
    case 'umount':
    case 'swapon':
    case 'swapoff':
    case 'losetup':
    case 'mkswap':
    case 'fdisk':
    case 'sfdisk':
    case 'parted':
    case 'wipefs':
      if (args.length > 0) add('mount', 'high', `${name} changes mounts or block devices of the running machine`);
      break;
    case 'rm':
      checkRm(eff, add);
      break;
    case 'chmod':
      checkChmod(args, add);
      break;
    case 'chown':
    case 'chgrp':
      checkRecursive(name, parseArgs(args, ['--from', '--reference']), 1, add);
      break;
    case 'install':
      checkInstallMode(args, add);
      break;
    case 'dpkg-statoverride': {
      const p = parseArgs(args, ['--admindir', '--instdir', '--root']);
      if (hasAny(p, '--add')) {
        const mode = p.operands[2];
        if (mode && setidKind(mode.text) !== null) {
          add('setuid-chmod', 'low', `dpkg-statoverride registers mode ${mode.text} for ${p.operands[3]?.text ?? 'a file'}`);
        }
      }
      break;
    }
    case 'visudo':
      if (!hasAny(parseArgs(args, ['-f', '--file']), '-c', '--check')) add('sudoers-edit', 'high', 'visudo edits sudo configuration');
      break;
    case 'crontab': {
      const p = parseArgs(args, ['-u']);
      if (!hasAny(p, '-l')) add('crontab-edit', 'medium', 'crontab replaces or edits a user\u2019s crontab');
      break;
    }
    case 'export':
      for (const a of args) {
        if (/^LD_PRELOAD=/.test(a.text)) add('ld-preload', 'medium', 'exports LD_PRELOAD to the commands that follow');
      }
      break;
    case 'eval':
      if (args.some((a) => !a.literal)) {
        const output = args.some((a) => /\$\(|`/.test(a.text));
        add('dynamic-code', 'medium', output ? 'eval runs the output of a command as code' : 'eval runs a string built at run time');
      }
      break;
    case '.':
    case 'source':
      if (args[0] && !pathWord(args[0].text).exact) add('dynamic-code', 'medium', `${name} reads a script whose path is computed at run time`);
      break;
    case 'db_input':
    case 'db_go':
      add('debconf-prompt', 'low', `${name} may ask a question (answered from defaults with a noninteractive frontend)`);
      break;
    case 'whiptail':
    case 'dialog':
    case 'zenity':
    case 'kdialog':
      add('debconf-prompt', 'high', `${name} shows an interactive dialog; nobody can answer it`);
      break;
    case 'read':
      checkRead(eff, cmd, loopConditions, add);
      break;
    default:
      if (isInitScript(name)) {
        const verb = args[0]?.text ?? '';
        add('service-control', 'medium', `runs the init script ${name}${verb ? ` ${verb}` : ''} on the running system`);
      } else if (posixShells.has(name)) {
        checkInterpreterCode(name, args, add);
      }
  }
  return findings;
}

function checkGit(args: Word[], add: Add): void {
  const p = parseArgs(args, ['-C', '-c', '--git-dir', '--work-tree', '--namespace']);
  const verb = p.operands[0]?.text;
  if (verb && /^(?:clone|fetch|pull|ls-remote|push|archive)$/.test(verb)) {
    if (verb === 'archive' && !hasAny(parseArgs(args.slice(1), ['--remote']), '--remote')) return;
    add('network', 'medium', `git ${verb} talks to a remote repository`);
  }
  if (verb === 'submodule' && /^(?:update|init|add)$/.test(p.operands[1]?.text ?? '')) {
    add('network', 'medium', 'git submodule fetches from remote repositories');
  }
}

function checkDpkg(args: Word[], add: Add): void {
  const p = parseArgs(args, ['--admindir', '--instdir', '--root', '--force', '--status-fd', '--log']);
  const acts = ['-i', '--install', '-r', '--remove', '-P', '--purge', '--configure', '--unpack', '--set-selections', '--clear-selections', '--triggers-only'];
  const act = acts.find((a) => p.options.has(a));
  if (act) add('package-manager', 'high', `dpkg ${act} runs the package manager from inside a package operation (dpkg holds its lock)`);
}

function checkApt(name: string, args: Word[], add: Add): void {
  const p = parseArgs(args, ['-o', '-c', '-t', '-a', '--option', '--config-file', '--target-release', '--host-architecture']);
  const verb = p.operands[0]?.text;
  if (!verb) return;
  if (/^(?:install|reinstall|upgrade|dist-upgrade|full-upgrade|update|source|download|build-dep|changelog)$/.test(verb)) {
    add('network', 'medium', `${name} ${verb} downloads from package repositories`);
  }
  if (/^(?:install|reinstall|remove|purge|autoremove|upgrade|dist-upgrade|full-upgrade|update|build-dep|markauto|unmarkauto)$/.test(verb)) {
    add('package-manager', 'high', `${name} ${verb} runs the package manager from inside a package operation`);
  }
}

function checkRpm(args: Word[], add: Add): void {
  const mutating = args.some(
    (a) =>
      a.literal &&
      (/^-[iUFe]/.test(a.text) || /^--(?:install|upgrade|freshen|erase|reinstall|import|initdb|rebuilddb|restore)$/.test(a.text)),
  );
  if (!mutating) return;
  add('package-manager', 'high', 'rpm changes the package database from inside a package operation (rpm holds its lock)');
  if (args.some((a) => /^(?:https?|ftp):\/\//.test(unquote(a)))) add('network', 'medium', 'rpm installs a package from a URL');
}

function checkDnf(name: string, args: Word[], add: Add): void {
  const p = parseArgs(args, ['-c', '--config', '--installroot', '--releasever', '--setopt', '-d', '-e', '-x', '--exclude', '--repo', '--enablerepo', '--disablerepo']);
  const verb = p.operands[0]?.text;
  if (!verb) return;
  if (/^(?:install|in|reinstall|update|up|upgrade|downgrade|makecache|refresh|ref|distro-sync|dup|dist-upgrade|remove|rm|erase|autoremove|patch)$/.test(verb)) {
    add('package-manager', 'high', `${name} ${verb} runs the package manager from inside a package operation`);
    if (!/^(?:remove|rm|erase|autoremove)$/.test(verb)) add('network', 'medium', `${name} ${verb} downloads from package repositories`);
  }
}

function checkPacman(args: Word[], add: Add): void {
  const ops = args.filter((a) => a.literal && /^-[A-Za-z]+$/.test(a.text)).map((a) => a.text).join('');
  const long = new Set(args.map((a) => a.text));
  const sync = ops.includes('S') || long.has('--sync');
  const mutate = sync || /[RUD]/.test(ops) || long.has('--remove') || long.has('--upgrade') || long.has('--database');
  if (mutate) add('package-manager', 'high', 'pacman changes the package database from inside a package operation (pacman holds its lock)');
  if (sync || ops.includes('F') && ops.includes('y')) add('network', 'medium', 'pacman downloads from package repositories');
}

function checkVerb(
  name: string,
  args: Word[],
  mutating: RegExp,
  fetching: RegExp,
  severity: Severity,
  add: Add,
  offline: readonly string[] = [],
): void {
  const p = parseArgs(args);
  const verb = p.operands[0]?.text;
  if (!verb) return;
  if (mutating.test(verb)) add('package-manager', severity, `${name} ${verb} installs software outside the package manager's control`);
  if (fetching.test(verb) && !hasAny(p, ...offline)) add('network', 'medium', `${name} ${verb} downloads from the network`);
}

function checkPip(name: string, args: Word[], add: Add): void {
  const p = parseArgs(args, ['-r', '--requirement', '-t', '--target', '-i', '--index-url', '-f', '--find-links', '-c', '--constraint', '-d', '--dest']);
  const verb = p.operands[0]?.text;
  if (verb !== 'install' && verb !== 'download') return;
  if (verb === 'install') add('package-manager', 'medium', `${name} install installs software outside the package manager's control`);
  if (!hasAny(p, '--no-index')) add('network', 'medium', `${name} ${verb} downloads from a package index`);
}

function checkInterpreterCode(name: string, args: Word[], add: Add): void {
  const c = args.findIndex((a) => a.literal && /^-[a-zA-Z]*c$/.test(a.text));
  if (c < 0) return;
  const code = args[c + 1];
  if (code && !code.literal) add('dynamic-code', 'medium', `${name} -c runs a string built at run time`);
}

function checkSystemctl(args: Word[], add: Add): void {
  const p = parseArgs(args, ['-H', '--host', '-M', '--machine', '-t', '--type', '-p', '--property', '-s', '--signal', '--root', '--kill-whom', '-n', '--lines', '-o', '--output', '--preset-mode']);
  // `--root` works on a directory tree offline, as an image build does.
  if (hasAny(p, '--root')) return;
  const verb = p.operands[0]?.text;
  if (!verb) return;
  if (/^(?:reboot|poweroff|halt|kexec|isolate|rescue|emergency|default|suspend|hibernate)$/.test(verb)) {
    add('service-control', 'high', `systemctl ${verb} changes the run state of the machine`);
  } else if (/^(?:start|stop|restart|reload|try-restart|reload-or-restart|try-reload-or-restart|condrestart|condreload|condstop|force-reload|kill|reset-failed|daemon-reexec)$/.test(verb)) {
    add('service-control', 'medium', `systemctl ${verb} acts on the running service manager`);
  } else if (verb === 'daemon-reload') {
    add('service-control', 'low', 'systemctl daemon-reload needs a running systemd');
  } else if (/^(?:enable|disable|mask|reenable)$/.test(verb) && hasAny(p, '--now')) {
    add('service-control', 'medium', `systemctl ${verb} --now also starts or stops the unit`);
  }
}

function checkRm(eff: Effective, add: Add): void {
  const p = parseArgs(eff.args);
  if (!hasAny(p, '-r', '-R', '--recursive')) return;
  if (eff.stdinArgs) {
    add('rm-rf-variable', 'medium', 'rm -r removes paths read from standard input (xargs)');
    return;
  }
  let worst: { severity: Severity; why: string; word: string } | null = null;
  for (const w of p.operands) {
    if (w.literal) continue;
    const { path, exact } = pathWord(w.text);
    if (exact) continue;
    const unquoted = !/["']/.test(w.text) && /[$`]/.test(w.text);
    const leadingExpansion = /^(?:\$\{?[A-Za-z_@*0-9]|\$\(|`)/.test(path) && /[}A-Za-z0-9_)`]\//.test(path);
    let cur: { severity: Severity; why: string };
    if (leadingExpansion) cur = { severity: 'high', why: 'starts with an expansion followed by /: if it is empty, this removes from /' };
    else if (unquoted) cur = { severity: 'high', why: 'is unquoted: word splitting or an empty value changes what is removed' };
    else if (/[$`]/.test(path)) cur = { severity: 'medium', why: 'is built from a variable or command output' };
    else cur = { severity: 'low', why: 'is a glob' };
    if (!worst || compareSeverity(cur.severity, worst.severity) > 0) worst = { ...cur, word: w.text };
  }
  if (worst) add('rm-rf-variable', worst.severity, `rm -r on ${worst.word}: the path ${worst.why}`);
}

function checkChmod(args: Word[], add: Add): void {
  const p = parseArgs(chmodModesAsOperands(args), ['--reference']);
  checkRecursive('chmod', p, p.options.has('--reference') ? 0 : 1, add);
  const mode = p.options.has('--reference') ? undefined : p.operands[0];
  const kind = mode && mode.literal ? setidKind(mode.text) : null;
  if (mode && kind) {
    const targets = p.operands.slice(1);
    const computed = targets.some((t) => !pathWord(t.text).exact);
    add(
      'setuid-chmod',
      setidSeverity(kind, computed),
      `chmod ${mode.text} makes ${targets.map((t) => t.text).join(' ') || 'a file'} ${kind}${computed ? ' (path computed at run time)' : ''}`,
    );
  }
}

/**
 * setgid alone mostly marks shared directories (new files inherit the group), so it ranks one
 * step below setuid; a computed path ranks one step up.
 */
function setidSeverity(kind: 'setuid' | 'setgid', computed: boolean): Severity {
  if (kind === 'setuid') return computed ? 'high' : 'medium';
  return computed ? 'medium' : 'low';
}

/** `chmod -x file`: a symbolic mode starting with '-' is an operand, not an option. */
function chmodModesAsOperands(args: Word[]): Word[] {
  return args.map((a) => (a.literal && /^-[rwxXstugo]+$/.test(a.text) ? { text: a.text, literal: false } : a));
}

function checkInstallMode(args: Word[], add: Add): void {
  const p = parseArgs(args, ['-m', '--mode', '-o', '--owner', '-g', '--group', '-t', '--target-directory', '-S', '--suffix']);
  const mode = optionValue(p, '-m', '--mode');
  const kind = mode && mode.literal ? setidKind(mode.text) : null;
  if (mode && kind) add('setuid-chmod', setidSeverity(kind, false), `install -m ${mode.text} installs a ${kind} ${hasAny(p, '-d', '--directory') ? 'directory' : 'file'}`);
}

/** Whether a mode sets the setuid bit (4xxx, u+s, +s), only setgid (2xxx, g+s), or neither. */
function setidKind(mode: string): 'setuid' | 'setgid' | null {
  if (/^0*[0-7]{4}$/.test(mode)) {
    const special = Number(mode.replace(/^0*(?=[0-7]{4}$)/, '')[0]);
    return special & 4 ? 'setuid' : special & 2 ? 'setgid' : null;
  }
  let found: 'setuid' | 'setgid' | null = null;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)[+=][rwxXt]*s/.exec(clause);
    if (!m) continue;
    const who = m[1]!;
    if (who === '' || who.includes('u') || who.includes('a')) return 'setuid';
    if (who.includes('g')) found = 'setgid';
  }
  return found;
}

const systemTrees = new Set(['/', '/etc', '/usr', '/var', '/bin', '/sbin', '/lib', '/lib64', '/home', '/root', '/boot', '/opt', '/srv', '/usr/lib', '/usr/share', '/usr/bin', '/var/lib']);

function checkRecursive(name: string, p: ParsedArgs, skip: number, add: Add): void {
  if (!hasAny(p, '-R', '--recursive')) return;
  const targets = p.operands.slice(skip);
  const computed = targets.filter((t) => !pathWord(t.text).exact);
  const broad = targets.filter((t) => systemTrees.has(pathWord(t.text).path.replace(/(?<=.)\/+$/, '')));
  const shown = targets.map((t) => t.text).join(' ');
  if (computed.length > 0 || broad.length > 0) {
    add('recursive-chmod-chown', 'high', `${name} -R on ${shown}: ${broad.length > 0 ? 'a whole system tree' : 'a path computed at run time'}`);
  } else {
    add('recursive-chmod-chown', 'medium', `${name} -R on ${shown || 'a directory'} changes every file below it`);
  }
}

function checkRead(eff: Effective, cmd: Command, loopConditions: readonly string[], add: Add): void {
  const fromFile = cmd.redirects.some((r) => r.op.replace(/^\d+/, '').startsWith('<') && unquote(r.target) !== '/dev/tty');
  if (fromFile || cmd.piped || eff.stdinArgs) return;
  // `while read …; do … done < file` feeds the loop, not the read, and the analysis keeps no
  // redirection of the loop: a read that is itself a loop condition is taken as reading data.
  const own = ['read', ...eff.args.map((a) => a.text)].join(' ');
  if (loopConditions.some((text) => text.includes(own))) return;
  const tty = cmd.redirects.some((r) => unquote(r.target) === '/dev/tty');
  const prompt = hasAny(parseArgs(eff.args, ['-p', '-d', '-n', '-N', '-t', '-u', '-a', '-i']), '-p');
  if (tty || prompt) add('debconf-prompt', 'medium', `read ${tty ? 'reads the terminal' : 'prompts'}: nobody answers during a build or at first boot`);
  else add('debconf-prompt', 'low', 'read waits for input on standard input');
}

// ---------------------------------------------------------------------------------------------
// Which files a command writes.

function writeTargets(eff: Effective): [Word, WriteHow][] {
  const { name, args } = eff;
  const out: [Word, WriteHow][] = [];
  switch (name) {
    case 'cp':
    case 'mv':
    case 'ln':
    case 'install':
    case 'rsync': {
      const p = parseArgs(args, ['-t', '--target-directory', '-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group', '-e', '--rsh', '--exclude', '--include', '--chown', '--chmod']);
      const how: WriteHow = name === 'mv' ? 'moves to' : name === 'ln' ? 'links' : name === 'install' && hasAny(p, '-d', '--directory') ? 'creates' : 'copies to';
      const dir = optionValue(p, '-t', '--target-directory');
      if (dir) out.push([dir, how]);
      else if (name === 'install' && hasAny(p, '-d', '--directory')) for (const w of p.operands) out.push([w, how]);
      else if (p.operands.length >= 2) out.push([p.operands[p.operands.length - 1]!, how]);
      break;
    }
    case 'tee':
      for (const w of parseArgs(args).operands) out.push([w, 'writes']);
      break;
    case 'sed':
    case 'perl': {
      const inPlace = args.some((a) => a.literal && (/^-[^-]*i/.test(a.text) || a.text.startsWith('--in-place')));
      if (!inPlace) break;
      const p = parseArgs(args, name === 'sed' ? ['-e', '-f', '-l', '--expression', '--file', '--line-length'] : ['-e', '-E', '-I', '-M', '-m']);
      const scriptGiven = hasAny(p, '-e', '-f', '--expression', '--file', '-E');
      for (const w of p.operands.slice(scriptGiven ? 0 : 1)) out.push([w, 'edits in place']);
      break;
    }
    case 'dd':
      for (const a of args) if (a.text.startsWith('of=')) out.push([{ text: a.text.slice(3), literal: a.literal }, 'writes']);
      break;
    case 'touch':
    case 'mkdir':
    case 'truncate': {
      const p = parseArgs(args, ['-d', '-t', '-r', '--date', '--reference', '-m', '--mode', '-s', '--size']);
      for (const w of p.operands) out.push([w, name === 'mkdir' ? 'creates' : name === 'touch' ? 'touches' : 'writes']);
      break;
    }
    case 'rm':
    case 'rmdir':
    case 'unlink':
      for (const w of parseArgs(args).operands) out.push([w, 'removes']);
      break;
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      const p = parseArgs(name === 'chmod' ? chmodModesAsOperands(args) : args, ['--reference', '--from']);
      const skip = p.options.has('--reference') ? 0 : 1;
      for (const w of p.operands.slice(skip)) out.push([w, 'changes']);
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// download-exec: pipelines, substitutions, download followed by chmod +x or execution.

interface Download {
  /** Paths the file may be referred to by: as written and by basename. */
  path: string;
  base: string;
  line: number;
}

function urlBasename(args: Word[]): string | null {
  for (const a of args) {
    const m = /^(?:https?|ftp):\/\/[^?#]*\/([^/?#]+)(?:[?#].*)?$/.exec(unquote(a));
    if (m) return m[1]!;
  }
  return null;
}

function downloadedFile(eff: Effective, cmd: Command): Download | null {
  const make = (path: string): Download => ({ path, base: basename(path), line: cmd.line });
  const redirect = cmd.redirects.find((r) => r.op === '>' || r.op === '>|');
  if (eff.name === 'wget') {
    const p = parseArgs(eff.args, ['-O', '--output-document', '-P', '--directory-prefix', '-o', '--output-file', '-e', '--execute', '-U', '--user-agent', '-t', '--tries', '-T', '--timeout']);
    const out = optionValue(p, '-O', '--output-document');
    if (out) return unquote(out) === '-' ? (redirect ? make(unquote(redirect.target)) : null) : make(unquote(out));
    const base = urlBasename(p.operands);
    if (!base) return null;
    const dir = optionValue(p, '-P', '--directory-prefix');
    return make(dir ? `${unquote(dir).replace(/\/$/, '')}/${base}` : base);
  }
  if (eff.name === 'curl') {
    const p = parseArgs(eff.args, ['-o', '--output', '-H', '--header', '-d', '--data', '-u', '--user', '-A', '--user-agent', '-X', '--request', '-m', '--max-time', '--retry', '-e', '--referer', '-w', '--write-out', '--output-dir', '-x', '--proxy']);
    const out = optionValue(p, '-o', '--output');
    if (out && unquote(out) !== '-') return make(unquote(out));
    if (hasAny(p, '-O', '--remote-name')) {
      const base = urlBasename(p.operands);
      const dir = optionValue(p, '--output-dir');
      return base ? make(dir ? `${unquote(dir).replace(/\/$/, '')}/${base}` : base) : null;
    }
    return redirect ? make(unquote(redirect.target)) : null;
  }
  return null;
}

function refersTo(word: Word, d: Download): boolean {
  const p = unquote(word);
  return p === d.path || p === `./${d.path}` || (d.base !== '' && basename(p) === d.base && p.includes('/') === d.path.includes('/'));
}

const runners = new Set([...posixShells, '.', 'source', 'python', 'python3', 'perl', 'ruby', 'node', 'php']);

function checkDownloadThenRun(eff: Effective, cmd: Command, downloads: Download[], add: Add): void {
  if (downloads.length === 0) return;
  for (const d of downloads) {
    if (d.line > cmd.line) continue;
    let how: string | null = null;
    if (cmd.name !== null && refersTo({ text: cmd.name, literal: true }, d)) how = 'runs';
    else if (eff.name === 'chmod') {
      const mode = eff.args.find((a) => !a.text.startsWith('-') || /^-[rwxXst]+$/.test(a.text));
      const targets = eff.args.filter((a) => a !== mode && !a.text.startsWith('-'));
      if (mode && /(^|[ugoa,]*)[+=][rwXst]*x|^0*[0-7]*[1357][0-7]{0,2}$/.test(mode.text) && targets.some((t) => refersTo(t, d))) {
        how = 'makes executable';
      }
    } else if (runners.has(eff.name)) {
      const script = parseArgs(eff.args).operands[0];
      if (script && refersTo(script, d)) how = `runs (with ${eff.name})`;
    } else if ((eff.name === 'dpkg' || eff.name === 'rpm' || eff.name === 'apt' || eff.name === 'apt-get') && eff.args.some((a) => refersTo(a, d))) {
      how = `installs (with ${eff.name})`;
    }
    if (how) {
      add('download-exec', 'high', `${how} ${d.path}, downloaded at line ${d.line}`);
      return;
    }
  }
}

function pipelineDownloadExec(commands: Command[]): Risk[] {
  const out: Risk[] = [];
  let group: Command[] = [];
  const flush = (): void => {
    const effs = group.map((c) => (c.name === null ? null : effectiveCommand(c.name, c.args)));
    const f = effs.findIndex((e) => e !== null && fetchers.has(e.name));
    if (f >= 0) {
      const runner = effs.findIndex((e, i) => i > f && e !== null && interpreters.has(e.name));
      if (runner >= 0) {
        out.push({
          kind: 'download-exec',
          severity: 'high',
          message: `output of ${effs[f]!.name} is piped into ${effs[runner]!.name}`,
          line: group[f]!.line,
          command: group.slice(f, runner + 1).map(commandText).join(' | '),
        });
      }
    }
    group = [];
  };
  for (const c of commands) {
    if (c.piped && (group.length === 0 || Boolean(group[0]!.substitution) === Boolean(c.substitution))) group.push(c);
    else if (!c.piped && c.substitution && group.length > 0 && !group[0]!.substitution) continue;
    else {
      flush();
      if (c.piped) group.push(c);
    }
  }
  flush();
  return out;
}

function substitutionDownloadExec(commands: Command[]): Risk[] {
  const out: Risk[] = [];
  for (const c of commands) {
    if (!c.substitution || c.name === null) continue;
    const e = effectiveCommand(c.name, c.args);
    if (e === null || !fetchers.has(e.name)) continue;
    const runner = commands.find((o) => {
      if (o.substitution || o.name === null || o.line !== c.line) return false;
      const oe = effectiveCommand(o.name, o.args);
      if (oe === null) return false;
      if (oe.name === 'eval' || oe.name === '.' || oe.name === 'source') return true;
      return interpreters.has(oe.name) && oe.args.some((a) => /\$\(|`|<\(/.test(a.text));
    });
    if (runner) {
      out.push({
        kind: 'download-exec',
        severity: 'high',
        message: `output of ${e.name} is run as code by ${runner.name}`,
        line: c.line,
        command: commandText(runner),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Functions that run when pacman sources the file and calls `entry`: from it and from top-level calls. */
function reachableFunctions(analysis: Analysis, entry: string): Set<string> {
  const byName = new Map(analysis.functions.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const queue = [entry];
  for (const c of analysis.commands) if (c.inFunction === undefined && c.name !== null && byName.has(c.name)) queue.push(c.name);
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const callee of byName.get(name)?.calls ?? []) queue.push(callee);
  }
  return seen;
}

function dedupe(risks: Risk[]): Risk[] {
  const seen = new Set<string>();
  return risks.filter((r) => {
    const key = `${r.line}\0${r.kind}\0${r.severity}\0${r.message}\0${r.command}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
