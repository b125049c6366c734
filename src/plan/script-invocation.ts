/**
 * How the package manager runs a script on a fresh install: interpreter, arguments and
 * environment, per format and phase. Sources (read, not copied):
 * - dpkg src/main/unpack.c: a package never installed before gets `preinst install` (one
 *   argument; `install OLD NEW` is only for packages left in config-files state);
 *   src/main/configure.c: `postinst configure V`, V the last configured version, or "" when there
 *   is none, so a fresh install passes two arguments, the second empty; src/main/trigproc.c:
 *   `postinst triggered "NAME NAME…"` (one argument, names separated by spaces);
 *   src/main/script.c: DPKG_MAINTSCRIPT_PACKAGE, _PACKAGE_REFCOUNT (installed instances: 1),
 *   _ARCH (the package's architecture), _NAME (the script), _DEBUG, DPKG_RUNNING_VERSION, and
 *   DPKG_ADMINDIR/DPKG_ROOT (the root is "" when running inside the target).
 *   debconf's frontend runs `config configure V` with the postinst's V, so "" here as well.
 * - rpm lib/psm.cc: on install, %pretrans, %pre, %post, %posttrans all get $1 = installed
 *   instances after the operation = 1; package triggers get $1 = instances of the trigger's owner
 *   and $2 = instances of the triggering package; lib/rpmtriggers.cc: file triggers get the owner's
 *   count and the triggering package's count, transaction file triggers only the owner's count.
 *   lib/rpmscript.cc: PATH is %_install_script_path; RPM_INSTALL_PREFIXn only for relocatable
 *   packages, which the package data here does not describe.
 * - pacman lib/libalpm/trans.c: `SCRIPTLET_SHELL -c ". .INSTALL; FUNCTION NEWVERSION"` with
 *   SCRIPTLET_SHELL = /usr/bin/bash on Arch. The agent passes the script path after the
 *   interpreter words, so `bash -c '. "$0"; "$@"' SCRIPT post_install 1.2-1` does the same.
 */
import type { Package, Scriptlet } from '../formats/types.js';

export interface Invocation {
  interpreter: string[];
  /** The script text; empty when the interpreter is the program itself. */
  script: string;
  /** Carried from Scriptlet.bodyEncoding so the deferred copy gets the package's own bytes. */
  scriptEncoding?: 'latin1';
  args: string[];
  env: Record<string, string>;
}

export interface InvocationContext {
  /** Version of the dpkg in the set, for DPKG_RUNNING_VERSION (omitted when unknown). */
  dpkgVersion?: string;
  /** RPM trigger arguments (instances of the owner and of the triggering package). */
  triggerArgs?: string[];
  /** Debian trigger names for a `postinst triggered` run. */
  debTriggers?: string[];
}

export const DEB_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Fedora's %_install_script_path. */
export const RPM_PATH = '/sbin:/bin:/usr/sbin:/usr/bin';
export const ARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/bin';
export const DPKG_ADMINDIR = '/var/lib/dpkg';

/** `. "$0"` sources the script the agent passes; `"$@"` calls the function with its version. */
export const ARCH_CALL = '. "$0"; "$@"';
export const SYSUSERS_PROGRAM = '/usr/bin/systemd-sysusers';

export function freshInstallInvocation(pkg: Package, s: Scriptlet, ctx: InvocationContext = {}): Invocation {
  const inv = formatInvocation(pkg, s, ctx);
  return s.bodyEncoding === 'latin1' && inv.script !== '' ? { ...inv, scriptEncoding: 'latin1' } : inv;
}

function formatInvocation(pkg: Package, s: Scriptlet, ctx: InvocationContext): Invocation {
  switch (s.format) {
    case 'deb':
      return debInvocation(pkg, s, ctx);
    case 'rpm':
      return rpmInvocation(s, ctx);
    case 'arch':
      return {
        interpreter: [...s.interpreter.argv, '-c', ARCH_CALL],
        script: s.body,
        args: [s.entry ?? s.phase, pkg.version],
        env: { PATH: ARCH_PATH },
      };
  }
}

function debInvocation(pkg: Package, s: Scriptlet, ctx: InvocationContext): Invocation {
  const base = { interpreter: [...s.interpreter.argv], script: s.body };
  if (s.phase === 'config') return { ...base, args: ['configure', ''], env: { PATH: DEB_PATH } };
  const args =
    s.phase === 'preinst'
      ? ['install']
      : ctx.debTriggers
        ? ['triggered', ctx.debTriggers.join(' ')]
        : ['configure', ''];
  const env: Record<string, string> = {
    DPKG_ADMINDIR,
    DPKG_MAINTSCRIPT_ARCH: pkg.arch,
    DPKG_MAINTSCRIPT_DEBUG: '0',
    DPKG_MAINTSCRIPT_NAME: s.phase,
    DPKG_MAINTSCRIPT_PACKAGE: pkg.name,
    DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT: '1',
    DPKG_ROOT: '',
    PATH: DEB_PATH,
  };
  if (ctx.dpkgVersion !== undefined) env.DPKG_RUNNING_VERSION = ctx.dpkgVersion;
  return { ...base, args, env };
}

function rpmInvocation(s: Scriptlet, ctx: InvocationContext): Invocation {
  const env = { PATH: RPM_PATH };
  if (s.phase === 'sysusers') {
    // rpm feeds the lines to systemd-sysusers; a config file named on its command line is the same.
    return { interpreter: [SYSUSERS_PROGRAM], script: s.body, args: [], env };
  }
  const args = ctx.triggerArgs ?? (s.phase === 'transfiletriggerin' ? ['1'] : s.phase === 'filetriggerin' ? ['1', '1'] : ['1']);
  return { interpreter: [...s.interpreter.argv], script: s.body, args, env };
}
