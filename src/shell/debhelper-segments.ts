import type { Command, Segment } from './analysis.js';

type DebhelperSegment = Extract<Segment, { kind: 'debhelper' }>;

const startMarker = /^# Automatically added by (dh_[A-Za-z0-9_-]+)(?:\/(\S+))?\s*$/;
const endMarker = /^# End automatically added section\s*$/;

/**
 * Regions between debhelper's `# Automatically added by dh_X/VERSION` and
 * `# End automatically added section` markers. A start without an end is not a region: the text
 * after it was edited by hand and is analysed as plain.
 */
export function findDebhelperRegions(lines: string[]): DebhelperSegment[] {
  const out: DebhelperSegment[] = [];
  let open: DebhelperSegment | null = null;
  lines.forEach((text, i) => {
    const m = startMarker.exec(text);
    if (m?.[1]) {
      open = { kind: 'debhelper', helper: m[1], startLine: i + 1, endLine: i + 1 };
      if (m[2]) open.helperVersion = m[2];
      return;
    }
    if (open && endMarker.test(text)) {
      open.endLine = i + 1;
      out.push(open);
      open = null;
    }
  });
  return out;
}

/** One recognisable autoscript: which helpers emit it, in which script, and its telltale command. */
interface TemplateRule {
  helpers: string[];
  phase: string;
  template: string;
  /** A command with this name (basename) and, when given, one of these literal arguments. */
  command: string;
  anyArg?: string[];
  /** The rule applies only when no command of this name/argument is present. */
  without?: { command: string; anyArg?: string[] };
  /** Match a non-literal argument (e.g. `deb-systemd-invoke $_dh_action`). */
  dynamicArg?: boolean;
}

const systemd = ['dh_installsystemd', 'dh_systemd_enable', 'dh_systemd_start'];
const init = ['dh_installinit'];

