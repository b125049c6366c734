import t from 'tap';
import { detectRisks } from '../../src/audit/detect-risks.js';
import type { RiskKind, Severity } from '../../src/audit/risk.js';
import type { Analysis } from '../../src/shell/analysis.js';
import { analysisOf, type CommandEntry } from '../helpers/analysis-builder.js';

interface Case {
  name: string;
  script: CommandEntry[];
  extra?: Partial<Analysis>;
  /** Exactly the risks expected, as `kind/severity@line`, in report order. */
  expect: string[];
}

const cases: Case[] = [
  // network
  { name: 'wget download', script: ['wget -q https://example.org/x.tar.gz'], expect: ['network/medium@1'] },
  { name: 'curl through a path', script: ['/usr/bin/curl -fsSL https://example.org/key'], expect: ['network/medium@1'] },
  { name: 'apt-get install', script: ['apt-get install -y foo'], expect: ['network/medium@1', 'package-manager/high@1'] },
  { name: 'apt-get with -o before the verb', script: ['apt-get -o Dpkg::Options::=--force-confold -y install foo'], expect: ['network/medium@1', 'package-manager/high@1'] },
  { name: 'pip install', script: ['pip3 install requests'], expect: ['network/medium@1', 'package-manager/medium@1'] },
  { name: 'pip install offline', script: ['pip3 install --no-index --find-links /usr/share/wheels foo'], expect: ['package-manager/medium@1'] },
  { name: 'python -m pip install', script: ['python3 -m pip install foo'], expect: ['network/medium@1', 'package-manager/medium@1'] },
  { name: 'git clone', script: ['git -C /opt clone https://example.org/r.git'], expect: ['network/medium@1'] },
  { name: 'git config is not network', script: ['git config --global user.name x'], expect: [] },
  { name: 'nc', script: ['nc -z localhost 80'], expect: ['network/medium@1'] },
  { name: '/dev/tcp redirect', script: ['exec 3<>/dev/tcp/10.0.0.1/80'], expect: ['network/high@1'] },
  { name: 'sudo wraps curl', script: ['sudo -u nobody curl https://x'], expect: ['network/medium@1'] },
  { name: 'timeout with options wraps wget', script: ['timeout -s KILL 30 wget https://x/y'], expect: ['network/medium@1'] },
  { name: 'command -v is a lookup', script: ['command -v curl'], expect: [] },
  { name: 'env wraps wget', script: ['env http_proxy=x wget https://x/y'], expect: ['network/medium@1'] },
  { name: 'rsync remote', script: ['rsync -a host:/srv/data /var/lib/foo'], expect: ['network/medium@1'] },
  { name: 'rsync local', script: ['rsync -a /usr/share/foo/ /var/lib/foo/'], expect: [] },

  // download-exec
  { name: 'curl piped to sh', script: ['curl -fsSL https://get.example.org | sh'], expect: ["network/medium@1", "download-exec/high@1"] },
  { name: 'wget piped to sudo bash', script: ['wget -qO- https://x/i.sh | sudo bash -s'], expect: ["network/medium@1", "download-exec/high@1"] },
  { name: 'curl piped to tar is not exec', script: ['curl -L https://x/a.tgz | tar xz -C /opt'], expect: ['network/medium@1'] },
  {
    name: 'download then chmod +x then run',
    script: ['wget -O /opt/foo/install.sh https://x/install.sh', 'chmod +x /opt/foo/install.sh', '/opt/foo/install.sh --yes'],
    expect: ['network/medium@1', 'download-exec/high@2', 'download-exec/high@3'],
  },
  {
    name: 'curl -O then sh',
    script: ['curl -O https://x/setup.sh', 'sh setup.sh'],
    expect: ['network/medium@1', 'download-exec/high@2'],
  },
  {
    name: 'download then dpkg -i',
    script: ['wget -P /var/cache/foo https://x/pool/foo_1.deb', 'dpkg -i /var/cache/foo/foo_1.deb'],
    expect: ['network/medium@1', 'download-exec/high@2', 'package-manager/high@2'],
  },
  {
    name: 'eval of curl output',
    script: ['eval "$(curl -s https://x/env)"', ['curl -s https://x/env', { line: 1, substitution: true }]],
    expect: ['network/medium@1', 'download-exec/high@1', 'dynamic-code/medium@1'],
  },

  // package-manager
  { name: 'dpkg --configure -a', script: ['dpkg --configure -a'], expect: ['package-manager/high@1'] },
  { name: 'dpkg query is fine', script: ['dpkg --compare-versions "$2" lt 1.0', 'dpkg -L foo', 'dpkg-query -W foo'], expect: [] },
  { name: 'rpm -Uvh URL', script: ['rpm -Uvh https://x/foo.rpm'], expect: ['network/medium@1', 'package-manager/high@1'] },
  { name: 'rpm -q is fine', script: ['rpm -q --quiet foo'], expect: [] },
  { name: 'pacman -Syu', script: ['pacman -Syu --noconfirm'], expect: ['network/medium@1', 'package-manager/high@1'] },
  { name: 'pacman -Qq is fine', script: ['pacman -Qq foo'], expect: [] },
  { name: 'dnf remove', script: ['dnf -y remove foo'], expect: ['package-manager/high@1'] },

  // service-control
  { name: 'systemctl restart', script: ['systemctl restart foo.service'], expect: ['service-control/medium@1'] },
  { name: 'systemctl daemon-reload', script: ['systemctl --system daemon-reload'], expect: ['service-control/low@1'] },
  { name: 'systemctl enable is declarative', script: ['systemctl enable foo.service'], expect: [] },
  { name: 'systemctl enable --now', script: ['systemctl enable --now foo.service'], expect: ['service-control/medium@1'] },
  { name: 'systemctl --root is offline', script: ['systemctl --root=/target start foo'], expect: [] },
  { name: 'invoke-rc.d', script: ['invoke-rc.d foo start'], expect: ['service-control/low@1'] },
  { name: 'deb-systemd-invoke', script: ['deb-systemd-invoke restart foo.service'], expect: ['service-control/low@1'] },
  { name: 'service', script: ['service foo reload'], expect: ['service-control/medium@1'] },
  { name: 'start-stop-daemon', script: ['start-stop-daemon --stop --quiet --pidfile /run/foo.pid'], expect: ['service-control/medium@1'] },
  { name: 'rc-service', script: ['rc-service foo restart'], expect: ['service-control/medium@1'] },
  { name: 'init script', script: ['/etc/init.d/foo restart'], expect: ['service-control/medium@1'] },
  { name: 'reboot', script: ['systemctl reboot'], expect: ['service-control/high@1'] },

  // kill
  { name: 'killall', script: ['killall -HUP foo'], expect: ['kill/medium@1'] },
  { name: 'pkill', script: ['pkill -f foo-daemon'], expect: ['kill/medium@1'] },
  { name: 'kill -9 -1', script: ['kill -9 -1'], expect: ['kill/high@1'] },
  { name: 'kill a pid', script: ['kill "$(cat /run/foo.pid)"'], expect: ['kill/medium@1'] },

  // mount
  { name: 'mount', script: ['mount -t tmpfs none /mnt'], expect: ['mount/high@1'] },
  { name: 'bare mount lists', script: ['mount'], expect: [] },

  // writes-outside-package
  { name: 'append to /etc/hosts', script: ['echo "127.0.0.1 foo" >> /etc/hosts'], expect: ['writes-outside-package/medium@1'] },
  { name: 'write under /usr/local', script: ['cp /usr/share/foo/foo.conf /usr/local/etc/'], expect: ['writes-outside-package/medium@1'] },
  { name: 'sed -i /etc/fstab', script: ["sed -i '/foo/d' /etc/fstab"], expect: ['writes-outside-package/high@1'] },
  { name: 'sed -e script then file', script: ['sed -i.bak -e s/a/b/ /etc/profile'], expect: ['writes-outside-package/medium@1'] },
  { name: 'tee into /boot', script: ['echo x | tee -a /boot/config.txt'], expect: ['writes-outside-package/high@1'] },
  { name: 'write to /tmp', script: ['echo x > /tmp/foo.log'], expect: ['writes-outside-package/medium@1'] },
  { name: 'remove from /tmp is low', script: ['rm -f /tmp/foo.lock'], expect: ['writes-outside-package/low@1'] },
  { name: 'write into $HOME', script: ['touch "$HOME/.foo"'], expect: ['writes-outside-package/high@1'] },
  { name: 'write into dpkg database', script: ['rm -f /var/lib/dpkg/info/foo.postinst'], expect: ['writes-outside-package/high@1'] },
  { name: 'DPKG_ROOT prefix is stripped', script: ['echo x > "$DPKG_ROOT/etc/hosts"'], expect: ['writes-outside-package/medium@1'] },
  { name: 'own config is fine', script: ['echo x > /etc/foo/foo.conf', 'mkdir -p /var/lib/foo', 'cp a /usr/share/foo/b'], expect: [] },
  { name: 'stderr dup and /dev/null are fine', script: ['foo >/dev/null 2>&1', 'bar 2>/dev/null'], expect: [] },
  { name: 'dd of=/dev/sda', script: ['dd if=/dev/zero of=/dev/sda bs=1M count=1'], expect: ['writes-outside-package/high@1'] },
  { name: 'ln into systemd admin dir', script: ['ln -s /lib/systemd/system/foo.service /etc/systemd/system/multi-user.target.wants/foo.service'], expect: ['writes-outside-package/low@1'] },
  {
    name: 'several paths in one command are one risk',
    script: ['rm -f /etc/pam.d/common-auth /etc/pam.d/common-account /tmp/x'],
    expect: ['writes-outside-package/high@1'],
  },
  { name: 'touch and chown of /etc/subuid are not edits', script: ['touch /etc/subuid', 'chown 0:0 /etc/subuid', 'chmod 644 /etc/shadow'], expect: [] },

  // rm-rf-variable
  { name: 'rm -rf "$DIR/"', script: ['rm -rf "$DIR/"'], expect: ['rm-rf-variable/high@1'] },
  { name: 'rm -rf ${DIR}/*', script: ['rm -rf ${DIR}/*'], expect: ['rm-rf-variable/high@1'] },
  { name: 'rm -r unquoted var', script: ['rm -r /var/lib/foo/$name'], expect: ['rm-rf-variable/high@1'] },
  { name: 'rm -rf quoted var in middle', script: ['rm -rf "/var/lib/foo/$name"'], expect: ['rm-rf-variable/medium@1'] },
  { name: 'rm -rf glob', script: ['rm -rf /var/cache/foo/*'], expect: ['rm-rf-variable/low@1'] },
  { name: 'rm -Rf with DPKG_ROOT only', script: ['rm -Rf "$DPKG_ROOT/var/lib/foo"'], expect: [] },
  { name: 'rm -rf literal', script: ['rm -rf /var/lib/foo'], expect: [] },
  { name: 'rm -f variable is not recursive', script: ['rm -f "$TMPFILE"'], expect: [] },
  { name: 'xargs rm -rf', script: ['find /var/lib/foo -name "*.tmp" | xargs rm -rf'], expect: ['rm-rf-variable/medium@1'] },

  // recursive-chmod-chown
  { name: 'chown -R own dir', script: ['chown -R foo:foo /var/lib/foo'], expect: ['recursive-chmod-chown/medium@1'] },
  { name: 'chown -R computed', script: ['chown -R "$USER" "$DIR"'], expect: ['recursive-chmod-chown/high@1'] },
  { name: 'chmod -R on /usr', script: ['chmod -R go-w /usr/'], expect: ['recursive-chmod-chown/high@1'] },
  { name: 'chgrp --recursive', script: ['chgrp --recursive adm /var/log/foo'], expect: ['recursive-chmod-chown/medium@1'] },
  { name: 'chmod without -R', script: ['chmod 0640 /etc/foo/secret'], expect: [] },

  // setuid
  { name: 'chmod u+s', script: ['chmod u+s /usr/bin/foo'], expect: ['setuid-chmod/medium@1'] },
  { name: 'chmod 4755', script: ['chmod 4755 /usr/lib/foo/helper'], expect: ['setuid-chmod/medium@1'] },
  { name: 'chmod 4755 on computed path', script: ['chmod 4755 "$BIN"'], expect: ['setuid-chmod/high@1'] },
  { name: 'chmod 2775 on computed dir is setgid', script: ['chmod 2775 "$DPKG_ROOT$1"'], expect: ['setuid-chmod/medium@1'] },
  { name: 'chmod g+s is setgid', script: ['chmod g+s /var/lib/foo/shared'], expect: ['setuid-chmod/low@1'] },
  { name: 'install -d -m 2775 is a setgid directory', script: ['install -d -m 2775 -o foo -g foo /var/lib/foo'], expect: ['setuid-chmod/low@1'] },
  { name: 'chmod 1777 sticky is not setuid', script: ['chmod 1777 /var/lib/foo/spool'], expect: [] },
  { name: 'dpkg-statoverride setuid', script: ['dpkg-statoverride --update --add root root 4755 /usr/bin/foo'], expect: ['setuid-chmod/low@1'] },
  { name: 'install -m 4755', script: ['install -m 4755 helper /usr/lib/foo/helper'], expect: ['setuid-chmod/medium@1'] },

  // passwd-parsing
  { name: 'grep /etc/passwd', script: ["grep -q '^foo:' /etc/passwd"], expect: ['passwd-parsing/medium@1'] },
  { name: 'cut /etc/group', script: ['cut -d: -f1 /etc/group'], expect: ['passwd-parsing/medium@1'] },
  { name: 'awk reads shadow through redirect', script: ["awk -F: '{print $1}' < /etc/shadow"], expect: ['passwd-parsing/medium@1'] },
  { name: 'echo >> /etc/passwd', script: ['echo "foo:x:999:999::/:/bin/false" >> /etc/passwd'], expect: ['passwd-parsing/high@1'] },
  { name: 'sed -i /etc/group', script: ['sed -i s/^foo:/bar:/ /etc/group'], expect: ['passwd-parsing/high@1'] },
  { name: 'vipw', script: ['vipw -s'], expect: ['passwd-parsing/high@1'] },
  { name: 'test -f /etc/shadow is fine', script: ['test -f /etc/shadow', 'getent passwd foo'], expect: [] },

  // sudoers, cron, ld.so.preload
  { name: 'sudoers.d file', script: ['echo "foo ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/foo'], expect: ['sudoers-edit/high@1'] },
  { name: 'visudo -c is a check', script: ['visudo -c -f /etc/sudoers.d/foo'], expect: [] },
  { name: 'crontab -', script: ['crontab -u foo -'], expect: ['crontab-edit/medium@1'] },
  { name: 'crontab -l reads', script: ['crontab -l'], expect: [] },
  { name: 'cron.d write', script: ['cp /usr/share/foo/cron /etc/cron.d/foo'], expect: ['crontab-edit/medium@1'] },
  { name: 'ld.so.preload', script: ['echo /usr/lib/libfoo.so >> /etc/ld.so.preload'], expect: ['ld-preload/high@1'] },
  { name: 'export LD_PRELOAD', script: ['export LD_PRELOAD=/usr/lib/libfoo.so'], expect: ['ld-preload/medium@1'] },

  // dynamic-code
  { name: 'eval variable', script: ['eval "$CMD"'], expect: ['dynamic-code/medium@1'] },
  { name: 'eval literal', script: ["eval 'set -- a b'"], expect: [] },
  { name: 'sh -c variable', script: ['sh -c "$HOOK"'], expect: ['dynamic-code/medium@1'] },
  { name: 'source computed path', script: ['. "$CONFDIR/foo.conf"'], expect: ['dynamic-code/medium@1'] },
  { name: 'source literal', script: ['. /usr/share/debconf/confmodule'], expect: [] },
  { name: 'computed command name', script: ['$CMD --flag'], expect: ['dynamic-code/low@1'] },
  {
    name: 'heredoc to sh',
    script: ['sh'],
    extra: { heredocs: [{ line: 1, delimiter: 'EOF', command: 'sh', body: 'echo hi\n' }] },
    expect: ['dynamic-code/medium@1'],
  },
  {
    name: 'heredoc to cat is data',
    script: ['cat > /etc/foo/foo.conf'],
    extra: { heredocs: [{ line: 1, delimiter: 'EOF', command: 'cat', body: 'a=b\n' }] },
    expect: [],
  },

  // debconf-prompt
  { name: 'db_input and db_go', script: ['db_input high foo/question || true', 'db_go'], expect: ['debconf-prompt/low@1', 'debconf-prompt/low@2'] },
  { name: 'whiptail', script: ['whiptail --yesno "Continue?" 8 40'], expect: ['debconf-prompt/high@1'] },
  { name: 'read -p', script: ['read -p "Continue? " answer'], expect: ['debconf-prompt/medium@1'] },
  { name: 'read from terminal', script: ['read answer < /dev/tty'], expect: ['debconf-prompt/medium@1'] },
  { name: 'plain read', script: ['read answer'], expect: ['debconf-prompt/low@1'] },
  { name: 'read in a pipe', script: ['cat /etc/foo/list | read x'], expect: [] },
  { name: 'read from file', script: ['read x < /etc/foo/list'], expect: [] },
  {
    name: 'while read loop',
    script: ['read -r line', ['echo "$line"', { guards: [{ kind: 'while', text: 'IFS= read -r line', negated: false }] }]],
    expect: [],
  },

  // nothing at all
  {
    name: 'typical debhelper postinst',
    script: [
      'set -e',
      'deb-systemd-helper unmask foo.service >/dev/null || true',
      'update-rc.d foo defaults >/dev/null',
      'adduser --system --group --no-create-home foo',
      'ldconfig',
      'update-alternatives --install /usr/bin/editor editor /usr/bin/foo 50',
    ],
    expect: [],
  },
];

