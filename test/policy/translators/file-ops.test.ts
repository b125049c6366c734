import t from 'tap';
import { translateChmod } from '../../../src/policy/translators/chmod.js';
import { translateChown } from '../../../src/policy/translators/chown.js';
import { translateInstall } from '../../../src/policy/translators/install.js';
import { translateLn } from '../../../src/policy/translators/ln.js';
import { translateMkdir } from '../../../src/policy/translators/mkdir.js';
import { translateRm } from '../../../src/policy/translators/rm.js';
import { translateTouch } from '../../../src/policy/translators/touch.js';
import { translatorTable as table } from '../../helpers/translator-table.js';

t.test('mkdir', async (t) => {
  table(t, translateMkdir, [
    { line: 'mkdir -p /var/cache/fontconfig', want: [{ kind: 'directory', path: '/var/cache/fontconfig' }] },
    // frr and etcd-server postinst
    { line: 'mkdir -m 0755 -p /var/log/frr', want: [{ kind: 'directory', path: '/var/log/frr', mode: 0o755 }] },
    { line: 'mkdir -p -m 700 /var/lib/etcd', want: [{ kind: 'directory', path: '/var/lib/etcd', mode: 0o700 }] },
    { line: 'mkdir --mode=u=rwx,g=rx,o= /a /b', want: [{ kind: 'directory', path: '/a', mode: 0o750 }, { kind: 'directory', path: '/b', mode: 0o750 }] },
    { line: 'mkdir -m go-w /a', want: [{ kind: 'directory', path: '/a', mode: 0o755 }] },
    { line: 'mkdir -pZ /var/lib/mysql-upgrade', want: [{ kind: 'directory', path: '/var/lib/mysql-upgrade' }] },
    { line: 'mkdir -m -w /a', want: /depends on the umask/ },
    { line: 'mkdir -p /usr/lib/$multiarch/fortran/$base', want: /not literal/ },
    { line: 'mkdir -p `dirname "$LOCAL_APP_PROFILE"`', want: /not literal/ },
    { line: 'mkdir -m 999 /a', want: /invalid mode/ },
    { line: 'mkdir --context=system_u:object_r:x /a', want: /SELinux context/ },
    { line: 'mkdir -p', want: /no directory/ },
    { line: 'mkdir -p var/lib/x', want: /relative/ },
    { line: 'mkdir -p var/lib/x', format: 'arch', want: [{ kind: 'directory', path: '/var/lib/x' }] },
    { line: 'mkdir -p /var/lib/../etc', want: /contains \.\./ },
  ]);
});

t.test('chown and chgrp', async (t) => {
  table(t, translateChown, [
    // prometheus postinst
    { line: 'chown prometheus:prometheus /var/lib/prometheus/metrics2', want: [
      { kind: 'path-attr', path: '/var/lib/prometheus/metrics2', owner: 'prometheus', group: 'prometheus' },
    ] },
    // mosquitto postinst
    { line: 'chown mosquitto /var/lib/mosquitto', want: [{ kind: 'path-attr', path: '/var/lib/mosquitto', owner: 'mosquitto' }] },
    { line: 'chown :adm /var/log/x /var/log/y', want: [
      { kind: 'path-attr', path: '/var/log/x', group: 'adm' },
      { kind: 'path-attr', path: '/var/log/y', group: 'adm' },
    ] },
    // openssh-client postinst
    { line: 'chgrp _ssh /usr/bin/ssh-agent', want: [{ kind: 'path-attr', path: '/usr/bin/ssh-agent', group: '_ssh' }] },
    { line: 'chown -R www-data:www-data /var/cache/x', want: /-R changes a whole tree/ },
    // dcmtk postinst
    { line: 'chown -h dcmtk:dcmtk /var/lib/dcmtk/db', want: /-h changes a symlink itself/ },
    // frr postinst
    { line: 'chown frr: /etc/frr/frr.conf', want: /login group/ },
    // frr postinst: a variable path
    { line: 'chown frr: "$filename"', want: /not literal/ },
    { line: 'chown root.adm /x', want: /OWNER\.GROUP/ },
    // id 0 is root everywhere (login's `chown 0:0 "$DPKG_ROOT/var/log/faillog"`); other numbers need the image's tables
    { line: 'chown 0:0 /x', want: [{ kind: 'path-attr', path: '/x', owner: 'root', group: 'root' }] },
    { line: 'chown 0:0 "$DPKG_ROOT/var/log/faillog"', want: [{ kind: 'path-attr', path: '/var/log/faillog', owner: 'root', group: 'root' }] },
    { line: 'chown 104:0 /x', want: /is a number/ },
    { line: 'chown root:root $PROGRAM', want: /not literal/ },
    { line: 'chown --from=root x /y', want: /--from/ },
    { line: 'chown root', want: /no path given/ },
  ]);
});

