import t from 'tap';
import { translateAdduser } from '../../../src/policy/translators/adduser.js';
import { analyse } from '../../../src/shell/analyse.js';
import { translatorContext } from '../../helpers/translator-context.js';
import { translateGpasswd } from '../../../src/policy/translators/gpasswd.js';
import { translateGroupadd } from '../../../src/policy/translators/groupadd.js';
import { translateUseradd } from '../../../src/policy/translators/useradd.js';
import { translateUsermod } from '../../../src/policy/translators/usermod.js';
import { translatorTable as table } from '../../helpers/translator-table.js';

t.test('adduser and addgroup (Debian bookworm shapes)', async (t) => {
  table(t, translateAdduser, [
    {
      // openssh-server postinst
      line: 'adduser --quiet --system --no-create-home --home /run/sshd --shell /usr/sbin/nologin sshd',
      want: [{ kind: 'user', name: 'sshd', system: true, group: 'nogroup', home: '/run/sshd', createHome: false, shell: '/usr/sbin/nologin' }],
    },
    {
      // avahi-daemon postinst
      line: 'adduser --disabled-password  --quiet --system --home /run/avahi-daemon --no-create-home --gecos "Avahi mDNS daemon" --group avahi',
      want: [
        { kind: 'group', name: 'avahi', system: true },
        { kind: 'user', name: 'avahi', system: true, group: 'avahi', home: '/run/avahi-daemon', createHome: false, shell: '/usr/sbin/nologin', gecos: 'Avahi mDNS daemon' },
      ],
    },
    {
      // dcmtk postinst: primary group made just before by addgroup
      line: 'adduser --quiet --system --ingroup dcmtk --home /var/lib/dcmtk/db --shell /usr/sbin/nologin dcmtk',
      want: [{ kind: 'user', name: 'dcmtk', system: true, group: 'dcmtk', home: '/var/lib/dcmtk/db', createHome: true, shell: '/usr/sbin/nologin' }],
    },
    {
      // etcd-server: home is created; the trailing slash is kept as adduser passes it on
      line: 'adduser --system --group --disabled-login --disabled-password --home /var/lib/etcd/ etcd',
      want: [
        { kind: 'group', name: 'etcd', system: true },
        { kind: 'user', name: 'etcd', system: true, group: 'etcd', home: '/var/lib/etcd/', createHome: true, shell: '/usr/sbin/nologin' },
      ],
    },
    {
      // frr: /nonexistent is never created, whatever the flags say
      line: 'adduser --system --ingroup frr --home /nonexistent --gecos "Frr routing suite" frr',
      want: [{ kind: 'user', name: 'frr', system: true, group: 'frr', home: '/nonexistent', createHome: false, shell: '/usr/sbin/nologin', gecos: 'Frr routing suite' }],
    },
    {
      line: 'adduser --system --uid 120 --group --comment x svc',
      want: [
        { kind: 'group', name: 'svc', system: true, gid: 120 },
        { kind: 'user', name: 'svc', system: true, uid: 120, group: 'svc', home: '/nonexistent', createHome: false, shell: '/usr/sbin/nologin', gecos: 'x' },
      ],
    },
    {
      // Getopt::Long: single dash, abbreviations, `=` values, any case
      line: '/usr/sbin/adduser -system --no-create --home=/srv/x --SHELL /bin/false x',
      want: [{ kind: 'user', name: 'x', system: true, group: 'nogroup', home: '/srv/x', createHome: false, shell: '/bin/false' }],
    },
    { line: 'adduser --quiet crontab-user crontab', want: [{ kind: 'group-member', group: 'crontab', user: 'crontab-user' }] },
    { line: 'addgroup --quiet --system netdev', want: [{ kind: 'group', name: 'netdev', system: true }] },
    { line: 'addgroup --system --quiet --force-badname _ssh', want: [{ kind: 'group', name: '_ssh', system: true }] },
    { line: 'addgroup --system --gid 999 x', want: [{ kind: 'group', name: 'x', system: true, gid: 999 }] },
    { line: 'addgroup staff2', want: [{ kind: 'group', name: 'staff2', system: false }] },
    { line: 'adduser --group grp', want: [{ kind: 'group', name: 'grp', system: false }] },
    { line: 'adduser --system --group --allow-bad-names Bad.Name', want: [
      { kind: 'group', name: 'Bad.Name', system: true },
      { kind: 'user', name: 'Bad.Name', system: true, group: 'Bad.Name', home: '/nonexistent', createHome: false, shell: '/usr/sbin/nologin' },
    ] },
    // refusals
    { line: 'adduser --disabled-password bob', want: /regular login user/ },
    { line: 'adduser --system --gid 65534 x', want: /--gid names the primary group by number/ },
    { line: 'adduser --system --group --ingroup a x', want: /mutually exclusive/ },
    { line: 'adduser --system --firstuid 200 x', want: /--firstuid restricts id allocation/ },
    { line: 'adduser --system --conf /tmp/a.conf x', want: /--conf/ },
    { line: 'adduser --system --bogus x', want: /unknown option -bogus/ },
    { line: 'adduser --system --dis x', want: /ambiguous option --dis \(disabled-login, disabled-password\)/ },
    { line: 'adduser --system --h x', want: /--help prints text/ },
    { line: 'adduser --system --uid abc x', want: /not a number/ },
    { line: 'adduser --system "$USER"', want: /not literal/ },
    { line: 'adduser --system --home "$HOME_DIR" x', want: /--home directory "\$HOME_DIR" is not literal/ },
    { line: 'adduser --system --home relative x', want: /not absolute/ },
    { line: 'adduser --system a b', want: /two names/ },
    { line: 'addgroup a b', want: /addgroup with two names/ },
    { line: 'adduser --system 1234', want: /all digits/ },
    { line: 'adduser --system Bad.Name', want: /SYS_NAME_REGEX/ },
    { line: 'adduser --system', want: /one or two names/ },
    { line: 'useradd x', want: /does not translate useradd/ },
  ]);
});