t.test('risk table', async (t) => {
  for (const c of cases) {
    const risks = detectRisks(analysisOf(c.script, c.extra));
    t.same(
      risks.map((r) => `${r.kind}/${r.severity}@${r.line}`),
      c.expect,
      c.name,
    );
  }
});

t.test('every risk carries its command text and a message', async (t) => {
  const [risk] = detectRisks(analysisOf(['systemctl restart foo.service >/dev/null']));
  t.ok(risk);
  t.equal(risk!.command, 'systemctl restart foo.service >/dev/null');
  t.match(risk!.message, /systemctl restart/);
  const [computed] = detectRisks(analysisOf(['"$CMD" x']));
  t.equal(computed!.command, '<computed> x');
});

t.test('grouped writes name every path and whose it is', async (t) => {
  const [risk] = detectRisks(analysisOf(['rm -f /etc/pam.d/common-auth /etc/pam.d/common-account /tmp/x']));
  t.equal(
    risk!.message,
    'removes /etc/pam.d/common-auth, /etc/pam.d/common-account, /tmp/x, which belong to PAM configuration shared by all services; shared temporary space (predictable names invite symlink attacks)',
  );
});

t.test('pipeline risk shows the whole pipeline', async (t) => {
  const risks = detectRisks(analysisOf(['curl -fsSL https://get.example.org | sh -s -- --yes']));
  const exec = risks.find((r) => r.kind === 'download-exec');
  t.equal(exec?.command, 'curl -fsSL https://get.example.org | sh -s -- --yes');
});

