import t from 'tap';
import { firstBootArgv, INIT_PATH } from '../../src/verify/first-boot-tree.js';

t.test('mmdebstrap unpacks the same debs, lays the overlay on and runs the agent chrooted with only PATH', async (t) => {
  const argv = firstBootArgv({ suite: 'bookworm', mirrors: ['http://m/debian'], overlay: '/w/overlay.tar', output: '/w/first-boot.tar' }, ['/c/debs/a.deb', '/c/debs/b.deb']);
  t.same(argv.slice(0, 4), ['--variant=extract', '--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr', '--include=/c/debs/a.deb', '--include=/c/debs/b.deb']);
  t.equal(argv[4], '--extract-hook=tar-in /w/overlay.tar /');
  t.match(argv[5], new RegExp(`^--extract-hook=env -i PATH=${INIT_PATH} SCRIPTLET_CONSOLE=/dev/stderr chroot "\\$1" /usr/lib/scriptlet/agent run \\|\\| `));
  t.same(argv.slice(6), ['bookworm', '/w/first-boot.tar', 'http://m/debian']);
});

t.test('a path the hook parser would split is refused', async (t) => {
  t.throws(() => firstBootArgv({ suite: 'bookworm', mirrors: [], overlay: '/w w/overlay.tar', output: '/w/o.tar' }, []), { code: 'E_USAGE' });
});