t.test('chmod', async (t) => {
  table(t, translateChmod, [
    // openssh-client, dcmtk, libjava postinst
    { line: 'chmod 2755 /usr/bin/ssh-agent', want: [{ kind: 'path-attr', path: '/usr/bin/ssh-agent', mode: 0o2755 }] },
    { line: 'chmod 644 /etc/.java/.systemPrefs/.system.lock', want: [{ kind: 'path-attr', path: '/etc/.java/.systemPrefs/.system.lock', mode: 0o644 }] },
    { line: 'chmod u=rwx,go=rx /usr/bin/dumpcap', want: [{ kind: 'path-attr', path: '/usr/bin/dumpcap', mode: 0o755 }] },
    { line: 'chmod -v 0640 -- /etc/x', want: [{ kind: 'path-attr', path: '/etc/x', mode: 0o640 }] },
    // gstreamer postinst: needs the current mode
    { line: 'chmod u+s /usr/lib/x86_64-linux-gnu/gstreamer1.0/gstreamer-1.0/gst-ptp-helper', want: /depends on the file's current mode/ },
    // mariadb preinst
    { line: 'chmod +x "/etc/init.d/mariadb"', want: /current mode or the umask/ },
    { line: 'chmod -w /x', want: /current mode or the umask/ },
    { line: 'chmod -R 755 /x', want: /-R changes a whole tree/ },
    { line: 'chmod --reference=/a /b', want: /--reference/ },
    { line: 'chmod "$mode" "$dir"', want: /not literal/ },
    { line: 'chmod 755', want: /no path given/ },
    { line: 'chmod 9 /x', want: /invalid mode/ },
  ]);
});

t.test('install -d', async (t) => {
  table(t, translateInstall, [
    { line: 'install -d -m 0750 -o root -g adm /var/log/x', want: [{ kind: 'directory', path: '/var/log/x', mode: 0o750, owner: 'root', group: 'adm' }] },
    { line: 'install -d /run/x', want: [{ kind: 'directory', path: '/run/x', mode: 0o755 }] },
    { line: 'install --directory --mode=u=rwx,g=rx /srv/a', want: [{ kind: 'directory', path: '/srv/a', mode: 0o750 }] },
    { line: 'install -dm755 /srv/b', want: [{ kind: 'directory', path: '/srv/b', mode: 0o755 }] },
    // apparmor-using postinsts
    { line: 'install --mode 644 /dev/null "$LOCAL_APP_PROFILE"', want: /not literal/ },
    { line: 'install --mode 644 /dev/null /etc/apparmor.d/local/x', want: /copies files/ },
    { line: 'install -d -o 0 /x', want: [{ kind: 'directory', path: '/x', mode: 0o755, owner: 'root' }] },
    { line: 'install -d -o 100 /x', want: /is a number/ },
    { line: 'install -d -D /x', want: /-D is not translated/ },
  ]);
});

t.test('ln -s', async (t) => {
  table(t, translateLn, [
    { line: 'ln -sf /etc/alternatives/x /usr/bin/x', want: [{ kind: 'symlink', path: '/usr/bin/x', target: '/etc/alternatives/x' }] },
    { line: 'ln -s ../lib/foo.so.1 /usr/lib/foo.so', want: [{ kind: 'symlink', path: '/usr/lib/foo.so', target: '../lib/foo.so.1' }] },
    { line: 'ln -sfT /a /b', want: [{ kind: 'symlink', path: '/b', target: '/a' }] },
    { line: 'ln -s /usr/share/a /usr/share/b /etc/x', want: [
      { kind: 'symlink', path: '/etc/x/a', target: '/usr/share/a' },
      { kind: 'symlink', path: '/etc/x/b', target: '/usr/share/b' },
    ] },
    { line: 'ln -s -t /etc/x /usr/share/a', want: [{ kind: 'symlink', path: '/etc/x/a', target: '/usr/share/a' }] },
    { line: 'ln -s /usr/share/a /etc/x/', want: [{ kind: 'symlink', path: '/etc/x/a', target: '/usr/share/a' }] },
    // gfortran-style postinst
    { line: 'ln -sf /usr/lib/$multiarch/fortran/$base /usr/lib/$multiarch/fortran/$canoncomp', want: /not literal/ },
    { line: 'ln /a /b', want: /hard links/ },
    { line: 'ln -sr /a /b', want: /-r is not translated/ },
    { line: 'ln -s /a', want: /link name is needed/ },
    { line: 'ln -s /a relative', want: /relative/ },
  ]);
});

t.test('rm -f', async (t) => {
  table(t, translateRm, [
    { line: 'rm -f /var/lib/man-db/auto-update', want: [{ kind: 'remove', path: '/var/lib/man-db/auto-update', recursive: false }] },
    { line: 'rm -rf /var/lib/app-info/', want: [{ kind: 'remove', path: '/var/lib/app-info', recursive: true }] },
    { line: 'rm -rf /etc/apparmor.d/cache /etc/apparmor.d/cache.d', want: [
      { kind: 'remove', path: '/etc/apparmor.d/cache', recursive: true },
      { kind: 'remove', path: '/etc/apparmor.d/cache.d', recursive: true },
    ] },
    { line: 'rm -i -f /x', want: [{ kind: 'remove', path: '/x', recursive: false }] },
    { line: 'rm -f -i /x', want: /-i may prompt/ },
    { line: 'rm /var/lib/ca-certificates-java/convert_pkcs12_keystore_to_jks', want: /without -f/ },
    { line: 'rm -f /etc/apt/apt.conf.d/01autoremove-postgresql*', want: /not literal/ },
    { line: 'rm -f "$symlink"', want: /not literal/ },
    { line: 'rm -f /lib/modules/$version/.fresh-install', want: /not literal/ },
    { line: 'rm -rf /', want: /refuses to remove \// },
    { line: 'rm -rf --no-preserve-root /x', want: /--no-preserve-root/ },
  ]);
});

t.test('paths under $DPKG_ROOT (empty for an install into the image)', async (t) => {
  table(t, translateTouch, [
    { line: 'touch "$DPKG_ROOT/var/log/faillog"', want: [{ kind: 'tmpfiles', config: '(touch)', lines: ['f /var/log/faillog - - - -'] }] },
    { line: 'touch "$DPKG_ROOT"/etc/security/opasswd', want: [{ kind: 'tmpfiles', config: '(touch)', lines: ['f /etc/security/opasswd - - - -'] }] },
    { line: 'touch -m /var/log/x', want: [{ kind: 'tmpfiles', config: '(touch)', lines: ['f /var/log/x - - - -'] }] },
    { line: 'touch -c /var/log/x', want: /-c is not translated/ },
    { line: 'touch --reference=/a /var/log/x', want: /--reference is not translated/ },
    // libnss-systemd preinst
    { line: 'touch "${DPKG_ROOT}/etc/nsswitch.conf.nss.${DPKG_MAINTSCRIPT_PACKAGE}-will-install"', want: /not literal/ },
  ]);
  table(t, translateLn, [
    // coreutils postinst
    { line: 'ln -s /bin/touch "$DPKG_ROOT/usr/bin/touch"', want: [{ kind: 'symlink', path: '/usr/bin/touch', target: '/bin/touch' }] },
    { line: 'ln -s /bin/touch "$ROOT/usr/bin/touch"', want: /not literal/ },
  ]);
  table(t, translateRm, [{ line: 'rm -f "${DPKG_ROOT}/etc/old"', want: [{ kind: 'remove', path: '/etc/old', recursive: false }] }]);
  table(t, translateChmod, [{ line: 'chmod 644 "$DPKG_ROOT/etc/subuid"', want: [{ kind: 'path-attr', path: '/etc/subuid', mode: 0o644 }] }]);
  table(t, translateMkdir, [{ line: 'mkdir -p "$DPKG_ROOT/var/lib/x/../y"', want: /contains \.\./ }]);
});
