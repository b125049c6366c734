import t from 'tap';
import {
  translateDepmod,
  translateDictdconfig,
  translateDictionariesCommon,
  translateEmacsPackageInstall,
  translateFcCache,
  translateFontIndexes,
  translateGdkPixbufQueryLoaders,
  translateGioQuerymodules,
  translateGlibCompileSchemas,
  translateIconCache,
  translateLdconfig,
  translateMandb,
  translatePy3compile,
  translateSystemdHwdb,
  translateUpdateCaCertificates,
  translateUpdateDesktopDatabase,
  translateUpdateInitramfs,
  translateUpdateMimeDatabase,
} from '../../../src/policy/translators/cache-refresh.js';
import { translateSystemdSysusers } from '../../../src/policy/translators/systemd-sysusers.js';
import { translateSystemdTmpfiles } from '../../../src/policy/translators/systemd-tmpfiles.js';
import { translateUcf } from '../../../src/policy/translators/ucf.js';
import { translatorTable as table } from '../../helpers/translator-table.js';

t.test('per-package refreshes batched once per image', async (t) => {
  table(t, translateEmacsPackageInstall, [
    // dh_elpa / dh_installemacsen postinst
    { line: '/usr/lib/emacsen-common/emacs-package-install --postinst elpa-popup', want: [{ kind: 'cache', cache: 'emacs-add-ons', args: ['elpa-popup'] }] },
    { line: '/usr/lib/emacsen-common/emacs-package-install --preinst emacs-mozc', want: /only `--postinst PACKAGE`/ },
    // emacsen-common 1.x fallback (one argument)
    { line: '/usr/lib/emacsen-common/emacs-package-install emacs-mozc', want: /only `--postinst PACKAGE`/ },
    { line: '/usr/lib/emacsen-common/emacs-package-install --postinst $PKG', want: /not literal/ },
    { line: '/usr/lib/emacsen-common/emacs-package-install --postinst a b', want: /exactly one package/ },
  ]);
  table(t, translateDictdconfig, [
    { line: 'dictdconfig -w', want: [{ kind: 'cache', cache: 'dictd' }] },
    { line: 'dictdconfig --write', want: [{ kind: 'cache', cache: 'dictd' }] },
    { line: 'dictdconfig -l', want: /-l is not translated/ },
    { line: 'dictdconfig', want: /only prints/ },
  ]);
  table(t, translateDictionariesCommon, [
    // installdeb-aspell: SCRIPT="update-dictcommon-aspell"; $SCRIPT
    { line: 'update-dictcommon-aspell', want: [{ kind: 'cache', cache: 'dictionaries-common', args: ['update-dictcommon-aspell'] }] },
    { line: '/usr/sbin/update-default-wordlist --rebuild', want: [{ kind: 'cache', cache: 'dictionaries-common', args: ['update-default-wordlist', '--rebuild'] }] },
    { line: 'update-default-ispell --rebuild --debug', want: /unknown option/ },
    { line: 'update-dictcommon-hunspell /tmp', want: /no operands/ },
  ]);
});

