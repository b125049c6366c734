/**
 * Small POSIX sh programs put first on the traced script's PATH. Each appends a record of its call
 * (name, arguments, how it was handled) to the call log, then either forwards to the real program
 * in the tree or answers without acting, for commands whose effect would reach outside the tree
 * (services, the init system, the machine's power state).
 *
 * Decisions, written down because they shape what a trace shows:
 * - systemctl: verbs that only edit unit files (enable, disable, preset, mask…) are forwarded to the
 *   tree's real systemctl, which works on files when no manager is running (as in a chroot), so
 *   the links it makes appear in the file diff. Runtime verbs (start, stop, restart, daemon-reload…)
 *   are recorded and answered as an offline system does: exit 0 for requests, "inactive"/3 for
 *   is-active, "offline"/1 for is-system-running. Without a systemctl in the tree, file verbs are
 *   recorded only ("missing").
 * - invoke-rc.d, service, deb-systemd-invoke, start-stop-daemon: recorded and denied the way a
 *   policy-rc.d answering 101 makes invoke-rc.d deny (exit 0, or 101 with --disclose-deny);
 *   start-stop-daemon answers like debootstrap's stand-in (exit 0, nothing started).
 * - reboot, shutdown, halt, poweroff, telinit: recorded, no effect, exit 0.
 * - kill, killall, pkill and the account, alternatives, statoverride and cache tools: recorded and
 *   forwarded; the pid namespace limits signals to the sandbox and the rest only touches the tree.
 * The log is writable by the script (it has to be, for the shims it runs): a hostile script can
 * add or truncate records, so calls are what the shims saw, not proof.
 */
import { CALL_LOG, SHIM_DIR } from './sandbox-layout.js';

export type ShimHandling = 'forward' | 'deny-service' | 'no-daemon' | 'no-power' | 'systemctl';

/** Commands that get a shim, and how each is handled. */
export const SHIMS: ReadonlyMap<string, ShimHandling> = new Map<string, ShimHandling>([
  ...(['invoke-rc.d', 'service', 'deb-systemd-invoke'] as const).map((n) => [n, 'deny-service'] as [string, ShimHandling]),
  ['start-stop-daemon', 'no-daemon'],
  ...(['reboot', 'shutdown', 'halt', 'poweroff', 'telinit'] as const).map((n) => [n, 'no-power'] as [string, ShimHandling]),
  ['systemctl', 'systemctl'],
  ...(
    [
      'kill',
      'killall',
      'pkill',
      'adduser',
      'addgroup',
      'useradd',
      'groupadd',
      'usermod',
      'groupmod',
      'deluser',
      'delgroup',
      'userdel',
      'groupdel',
      'gpasswd',
      'chpasswd',
      'update-alternatives',
      'dpkg-statoverride',
      'deb-systemd-helper',
      'update-rc.d',
      'systemd-sysusers',
      'systemd-tmpfiles',
      'ldconfig',
      'ssh-keygen',
      'ucf',
      'ucfr',
      'dpkg-maintscript-helper',
      'dpkg-trigger',
      'chown',
      'chgrp',
      'chmod',
      'ln',
      'mkdir',
      'install',
      'setcap',
      'update-initramfs',
      'depmod',
      'fc-cache',
      'update-mime-database',
      'gtk-update-icon-cache',
      'glib-compile-schemas',
      'update-ca-certificates',
      'py3compile',
      'mandb',
      'curl',
      'wget',
    ] as const
  ).map((n) => [n, 'forward'] as [string, ShimHandling]),
]);

/** Shared prologue: log the call, and a function that finds the real program past the shims. */
function prologue(name: string, handling: ShimHandling): string {
  return `#!/bin/sh
# scriptlet trace shim: ${name} (${handling})
__st_log=${CALL_LOG}
printf '%s\\0' call "$$" "$PPID" '${name}' '${handling}' "$#" "$@" >>"$__st_log" 2>/dev/null
__st_done() { printf '%s\\0' exit "$$" "$1" "$2" >>"$__st_log" 2>/dev/null; exit "$1"; }
__st_real() {
  __st_ifs=$IFS
  IFS=:
  for __st_d in $PATH; do
    case $__st_d in ''|${SHIM_DIR}) continue ;; esac
    if [ -f "$__st_d/${name}" ] && [ -x "$__st_d/${name}" ]; then
      IFS=$__st_ifs
      __st_found=$__st_d/${name}
      return 0
    fi
  done
  IFS=$__st_ifs
  return 1
}
__st_forward() {
  if __st_real; then
    "$__st_found" "$@"
    __st_done "$?" forwarded
  fi
  echo "${name}: command not found" >&2
  __st_done 127 missing
}
`;
}

const bodies: Record<ShimHandling, (name: string) => string> = {
  forward: () => `__st_forward "$@"\n`,
  'deny-service': (name) => `disclose=
for a in "$@"; do [ "$a" = --disclose-deny ] && disclose=1; done
echo "${name}: scriptlet trace: service actions are not run in the sandbox (policy-rc.d 101)." >&2
[ -n "$disclose" ] && __st_done 101 denied
__st_done 0 denied
`,
  'no-daemon': (name) => `echo "${name}: scriptlet trace: no daemon is started in the sandbox." >&2
__st_done 0 denied
`,
  'no-power': (name) => `echo "${name}: scriptlet trace: ignored in the sandbox." >&2
__st_done 0 denied
`,
  systemctl: () => `verb=
for a in "$@"; do
  case $a in -*) ;; *) verb=$a; break ;; esac
done
case $verb in
  enable|disable|reenable|preset|preset-all|mask|unmask|link|revert|add-wants|add-requires|set-default|get-default|is-enabled|list-unit-files|cat)
    if __st_real; then
      SYSTEMD_OFFLINE=1 "$__st_found" "$@"
      __st_done "$?" forwarded
    fi
    [ "$verb" = is-enabled ] && { echo disabled; __st_done 1 missing; }
    __st_done 0 missing ;;
  is-active) echo inactive; __st_done 3 emulated ;;
  is-failed) echo inactive; __st_done 1 emulated ;;
  is-system-running) echo offline; __st_done 1 emulated ;;
  status) __st_done 3 emulated ;;
  *) echo "systemctl: scriptlet trace: no service manager in the sandbox, ignoring '$verb'." >&2
     __st_done 0 emulated ;;
esac
`,
};

/** The shim directory's content: file name -> script text. */
export function shimScripts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, handling] of [...SHIMS].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.set(name, prologue(name, handling) + bodies[handling](name));
  }
  return out;
}

/** policy-rc.d as debootstrap writes it, plus a record of each question asked. */
export function policyRcD(): string {
  return `#!/bin/sh
# scriptlet trace: no service may start in the sandbox
printf '%s\\0' call "$$" "$PPID" policy-rc.d policy "$#" "$@" >>${CALL_LOG} 2>/dev/null
printf '%s\\0' exit "$$" 101 denied >>${CALL_LOG} 2>/dev/null
exit 101
`;
}
