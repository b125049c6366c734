/**
 * How the guest agent gets started in an image, decided by the init system the image has:
 * - systemd: the oneshot unit, enabled with a sysinit.target.wants link, and an empty
 *   /etc/machine-id (see below);
 * - sysvinit (sysv-rc): the init script, enabled with an rcS.d link, as `update-rc.d defaults`
 *   would for `Default-Start: S`;
 * - none: the /init wrapper, which mounts what scripts need, runs the agent and powers off.
 * supermin's mini init execs /init: with an init system, /init becomes a link to it (unless the
 * image has its own), so the ext2 appliance boots that init, which starts the agent. Pure.
 */
import type { OverlayEntry } from '../appliance/overlay-tar.js';
import { AGENT_PREFIX } from '../appliance/agent-layout.js';
import { type ImageView, statPath } from '../apply/image-view.js';

export type InitSystem = 'systemd' | 'sysvinit' | 'none';

export interface StartHook {
  init: InitSystem;
  /** The program /init hands over to (absent for `none`). */
  initProgram?: string;
  entries: OverlayEntry[];
}

const SYSTEMD = ['/lib/systemd/systemd', '/usr/lib/systemd/systemd'];

/**
 * On a real install systemd's postinst writes /etc/machine-id; here that postinst is deferred (the
 * id must differ per machine), so the image would boot with none. systemd counts a boot without
 * one as the first boot of a new installation (machine-id(5)) and starts systemd-firstboot, which
 * waits on the console for a key and then asks for a locale, a timezone and a root password: the
 * boot stops there, before the agent (ordered after systemd-sysusers, which comes after it), and
 * an appliance has nobody at its console. An empty file is not a first boot: systemd still makes
 * a new id at boot and writes it to the file once / is writable, as machine-id(5) describes for
 * images, so every machine gets its own.
 */
const EMPTY_MACHINE_ID: OverlayEntry = { type: 'file', path: 'etc/machine-id', mode: 0o444, content: '' };

function executable(view: ImageView, path: string): boolean {
  const st = statPath(view, path);
  return st?.type === 'file' && (st.mode & 0o111) !== 0;
}

export function startHook(view: ImageView): StartHook {
  const hasInit = view.lstat('/init') !== undefined;
  const initLink = (target: string): OverlayEntry[] => (hasInit ? [] : [{ type: 'symlink', path: 'init', target }]);
  const systemd = SYSTEMD.find((p) => executable(view, p));
  if (systemd) {
    return {
      init: 'systemd',
      initProgram: systemd,
      entries: [
        {
          type: 'symlink',
          path: 'etc/systemd/system/sysinit.target.wants/scriptlet-agent.service',
          target: '/usr/lib/systemd/system/scriptlet-agent.service',
        },
        ...(view.lstat('/etc/machine-id') === undefined ? [EMPTY_MACHINE_ID] : []),
        ...initLink(systemd),
      ],
    };
  }
  if (executable(view, '/sbin/init') && statPath(view, '/etc/init.d/rc') !== undefined) {
    return {
      init: 'sysvinit',
      initProgram: '/sbin/init',
      entries: [{ type: 'symlink', path: 'etc/rcS.d/S01scriptlet-agent', target: '../init.d/scriptlet-agent' }, ...initLink('/sbin/init')],
    };
  }
  return { init: 'none', entries: initLink(`/${AGENT_PREFIX}/init`) };
}
