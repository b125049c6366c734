/**
 * The built-in translators by the name policy rules use (`translate: { translator: 'adduser' }`).
 * Registration is explicit: adding a translator means adding a line here.
 */
import type { Translator } from '../translator.js';
import { translateAdduser } from './adduser.js';
import {
  translateDepmod,
  translateDictdconfig,
  translateDictionariesCommon,
  translateEmacsPackageInstall,
  translateFcCache,
  translateFontIndexes,
  translateSystemdHwdb,
  translateGdkPixbufQueryLoaders,
  translateGioQuerymodules,
  translateGlibCompileSchemas,
  translateIconCache,
  translateLdconfig,
  translateMandb,
  translatePy3compile,
  translateUpdateCaCertificates,
  translateUpdateDesktopDatabase,
  translateUpdateInitramfs,
  translateUpdateMimeDatabase,
} from './cache-refresh.js';
import { translateChmod } from './chmod.js';
import { translateChown } from './chown.js';
import { translateDebSystemdHelper } from './deb-systemd-helper.js';
import { translateDebTrigger } from './deb-trigger.js';
import { translateDpkgMaintscriptHelper } from './dpkg-maintscript-helper.js';
import { translateDpkgStatoverride } from './dpkg-statoverride.js';
import { translateFileOp } from './file-op.js';
import { translateGpasswd } from './gpasswd.js';
import { translateGroupadd } from './groupadd.js';
import { translateInstall } from './install.js';
import { translateInstalldebCompat } from './installdeb-compat.js';
import { translateLn } from './ln.js';
import { translateMkdir } from './mkdir.js';
import { translateRm } from './rm.js';
import { translateSysusersLine } from './sysusers-line.js';
import { translateSystemctl } from './systemctl.js';
import { translateSystemdSysusers } from './systemd-sysusers.js';
import { translateSystemdTmpfiles } from './systemd-tmpfiles.js';
import { translateSystemdUpdateHelper } from './systemd-update-helper.js';
import { translateTouch } from './touch.js';
import { translateUcf } from './ucf.js';
import { translateUpdateAlternatives } from './update-alternatives.js';
import { translateUpdateRcD } from './update-rc-d.js';
import { translateUseradd } from './useradd.js';
import { translateUsermod } from './usermod.js';

export const translators: ReadonlyMap<string, Translator> = new Map<string, Translator>([
  ['adduser', translateAdduser],
  ['addgroup', translateAdduser],
  ['useradd', translateUseradd],
  ['groupadd', translateGroupadd],
  ['usermod', translateUsermod],
  ['gpasswd', translateGpasswd],
  ['deb-systemd-helper', translateDebSystemdHelper],
  ['deb-trigger', translateDebTrigger],
  ['systemctl', translateSystemctl],
  ['systemd-update-helper', translateSystemdUpdateHelper],
  ['update-rc.d', translateUpdateRcD],
  ['update-alternatives', translateUpdateAlternatives],
  ['ucf', translateUcf],
  ['dpkg-statoverride', translateDpkgStatoverride],
  ['dpkg-maintscript-helper', translateDpkgMaintscriptHelper],
  ['mkdir', translateMkdir],
  ['chown', translateChown],
  ['chgrp', translateChown],
  ['chmod', translateChmod],
  ['install', translateInstall],
  ['installdeb-compat', translateInstalldebCompat],
  ['ln', translateLn],
  ['rm', translateRm],
  ['touch', translateTouch],
  ['file-op', translateFileOp],
  ['ldconfig', translateLdconfig],
  ['fc-cache', translateFcCache],
  ['update-icon-caches', translateIconCache],
  ['gtk-update-icon-cache', translateIconCache],
  ['update-mime-database', translateUpdateMimeDatabase],
  ['update-desktop-database', translateUpdateDesktopDatabase],
  ['gio-querymodules', translateGioQuerymodules],
  ['gdk-pixbuf-query-loaders', translateGdkPixbufQueryLoaders],
  ['glib-compile-schemas', translateGlibCompileSchemas],
  ['depmod', translateDepmod],
  ['py3compile', translatePy3compile],
  ['pycompile', translatePy3compile],
  ['mandb', translateMandb],
  ['update-ca-certificates', translateUpdateCaCertificates],
  ['update-initramfs', translateUpdateInitramfs],
  ['emacs-package-install', translateEmacsPackageInstall],
  ['dictdconfig', translateDictdconfig],
  ['dictionaries-common', translateDictionariesCommon],
  ['font-indexes', translateFontIndexes],
  ['systemd-hwdb', translateSystemdHwdb],
  ['systemd-tmpfiles', translateSystemdTmpfiles],
  ['systemd-sysusers', translateSystemdSysusers],
  ['sysusers', translateSysusersLine],
]);