t.test('cache refreshes', async (t) => {
  table(t, translateLdconfig, [
    { line: 'ldconfig', want: [{ kind: 'cache', cache: 'ldconfig' }] },
    { line: '/sbin/ldconfig', want: [{ kind: 'cache', cache: 'ldconfig' }], format: 'rpm' },
    { line: 'ldconfig -X', want: /unknown option -X/ },
    { line: 'ldconfig /usr/local/lib', want: /takes no operands/ },
  ]);
  table(t, translateFcCache, [
    { line: 'fc-cache -s', want: [{ kind: 'cache', cache: 'fontconfig' }] },
    { line: 'fc-cache -f /usr/share/fonts/truetype/x', want: [{ kind: 'cache', cache: 'fontconfig', args: ['/usr/share/fonts/truetype/x'] }] },
    { line: 'fc-cache --sysroot=/mnt', want: /--sysroot is not translated/ },
  ]);
  table(t, translateIconCache, [
    { line: 'update-icon-caches /usr/share/icons/hicolor', want: [{ kind: 'cache', cache: 'icons', args: ['/usr/share/icons/hicolor'] }] },
    // Arch .INSTALL
    { line: 'gtk-update-icon-cache -q -t -f usr/share/icons/hicolor', want: [{ kind: 'cache', cache: 'icons', args: ['/usr/share/icons/hicolor'] }], format: 'arch' },
    { line: 'gtk-update-icon-cache --validate /usr/share/icons/hicolor', want: /--validate is not translated/ },
    { line: 'update-icon-caches', want: /at least one directory/ },
  ]);
  table(t, translateUpdateMimeDatabase, [
    { line: 'update-mime-database /usr/share/mime', want: [{ kind: 'cache', cache: 'mime', args: ['/usr/share/mime'] }] },
    { line: 'update-mime-database -n /usr/share/mime', want: [{ kind: 'cache', cache: 'mime', args: ['/usr/share/mime'] }] },
    { line: 'update-mime-database', want: /exactly one directory/ },
  ]);
  table(t, translateUpdateDesktopDatabase, [
    { line: 'update-desktop-database -q', want: [{ kind: 'cache', cache: 'desktop' }] },
    { line: 'update-desktop-database -q /usr/share/applications', want: [{ kind: 'cache', cache: 'desktop', args: ['/usr/share/applications'] }] },
  ]);
  table(t, translateGioQuerymodules, [
    { line: '/usr/bin/gio-querymodules-64 /usr/lib64/gio/modules', want: [{ kind: 'cache', cache: 'gio-modules', args: ['/usr/lib64/gio/modules'] }], format: 'rpm' },
    { line: '/usr/lib/${DEB_HOST_MULTIARCH}/glib-2.0/gio-querymodules /x', want: /command name is not literal/ },
  ]);
  table(t, translateGdkPixbufQueryLoaders, [
    { line: 'gdk-pixbuf-query-loaders-64 --update-cache', want: [{ kind: 'cache', cache: 'gdk-pixbuf' }], format: 'rpm' },
    { line: 'gdk-pixbuf-query-loaders', want: /standard output/ },
  ]);
  table(t, translateGlibCompileSchemas, [
    { line: 'glib-compile-schemas /usr/share/glib-2.0/schemas', want: [{ kind: 'cache', cache: 'glib-schemas', args: ['/usr/share/glib-2.0/schemas'] }] },
    { line: 'glib-compile-schemas --targetdir=/tmp /x', want: /--targetdir is not translated/ },
  ]);
  table(t, translateDepmod, [
    { line: 'depmod -a', want: [{ kind: 'cache', cache: 'depmod' }] },
    { line: 'depmod -a -F /boot/System.map-6.1.0-13-amd64 6.1.0-13-amd64', want: [{ kind: 'cache', cache: 'depmod', args: ['6.1.0-13-amd64'] }] },
    // linux-image postinst
    { line: 'depmod $version', want: /not literal/ },
    { line: 'depmod -b /tmp/root 6.1.0', want: /-b is not translated/ },
  ]);
  table(t, translatePy3compile, [
    { line: 'py3compile -p python3-wsproto', want: [{ kind: 'cache', cache: 'python-bytecode', args: ['-p', 'python3-wsproto'] }] },
    { line: 'py3compile -p system-config-printer /usr/share/system-config-printer', want: [
      { kind: 'cache', cache: 'python-bytecode', args: ['-p', 'system-config-printer', '/usr/share/system-config-printer'] },
    ] },
    { line: 'py3compile -p python3-x -V 3.11-', want: [{ kind: 'cache', cache: 'python-bytecode', args: ['-p', 'python3-x', '-V', '3.11-'] }] },
    { line: 'py3compile', want: /every installed module/ },
  ]);
  table(t, translateMandb, [{ line: 'mandb -q', want: [{ kind: 'cache', cache: 'man-db' }] }, { line: 'mandb -f /x', want: /-f is not translated/ }]);
  table(t, translateUpdateCaCertificates, [
    { line: 'update-ca-certificates', want: [{ kind: 'cache', cache: 'ca-certificates' }] },
    { line: 'update-ca-certificates --fresh', want: [{ kind: 'cache', cache: 'ca-certificates', args: ['--fresh'] }] },
  ]);
  table(t, translateUpdateInitramfs, [
    { line: 'update-initramfs -u', want: [{ kind: 'cache', cache: 'initramfs' }] },
    { line: 'update-initramfs -c -k 6.1.0-13-amd64', want: [{ kind: 'cache', cache: 'initramfs', args: ['6.1.0-13-amd64'] }] },
    { line: 'update-initramfs -d -k all', want: /-d is not translated/ },
    { line: 'update-initramfs -k all', want: /needs -u or -c/ },
  ]);
});

