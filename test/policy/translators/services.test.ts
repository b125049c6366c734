import t from 'tap';
import { translateDebSystemdHelper } from '../../../src/policy/translators/deb-systemd-helper.js';
import { translateSystemctl } from '../../../src/policy/translators/systemctl.js';
import { translateSystemdUpdateHelper } from '../../../src/policy/translators/systemd-update-helper.js';
import { translateUpdateRcD } from '../../../src/policy/translators/update-rc-d.js';
import { translatorTable as table } from '../../helpers/translator-table.js';

t.test('deb-systemd-helper (dh_installsystemd postinst-systemd-enable)', async (t) => {
  table(t, translateDebSystemdHelper, [
    { line: "deb-systemd-helper unmask 'ssh.service'", want: [] },
    { line: "deb-systemd-helper --quiet was-enabled 'ssh.service'", want: [] },
    { line: "deb-systemd-helper enable 'ssh.service'", want: [{ kind: 'systemd-enable', unit: 'ssh.service' }] },
    { line: "deb-systemd-helper update-state 'ssh.service'", want: [] },
    { line: "deb-systemd-helper debian-installed 'rsyslog.service'", want: [] },
    {
      line: "deb-systemd-helper enable 'avahi-daemon.service' 'avahi-daemon.socket'",
      want: [{ kind: 'systemd-enable', unit: 'avahi-daemon.service' }, { kind: 'systemd-enable', unit: 'avahi-daemon.socket' }],
    },
    // dh_installsystemduser
    { line: "deb-systemd-helper --user enable 'pipewire.socket'", want: [{ kind: 'systemd-enable', unit: 'pipewire.socket', user: true }] },
    { line: "deb-systemd-helper enable --user --system 'x.timer'", want: [{ kind: 'systemd-enable', unit: 'x.timer' }] },
    { line: "deb-systemd-helper disable 'ssh.service'", want: /disable is not part of installing/ },
    { line: "deb-systemd-helper purge 'ssh.service'", want: /purge is not part of installing/ },
    { line: 'deb-systemd-helper enable "$UNIT"', want: /not literal/ },
    { line: 'deb-systemd-helper enable ssh', want: /no unit type suffix/ },
    { line: 'deb-systemd-helper enable', want: /enable without a unit/ },
    { line: 'deb-systemd-helper --now enable x.service', want: /unknown option -now/ },
  ]);
});

t.test('systemctl', async (t) => {
  table(t, translateSystemctl, [
    { line: 'systemctl --system daemon-reload', want: [] },
    // Fedora %systemd_post before systemd-update-helper
    { line: 'systemctl --no-reload preset httpd.service', want: [{ kind: 'systemd-preset', unit: 'httpd.service' }] },
    { line: 'systemctl enable --quiet foo bar.socket', want: [{ kind: 'systemd-enable', unit: 'foo.service' }, { kind: 'systemd-enable', unit: 'bar.socket' }] },
    { line: 'systemctl --root=/ enable foo.timer', want: [{ kind: 'systemd-enable', unit: 'foo.timer' }] },
    { line: 'systemctl --root="$DPKG_ROOT" enable foo.timer', want: [{ kind: 'systemd-enable', unit: 'foo.timer' }] },
    { line: 'systemctl --global enable pipewire.socket', want: [{ kind: 'systemd-enable', unit: 'pipewire.socket', user: true }] },
    { line: 'systemctl is-enabled foo.service', want: [] },
    { line: 'systemctl --root=/mnt enable foo', want: /--root \/mnt is not the image root/ },
    { line: 'systemctl enable --now foo.service', want: /--now cannot be done/ },
    { line: 'systemctl --user enable foo.service', want: /--user cannot be done/ },
    { line: 'systemctl start foo.service', want: /start controls a running service/ },
    { line: 'systemctl --global preset foo.service', want: /--global preset/ },
    { line: 'systemctl mask foo.service', want: /mask is not translated/ },
    { line: 'systemctl enable /etc/foo.service', want: /is a path/ },
    { line: 'systemctl enable "foo*"', want: /pattern|not literal/ },
    { line: 'systemctl "$@"', want: /not literal/ },
    { line: 'systemctl daemon-reload foo', want: /takes no unit/ },
  ]);
  table(t, translateSystemdUpdateHelper, [
    {
      line: '/usr/lib/systemd/systemd-update-helper install-system-units sshd.service sshd.socket',
      want: [{ kind: 'systemd-preset', unit: 'sshd.service' }, { kind: 'systemd-preset', unit: 'sshd.socket' }],
      format: 'rpm',
    },
    { line: '/usr/lib/systemd/systemd-update-helper install-user-units p.socket', want: /install-user-units is not translated/, format: 'rpm' },
    { line: '/usr/lib/systemd/systemd-update-helper mark-restart-system-units sshd.service', want: /not translated/, format: 'rpm' },
  ]);
});

t.test('update-rc.d (dh_installinit postinst-init)', async (t) => {
  table(t, translateUpdateRcD, [
    { line: 'update-rc.d dbus defaults', want: [{ kind: 'sysv-enable', script: 'dbus', args: ['defaults'] }] },
    // postgresql-common: the numbers are discarded by the tool
    { line: 'update-rc.d postgresql defaults 19 21', want: [{ kind: 'sysv-enable', script: 'postgresql', args: ['defaults'] }] },
    { line: 'update-rc.d foo start 20 2 3 4 5 . stop 20 0 1 6 .', want: [{ kind: 'sysv-enable', script: 'foo', args: ['defaults'] }] },
    { line: 'update-rc.d foo defaults-disabled', want: [{ kind: 'sysv-enable', script: 'foo', args: ['defaults-disabled'] }] },
    { line: 'update-rc.d foo enable 2 3', want: [{ kind: 'sysv-enable', script: 'foo', args: ['enable', '2', '3'] }] },
    { line: 'update-rc.d -f tmux-cleanup remove', want: /remove is not part of installing/ },
    { line: 'update-rc.d foo disable', want: /disable is not part/ },
    { line: 'update-rc.d foo enable 7', want: /runlevel 7/ },
    { line: 'update-rc.d -n foo defaults', want: /unknown option -n/ },
    { line: 'update-rc.d "$NAME" defaults', want: /not literal/ },
  ]);
});
