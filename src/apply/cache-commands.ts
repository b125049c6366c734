/**
 * The one command that refreshes each cache kind for the whole image. Caches are rebuilt once at
 * first boot, never at build time: every one of these runs a program from the image (or reads the
 * image's modules, fonts, schemas with the image's library versions), and running the image's
 * code on the build host as root is what this tool exists to avoid. Doing it once per image
 * instead of once per package is the batching Yocto's intercepts and rpm's file triggers do.
 */
import type { Action, CacheKind } from '../actions/action.js';

type FixedKind = Exclude<CacheKind, 'emacs-add-ons' | 'dictionaries-common' | 'font-indexes'>;

export const cacheCommands: Record<FixedKind, readonly string[]> = {
  ldconfig: ['ldconfig'],
  fontconfig: ['fc-cache', '-s'],
  icons: ['sh', '-c', 'for d in /usr/share/icons/*/; do [ -f "$d/index.theme" ] && gtk-update-icon-cache -q -f "$d"; done; true'],
  mime: ['update-mime-database', '/usr/share/mime'],
  desktop: ['update-desktop-database', '-q', '/usr/share/applications'],
  'gio-modules': ['sh', '-c', 'for d in /usr/lib/*/gio/modules /usr/lib64/gio/modules /usr/lib/gio/modules; do [ -d "$d" ] && gio-querymodules "$d"; done; true'],
  'gdk-pixbuf': ['sh', '-c', 'for q in /usr/lib/*/gdk-pixbuf-2.0/gdk-pixbuf-query-loaders /usr/bin/gdk-pixbuf-query-loaders-64 /usr/bin/gdk-pixbuf-query-loaders; do [ -x "$q" ] && { "$q" --update-cache; break; }; done; true'],
  'glib-schemas': ['glib-compile-schemas', '/usr/share/glib-2.0/schemas'],
  depmod: ['depmod', '-a'],
  'python-bytecode': ['sh', '-c', 'command -v py3compile >/dev/null && py3compile -p all || python3 -m compileall -q /usr/lib/python3'],
  'man-db': ['mandb', '-q'],
  'ca-certificates': ['update-ca-certificates'],
  // An image without initramfs-tools or dracut has no initramfs of its own to refresh (dpkg
  // likewise processes the trigger only when initramfs-tools is installed).
  initramfs: ['sh', '-c', 'if command -v update-initramfs >/dev/null; then update-initramfs -u; elif command -v dracut >/dev/null; then dracut -f --regenerate-all; fi'],
  dictd: ['dictdconfig', '-w'],
  hwdb: ['systemd-hwdb', '--usr', 'update'],
};

const emacsPackageInstall = '/usr/lib/emacsen-common/emacs-package-install';

/**
 * The command of one batch of cache actions. Most caches are rebuilt whole by one fixed command.
 * Two keep what each package asked for, in the order given (the plan's install order):
 * - emacsen-common add-ons: `emacs-package-install --postinst PKG` marks PKG installed and
 *   byte-compiles it for every installed Emacs flavour; dependants must come after what they
 *   load, so the packages run one after another in install order.
 * - dictionaries-common: each distinct tool line (update-dictcommon-aspell, update-default-ispell
 *   --rebuild, …) once, since each regenerates its registry from every installed dictionary.
 * - font indexes: each distinct tool line (update-fonts-dir --x11r7-layout 75dpi, update-gsfontmap)
 *   once, since each rebuilds its index from every font installed in that directory; a line whose
 *   tool the image lacks is skipped, as the packages' `if which update-fonts-dir` tests skip it.
 */
export function batchCommand(kind: CacheKind, actions: readonly Action[]): string[] {
  const args = actions.flatMap((a) => (a.kind === 'cache' && a.cache === kind && a.args ? [a.args] : []));
  if (kind === 'emacs-add-ons') {
    const packages = [...new Set(args.map((a) => a[0]!).filter((p) => p !== undefined))];
    return [
      'sh',
      '-c',
      `[ -x ${emacsPackageInstall} ] || exit 0; for p; do ${emacsPackageInstall} --postinst "$p" || exit 1; done`,
      'sh',
      ...packages,
    ];
  }
  if (kind === 'dictionaries-common') {
    const lines = [...new Set(args.map((a) => a.join(' ')))];
    // Each line is a tool name and literal options checked by the translator (no shell syntax).
    return ['sh', '-c', 'for c; do $c || exit 1; done', 'sh', ...lines];
  }
  if (kind === 'font-indexes') {
    const lines = [...new Set(args.map((a) => a.join(' ')))];
    // Each line is a tool name and literal words checked by the translator (no shell syntax).
    return ['sh', '-c', 'for c; do set -- $c; command -v "$1" >/dev/null || continue; $c || exit 1; done', 'sh', ...lines];
  }
  return [...cacheCommands[kind]];
}