// Checked in order; the first rule whose helper, phase and command match names the template.
const rules: TemplateRule[] = [
  // --no-enable: `deb-systemd-helper enable` runs only under `debian-installed` (an earlier install's state).
  { helpers: systemd, phase: 'postinst', template: 'postinst-systemd-dont-enable', command: 'deb-systemd-helper', anyArg: ['debian-installed'] },
  { helpers: systemd, phase: 'postinst', template: 'postinst-systemd-enable', command: 'deb-systemd-helper', anyArg: ['enable'] },
  { helpers: systemd, phase: 'postinst', template: 'postinst-systemd-dont-enable', command: 'deb-systemd-helper', anyArg: ['update-state'] },
  { helpers: systemd, phase: 'postinst', template: 'postinst-systemd-restart', command: 'deb-systemd-invoke', dynamicArg: true },
  { helpers: systemd, phase: 'postinst', template: 'postinst-systemd-restartnostart', command: 'deb-systemd-invoke', anyArg: ['try-restart'] },
  { helpers: systemd, phase: 'postinst', template: 'postinst-systemd-start', command: 'deb-systemd-invoke', anyArg: ['start', 'restart'] },
  { helpers: systemd, phase: 'preinst', template: 'preinst-systemd-stop', command: 'deb-systemd-invoke', anyArg: ['stop'] },
  { helpers: systemd, phase: 'prerm', template: 'prerm-systemd', command: 'deb-systemd-invoke', anyArg: ['stop'] },
  { helpers: systemd, phase: 'postrm', template: 'postrm-systemd', command: 'deb-systemd-helper', anyArg: ['purge', 'mask'] },
  { helpers: systemd, phase: 'postrm', template: 'postrm-systemd-reload-only', command: 'systemctl', anyArg: ['daemon-reload'] },
  { helpers: ['dh_installsystemduser'], phase: 'postinst', template: 'postinst-systemd-user-dont-enable', command: 'deb-systemd-helper', anyArg: ['debian-installed'] },
  { helpers: ['dh_installsystemduser'], phase: 'postinst', template: 'postinst-systemd-user-enable', command: 'deb-systemd-helper', anyArg: ['enable'] },
  { helpers: ['dh_installsystemduser'], phase: 'postinst', template: 'postinst-systemd-user-dont-enable', command: 'deb-systemd-helper', anyArg: ['update-state'] },
  { helpers: ['dh_installsystemduser'], phase: 'prerm', template: 'prerm-systemd-user-stop', command: 'deb-systemd-invoke', anyArg: ['stop'] },
  { helpers: ['dh_installsystemduser'], phase: 'postrm', template: 'postrm-systemd-user', command: 'deb-systemd-helper', anyArg: ['purge', 'mask'] },
  { helpers: init, phase: 'postinst', template: 'postinst-init', command: 'invoke-rc.d' },
  { helpers: init, phase: 'postinst', template: 'postinst-init-nostart', command: 'update-rc.d', without: { command: 'invoke-rc.d' } },
  { helpers: [...init, 'dh_installtmpfiles'], phase: 'postinst', template: 'postinst-init-tmpfiles', command: 'systemd-tmpfiles' },
  { helpers: init, phase: 'preinst', template: 'preinst-init-chmod', command: 'chmod' },
  { helpers: init, phase: 'preinst', template: 'preinst-init-stop', command: 'invoke-rc.d', anyArg: ['stop'] },
  { helpers: init, phase: 'prerm', template: 'prerm-init', command: 'invoke-rc.d', anyArg: ['stop'] },
  { helpers: init, phase: 'postrm', template: 'postrm-init', command: 'update-rc.d', anyArg: ['remove'] },
  { helpers: ['dh_installtmpfiles'], phase: 'postrm', template: 'postrm-init-tmpfiles', command: 'rm' },
  { helpers: ['dh_installalternatives'], phase: 'postinst', template: 'postinst-alternatives', command: 'update-alternatives', anyArg: ['--install'] },
  { helpers: ['dh_installalternatives'], phase: 'prerm', template: 'prerm-alternatives', command: 'update-alternatives', anyArg: ['--remove'] },
  { helpers: ['dh_installsysusers'], phase: 'postinst', template: 'postinst-sysusers', command: 'systemd-sysusers' },
  { helpers: ['dh_ucf'], phase: 'postinst', template: 'postinst-ucf', command: 'ucf' },
  { helpers: ['dh_ucf'], phase: 'postrm', template: 'postrm-ucf', command: 'ucf' },
  { helpers: ['dh_installmodules'], phase: 'postinst', template: 'postinst-modules', command: 'depmod' },
  { helpers: ['dh_installmodules'], phase: 'postrm', template: 'postrm-modules', command: 'depmod' },
  { helpers: ['dh_installmodules'], phase: 'postinst', template: 'postinst-update-modules', command: 'update-modules' },
  { helpers: ['dh_makeshlibs'], phase: 'postinst', template: 'postinst-makeshlibs', command: 'ldconfig' },
  { helpers: ['dh_makeshlibs'], phase: 'postrm', template: 'postrm-makeshlibs', command: 'ldconfig' },
  { helpers: ['dh_python3'], phase: 'postinst', template: 'postinst-python', command: 'py3compile' },
  { helpers: ['dh_python3'], phase: 'prerm', template: 'prerm-python', command: 'py3clean' },
  { helpers: ['dh_python2'], phase: 'postinst', template: 'postinst-python', command: 'pycompile' },
  { helpers: ['dh_python2'], phase: 'prerm', template: 'prerm-python', command: 'pyclean' },
  { helpers: ['dh_installdebconf'], phase: 'postrm', template: 'postrm-debconf', command: 'db_purge' },
  { helpers: ['dh_installmenu'], phase: 'postinst', template: 'postinst-menu', command: 'update-menus' },
  { helpers: ['dh_installmenu'], phase: 'postrm', template: 'postrm-menu', command: 'update-menus' },
  { helpers: ['dh_icons'], phase: 'postinst', template: 'postinst-icons', command: 'update-icon-caches' },
  { helpers: ['dh_icons'], phase: 'postrm', template: 'postrm-icons', command: 'update-icon-caches' },
  { helpers: ['dh_usrlocal'], phase: 'postinst', template: 'postinst-usrlocal', command: 'mkdir' },
  { helpers: ['dh_usrlocal'], phase: 'prerm', template: 'prerm-usrlocal', command: 'rmdir' },
  { helpers: ['dh_installdeb'], phase: '*', template: 'maintscript-helper', command: 'dpkg-maintscript-helper' },
  { helpers: ['dh_installinitramfs'], phase: 'postinst', template: 'postinst-initramfs-hook', command: 'update-initramfs' },
  { helpers: ['dh_installinitramfs'], phase: 'postrm', template: 'postrm-initramfs-hook', command: 'update-initramfs' },
  { helpers: ['dh_installemacsen'], phase: 'postinst', template: 'postinst-emacsen', command: 'emacs-package-install' },
  { helpers: ['dh_installemacsen'], phase: 'prerm', template: 'prerm-emacsen', command: 'emacs-package-remove' },
  { helpers: ['dh_installxfonts'], phase: 'postinst', template: 'postinst-xfonts', command: 'update-fonts-dir' },
  { helpers: ['dh_installxfonts'], phase: 'postrm', template: 'postrm-xfonts', command: 'update-fonts-dir' },
  { helpers: ['dh_installwm'], phase: 'postinst', template: 'postinst-wm', command: 'update-alternatives', anyArg: ['--install'] },
  { helpers: ['dh_installwm'], phase: 'prerm', template: 'prerm-wm', command: 'update-alternatives', anyArg: ['--remove'] },
  { helpers: ['dh_installdocs'], phase: 'postinst', template: 'postinst-doc-base', command: 'install-docs' },
  { helpers: ['dh_installdocs'], phase: 'prerm', template: 'prerm-doc-base', command: 'install-docs' },
  { helpers: ['dh_installinfo'], phase: 'postinst', template: 'postinst-info', command: 'install-info' },
  { helpers: ['dh_installinfo'], phase: 'prerm', template: 'prerm-info', command: 'install-info' },
  { helpers: ['dh_installcatalogs'], phase: 'postinst', template: 'postinst-sgmlcatalog', command: 'update-catalog' },
  { helpers: ['dh_installcatalogs'], phase: 'postrm', template: 'postrm-sgmlcatalog', command: 'update-catalog' },
  { helpers: ['dh_installmime'], phase: 'postinst', template: 'postinst-mime', command: 'update-mime' },
  { helpers: ['dh_installmime'], phase: 'postrm', template: 'postrm-mime', command: 'update-mime' },
  { helpers: ['dh_gconf'], phase: 'postinst', template: 'postinst-gconf', command: 'gconf-schemas' },
  { helpers: ['dh_gconf'], phase: 'prerm', template: 'prerm-gconf', command: 'gconf-schemas' },
  { helpers: ['dh_installudev'], phase: 'postinst', template: 'postinst-udev', command: 'udevadm' },
];

function basename(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

function hasCommand(commands: Command[], name: string, anyArg?: string[], dynamicArg?: boolean): boolean {
  return commands.some((c) => {
    if (c.name === null || basename(c.name) !== name) return false;
    if (dynamicArg) return c.args.some((a) => !a.literal);
    if (!anyArg) return true;
    return c.args.some((a) => a.literal && anyArg.includes(a.text));
  });
}

/** The autoscript template a debhelper region was generated from, judged by its commands. */
export function debhelperTemplate(helper: string, phase: string, commands: Command[]): string | undefined {
  for (const rule of rules) {
    if (!rule.helpers.includes(helper)) continue;
    if (rule.phase !== '*' && rule.phase !== phase) continue;
    if (!hasCommand(commands, rule.command, rule.anyArg, rule.dynamicArg)) continue;
    if (rule.without && hasCommand(commands, rule.without.command, rule.without.anyArg)) continue;
    return rule.template;
  }
  return undefined;
}