t.test('sorted by line, then kind order, deterministic', async (t) => {
  const a = analysisOf(['systemctl restart a', 'wget https://x/y', ['killall foo', { line: 1 }]]);
  const risks = detectRisks(a);
  t.same(
    risks.map((r) => `${r.line}:${r.kind}`),
    ['1:service-control', '1:kill', '2:network'],
  );
  t.same(detectRisks(a), risks);
});

t.test('duplicates are reported once', async (t) => {
  const risks = detectRisks(analysisOf(['cat /etc/passwd /etc/passwd']));
  t.equal(risks.length, 1);
});

t.test('entry restricts to reachable functions', async (t) => {
  const a = analysisOf(
    [
      ['systemctl restart foo', { inFunction: 'post_upgrade' }],
      ['helper_fetch', { inFunction: 'post_install' }],
      ['wget https://x/y', { inFunction: 'helper_fetch' }],
      'killall foo',
    ],
    {
      functions: [
        { name: 'post_install', line: 1, calls: ['helper_fetch'] },
        { name: 'post_upgrade', line: 1, calls: [] },
        { name: 'helper_fetch', line: 3, calls: [] },
      ],
    },
  );
  t.same(
    detectRisks(a, { entry: 'post_install' }).map((r) => r.kind),
    ['network', 'kill'],
  );
  t.same(
    detectRisks(a, { entry: 'post_upgrade' }).map((r) => r.kind),
    ['service-control', 'kill'],
  );
  t.equal(detectRisks(a).length, 3);
});