t.test('useradd (Fedora and Arch shapes)', async (t) => {
  table(t, translateUseradd, [
    {
      // Fedora httpd %pre
      line: 'useradd -r -u 48 -g apache -s /sbin/nologin -d /usr/share/httpd -c "Apache" apache',
      want: [{ kind: 'user', name: 'apache', system: true, uid: 48, group: 'apache', home: '/usr/share/httpd', createHome: false, shell: '/sbin/nologin', gecos: 'Apache' }],
      format: 'rpm',
    },
    {
      // USERGROUPS_ENAB: a group of the same name
      line: 'useradd -r -d /var/lib/chrony -s /sbin/nologin chrony',
      want: [{ kind: 'user', name: 'chrony', system: true, group: 'chrony', createGroup: true, home: '/var/lib/chrony', createHome: false, shell: '/sbin/nologin' }],
      format: 'rpm',
    },
    {
      line: 'useradd -rmU -G wheel,audio --home-dir=/var/lib/x x',
      want: [
        { kind: 'user', name: 'x', system: true, group: 'x', createGroup: true, home: '/var/lib/x', createHome: true },
        { kind: 'group-member', group: 'wheel', user: 'x' },
        { kind: 'group-member', group: 'audio', user: 'x' },
      ],
    },
    {
      // options after the operand (getopt permutes), Arch-style relative base dir
      line: 'useradd x -r -b var/lib',
      want: [{ kind: 'user', name: 'x', system: true, group: 'x', createGroup: true, home: '/var/lib/x', createHome: false }],
      format: 'arch',
    },
    { line: 'useradd -r -N x', want: /primary group is GROUP/ },
    { line: 'useradd -r x', params: { userGroups: false }, want: /primary group is GROUP/ },
    { line: 'useradd bob', want: /CREATE_HOME/ },
    { line: 'useradd bob', params: { createHome: true }, want: [{ kind: 'user', name: 'bob', system: false, group: 'bob', createGroup: true, createHome: true }] },
    { line: 'useradd bob', params: { createHome: 'yes' }, want: /must be true or false/ },
    { line: 'useradd -r -g 81 dbus', want: /is a number/ },
    { line: 'useradd -r -p hash x', want: /-p sets a password/ },
    { line: 'useradd -r -K UID_MIN=10 x', want: /-K overrides login.defs/ },
    { line: 'useradd -r --expire=2020-01-01 x', want: /--expire sets an account expiry/ },
    { line: 'useradd -r -U -g grp x', want: /-U conflicts/ },
    { line: 'useradd -r -m -k /etc/skel2 x', want: /custom skeleton/ },
    { line: 'useradd -r -q x', want: /unknown option -q/ },
    { line: 'useradd -r -d', want: /needs a value/ },
    { line: 'useradd -r -u "$UID" x', want: /not literal/ },
    { line: 'useradd -r -d var/x x', want: /relative/ },
  ]);
});

