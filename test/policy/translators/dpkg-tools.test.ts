import t from 'tap';
import { translateDpkgMaintscriptHelper } from '../../../src/policy/translators/dpkg-maintscript-helper.js';
import { translateDpkgStatoverride } from '../../../src/policy/translators/dpkg-statoverride.js';
import { translateUpdateAlternatives } from '../../../src/policy/translators/update-alternatives.js';
import { translatorTable as table } from '../../helpers/translator-table.js';

t.test('update-alternatives', async (t) => {
  table(t, translateUpdateAlternatives, [
    {
      // gawk postinst (continuation lines joined)
      line: 'update-alternatives --quiet --install /usr/bin/awk awk /usr/bin/gawk 10 --slave /usr/share/man/man1/awk.1.gz awk.1.gz /usr/share/man/man1/gawk.1.gz --slave /usr/bin/nawk nawk /usr/bin/gawk',
      want: [{
        kind: 'alternative', name: 'awk', link: '/usr/bin/awk', path: '/usr/bin/gawk', priority: 10,
        slaves: [
          { name: 'awk.1.gz', link: '/usr/share/man/man1/awk.1.gz', path: '/usr/share/man/man1/gawk.1.gz' },
          { name: 'nawk', link: '/usr/bin/nawk', path: '/usr/bin/gawk' },
        ],
      }],
    },
    { line: 'update-alternatives --install /etc/mysql/my.cnf my.cnf "/etc/mysql/mariadb.cnf" 500', want: [
      { kind: 'alternative', name: 'my.cnf', link: '/etc/mysql/my.cnf', path: '/etc/mysql/mariadb.cnf', priority: 500, slaves: [] },
    ] },
    { line: 'update-alternatives --force --install /usr/bin/x x /usr/bin/x1 -5', want: [
      { kind: 'alternative', name: 'x', link: '/usr/bin/x', path: '/usr/bin/x1', priority: -5, slaves: [] },
    ] },
    { line: 'update-alternatives --query editor', want: [] },
    { line: 'update-alternatives --remove rcp /usr/bin/scp', want: /--remove changes existing choices/ },
    { line: 'update-alternatives --set editor /usr/bin/vim.basic', want: /--set changes existing choices/ },
    { line: 'update-alternatives --remove-all apt', want: /--remove-all changes/ },
    { line: 'update-alternatives --install /usr/bin/mpicc mpi /usr/bin/mpicc.serial "$prio"', want: /priority "\$prio" is not literal/ },
    { line: 'update-alternatives --install /usr/bin/x x /usr/bin/y 1.5', want: /must be an integer/ },
    { line: 'update-alternatives --install /usr/bin/x x /usr/bin/y', want: /missing priority/ },
    { line: 'update-alternatives --slave /a a /b', want: /--slave only allowed with --install/ },
    { line: 'update-alternatives --install /usr/bin/x x /usr/bin/y 1 --slave /usr/bin/x x /z', want: /both primary and slave/ },
    { line: 'update-alternatives --install x x /usr/bin/y 1', want: /link x is relative/ },
    { line: 'update-alternatives --install /a a /b 1 --install /c c /d 2', want: /two actions/ },
    { line: 'update-alternatives --altdir /tmp --install /a a /b 1', want: /--altdir uses another/ },
    { line: 'update-alternatives -q --install /a a /b 1', want: /unknown argument -q/ },
  ]);
});

t.test('dpkg-statoverride', async (t) => {
  table(t, translateDpkgStatoverride, [
    // php-common postinst
    { line: 'dpkg-statoverride --update --quiet --add root root 01733 /var/lib/php/sessions', want: [
      { kind: 'path-attr', path: '/var/lib/php/sessions', owner: 'root', group: 'root', mode: 0o1733, statoverride: true },
    ] },
    // cron postinst
    { line: 'dpkg-statoverride --add --update root crontab 2755 /usr/bin/crontab', want: [
      { kind: 'path-attr', path: '/usr/bin/crontab', owner: 'root', group: 'crontab', mode: 0o2755, statoverride: true },
    ] },
    { line: 'dpkg-statoverride --list /usr/bin/ssh-agent', want: [] },
    { line: 'dpkg-statoverride --list "$logdir"', want: [] },
    { line: 'dpkg-statoverride --update --add ${USER} ${GROUP} 640 ${CONFFILE}', want: /not literal/ },
    { line: 'dpkg-statoverride --add root root 8755 /x', want: /not octal/ },
    { line: 'dpkg-statoverride --add "#0" root 755 /x', want: /numeric id/ },
    { line: 'dpkg-statoverride --add root root 755', want: /needs USER GROUP MODE PATH/ },
    { line: 'dpkg-statoverride --remove /x', want: /--remove drops/ },
    { line: 'dpkg-statoverride --upd --add root root 755 /x', want: /unknown option --upd/ },
    // dpkg stops reading options at the first operand
    { line: 'dpkg-statoverride --add root root 755 /x --update', want: /needs USER GROUP MODE PATH/ },
  ]);
});

t.test('dpkg-maintscript-helper', async (t) => {
  table(t, translateDpkgMaintscriptHelper, [
    { line: 'dpkg-maintscript-helper rm_conffile /etc/ssh/moduli 1:7.9p1-8\\~ -- "$@"', want: [
      { kind: 'conffile-op', op: 'rm_conffile', args: ['/etc/ssh/moduli', '1:7.9p1-8~'] },
    ] },
    { line: 'dpkg-maintscript-helper symlink_to_dir /usr/share/doc/perl-base perl 5.30.0-1 perl-base -- "$@"', want: [
      { kind: 'conffile-op', op: 'symlink_to_dir', args: ['/usr/share/doc/perl-base', 'perl', '5.30.0-1', 'perl-base'] },
    ] },
    { line: 'dpkg-maintscript-helper rm_conffile /etc/logrotate.d/dirmngr -- "$@"', want: [
      { kind: 'conffile-op', op: 'rm_conffile', args: ['/etc/logrotate.d/dirmngr'] },
    ] },
    { line: 'dpkg-maintscript-helper mv_conffile /etc/a /etc/b 1.0 -- "$@"', want: [
      { kind: 'conffile-op', op: 'mv_conffile', args: ['/etc/a', '/etc/b', '1.0'] },
    ] },
    { line: 'dpkg-maintscript-helper supports rm_conffile', want: [] },
    { line: 'dpkg-maintscript-helper rm_conffile /etc/a', want: /missing --/ },
    { line: 'dpkg-maintscript-helper rm_conffile etc/a -- "$@"', want: /not an absolute path/ },
    { line: 'dpkg-maintscript-helper rm_conffile /etc/a "$V" -- "$@"', want: /not literal/ },
    { line: 'dpkg-maintscript-helper mv_conffile /etc/a -- "$@"', want: /takes 2 to 4/ },
    { line: 'dpkg-maintscript-helper frobnicate /etc/a -- "$@"', want: /unknown command frobnicate/ },
  ]);
});