t.test('systemd-tmpfiles and systemd-sysusers', async (t) => {
  table(t, translateSystemdTmpfiles, [
    // dh_installtmpfiles (bookworm) and Fedora %tmpfiles_create
    { line: 'systemd-tmpfiles ${DPKG_ROOT:+--root="$DPKG_ROOT"} --create postgresql-common.conf', want: [{ kind: 'tmpfiles', config: 'postgresql-common.conf' }] },
    { line: 'systemd-tmpfiles ${DPKG_ROOT:+--root="$DPKG_ROOT"} --create debian.conf home.conf', want: [
      { kind: 'tmpfiles', config: 'debian.conf' },
      { kind: 'tmpfiles', config: 'home.conf' },
    ] },
    { line: 'systemd-tmpfiles --create /usr/lib/tmpfiles.d/httpd.conf', want: [{ kind: 'tmpfiles', config: '/usr/lib/tmpfiles.d/httpd.conf' }], format: 'rpm' },
    { line: 'systemd-tmpfiles --create', want: /every tmpfiles.d file/ },
    { line: 'systemd-tmpfiles --remove x.conf', want: /--remove is not translated/ },
    { line: 'systemd-tmpfiles --create --boot x.conf', want: /--boot is not translated/ },
    { line: 'systemd-tmpfiles --root=/mnt --create x.conf', want: /not the image root/ },
    { line: 'systemd-tmpfiles --create -', want: /standard input/ },
  ]);
  table(t, translateSystemdSysusers, [
    { line: 'systemd-sysusers ${DPKG_ROOT:+--root="$DPKG_ROOT"} basic.conf systemd-journal.conf', want: [
      { kind: 'sysusers', config: 'basic.conf' },
      { kind: 'sysusers', config: 'systemd-journal.conf' },
    ] },
    { line: "systemd-sysusers --replace=/usr/lib/sysusers.d/chrony.conf --inline 'u chrony - \"chrony\" /var/lib/chrony'", format: 'rpm', want: [
      { kind: 'sysusers', config: '/usr/lib/sysusers.d/chrony.conf', lines: ['u chrony - "chrony" /var/lib/chrony'] },
    ] },
    { line: "systemd-sysusers --inline 'g x -'", want: /without --replace/ },
    { line: 'systemd-sysusers', want: /every sysusers.d file/ },
    { line: 'systemd-sysusers --dry-run x.conf', want: /--dry-run is not translated/ },
  ]);
});

t.test('font indexes and the hardware database, batched once per image', async (t) => {
  table(t, translateFontIndexes, [
    // xfonts-biznet-75dpi postinst
    { line: 'update-fonts-dir --x11r7-layout 75dpi', want: [{ kind: 'cache', cache: 'font-indexes', args: ['update-fonts-dir', '--x11r7-layout', '75dpi'] }] },
    {
      line: 'update-fonts-alias --include /etc/X11/fonts/75dpi/xfonts-biznet-75dpi.alias 75dpi',
      want: [{ kind: 'cache', cache: 'font-indexes', args: ['update-fonts-alias', '--include', '/etc/X11/fonts/75dpi/xfonts-biznet-75dpi.alias', '75dpi'] }],
    },
    // ghostscript postinst
    { line: 'update-gsfontmap', want: [{ kind: 'cache', cache: 'font-indexes', args: ['update-gsfontmap'] }] },
    { line: 'update-gsfontmap --verbose', want: /takes no arguments/ },
    { line: 'update-fonts-dir', want: /exactly one font directory/ },
    { line: 'update-fonts-dir "$dir"', want: /not literal/ },
    { line: 'update-fonts-dir --include x 75dpi', want: /unknown option|--include/ },
    { line: "update-fonts-scale 'a b'", want: /characters the batch would not pass/ },
  ]);
  table(t, translateSystemdHwdb, [
    // udev postinst: update_hwdb() { systemd-hwdb --usr update || true; }
    { line: 'systemd-hwdb --usr update', want: [{ kind: 'cache', cache: 'hwdb' }] },
    { line: 'systemd-hwdb update', want: /without --usr/ },
    { line: 'systemd-hwdb --usr --root=/mnt update', want: /--root is not translated/ },
    { line: 'systemd-hwdb --usr query x', want: /only `update`/ },
  ]);
});

t.test('ucf and ucfr (dh_ucf)', async (t) => {
  table(t, translateUcf, [
    // libreoffice-impress postinst
    {
      line: 'ucf --three-way "/usr/lib/libreoffice/share/.registry/impress.xcd" "/etc/libreoffice/registry/impress.xcd"',
      want: [{ kind: 'ucf', template: '/usr/lib/libreoffice/share/.registry/impress.xcd', path: '/etc/libreoffice/registry/impress.xcd', threeWay: true }],
    },
    { line: 'ucfr --force libreoffice-impress "/etc/libreoffice/registry/impress.xcd"', want: [{ kind: 'ucf-register', package: 'libreoffice-impress', path: '/etc/libreoffice/registry/impress.xcd', force: true }] },
    { line: 'ucf --debconf-ok /usr/share/x/x.conf /etc/x.conf', want: [{ kind: 'ucf', template: '/usr/share/x/x.conf', path: '/etc/x.conf', threeWay: false }] },
    { line: 'ucfr x /etc/x.conf', want: [{ kind: 'ucf-register', package: 'x', path: '/etc/x.conf', force: false }] },
    { line: 'ucf "$tmp" /etc/x.conf', want: /not literal/ },
    { line: 'ucf /tmp/x.conf /etc/x.conf', want: /makes at run time/ },
    { line: 'ucf --purge /etc/x.conf', want: /--purge is not translated/ },
    { line: 'ucf --src-dir /usr/share/x x.conf /etc/x.conf', want: /--src-dir is not translated/ },
    { line: 'ucfr --purge x /etc/x.conf', want: /--purge is not translated/ },
    { line: 'ucfr x', want: /PACKAGE and PATH/ },
  ]);
});