t.test('groupadd, usermod, gpasswd', async (t) => {
  table(t, translateGroupadd, [
    { line: 'groupadd -g 48 -r apache', want: [{ kind: 'group', name: 'apache', system: true, gid: 48 }] },
    { line: 'groupadd -rf systemd-journal', want: [{ kind: 'group', name: 'systemd-journal', system: true }] },
    { line: 'groupadd --system -U a,b grp', want: [
      { kind: 'group', name: 'grp', system: true },
      { kind: 'group-member', group: 'grp', user: 'a' },
      { kind: 'group-member', group: 'grp', user: 'b' },
    ] },
    { line: 'groupadd -r -p x grp', want: /-p sets a group password/ },
    { line: 'groupadd -r', want: /exactly one group name/ },
    { line: 'groupadd -r -g x grp', want: /not a number/ },
  ]);
  table(t, translateUsermod, [
    // frr postinst
    { line: 'usermod -a -G frrvty frr', want: [{ kind: 'group-member', group: 'frrvty', user: 'frr' }] },
    { line: 'usermod -aG a,b u', want: [{ kind: 'group-member', group: 'a', user: 'u' }, { kind: 'group-member', group: 'b', user: 'u' }] },
    { line: 'usermod --append --groups=a u', want: [{ kind: 'group-member', group: 'a', user: 'u' }] },
    { line: 'usermod -G a u', want: /replaces/ },
    // polkitd postinst
    { line: 'usermod -g polkitd polkitd', want: /-g changes an existing account/ },
    { line: 'usermod -d /nonexistent polkitd', want: /-d changes/ },
  ]);
  table(t, translateGpasswd, [
    { line: 'gpasswd -a www-data ssl-cert', want: [{ kind: 'group-member', group: 'ssl-cert', user: 'www-data' }] },
    { line: 'gpasswd --add=u g', want: [{ kind: 'group-member', group: 'g', user: 'u' }] },
    { line: 'gpasswd -d u g', want: /only gpasswd -a/ },
    { line: 'gpasswd -a u', want: /exactly one group/ },
  ]);
});

t.test('adduser run only when getent finds no such user: the action says so', async (t) => {
  const cases: { script: string; ifAbsent: boolean; why: string }[] = [
    // apt 2.6.2 postinst
    { script: "if [ \"$1\" = 'configure' ] && [ -z \"$DPKG_ROOT\" ] && ! getent passwd _apt >/dev/null; then\n\tadduser --force-badname --system --home /nonexistent  \\\n\t    --no-create-home --quiet _apt || true\nfi\n", ifAbsent: true, why: 'if ! getent passwd NAME' },
    { script: 'getent passwd _apt > /dev/null 2>&1 || adduser --system --quiet _apt\n', ifAbsent: true, why: 'getent passwd NAME || adduser' },
    { script: 'if ! getent passwd "_apt" >/dev/null; then adduser --system _apt; fi\n', ifAbsent: true, why: 'quoted name' },
    { script: 'if ! getent passwd other >/dev/null; then adduser --system _apt; fi\n', ifAbsent: false, why: 'another user looked up' },
    { script: 'if ! getent group _apt >/dev/null; then adduser --system _apt; fi\n', ifAbsent: false, why: 'the group database looked up' },
    { script: 'if getent passwd _apt >/dev/null; then adduser --system _apt; fi\n', ifAbsent: false, why: 'runs when the user exists' },
    { script: 'if ! getent passwd $U >/dev/null; then adduser --system _apt; fi\n', ifAbsent: false, why: 'a name not written out' },
    { script: 'adduser --system _apt\n', ifAbsent: false, why: 'no guard' },
  ];
  for (const c of cases) {
    const ctx = translatorContext('deb');
    const analysis = await analyse({ ...ctx.scriptlet, body: c.script });
    const command = analysis.commands.find((x) => x.name === 'adduser');
    if (!command) {
      t.fail(`${c.why}: no adduser command found`);
      continue;
    }
    const user = translateAdduser(command, {}, { ...ctx, analysis })?.find((a) => a.kind === 'user');
    t.equal(user?.kind === 'user' && user.ifAbsent === true, c.ifAbsent, c.why);
  }
});
