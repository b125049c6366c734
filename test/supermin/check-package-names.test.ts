import t from 'tap';
import { ScriptletError, ToolError, UsageError } from '../../src/errors.js';
import { checkPackageNames, hostPackageManager } from '../../src/supermin/check-package-names.js';
import { probeSupermin } from '../../src/supermin/probe-supermin.js';

t.test('installed packages pass on this dpkg host', async (t) => {
  t.equal(hostPackageManager(), 'dpkg');
  await checkPackageNames(['bash', 'coreutils', 'dash', 'mount', 'tzdata']);
  await checkPackageNames([]);
});

t.test('unknown and not-installed names fail, all of them named', async (t) => {
  await t.rejects(checkPackageNames(['bash', 'no-such-package-xyz', 'another-missing-one']), {
    constructor: ScriptletError,
    code: 'E_BUILD',
    message: '2 packages are not installed on this host: another-missing-one, no-such-package-xyz',
    context: { package: 'another-missing-one', hint: /supermin copies packages from the host \(dpkg\)/ },
  });
  await t.rejects(checkPackageNames(['no-such-package-xyz']), { message: 'package is not installed on this host: no-such-package-xyz' });
  await t.rejects(checkPackageNames(['bash*']), UsageError, 'globs are refused before dpkg-query sees them');
});

t.test('package manager detection', async (t) => {
  const only = (...present: string[]) => (p: string) => present.includes(p);
  t.equal(hostPackageManager(only('/etc/debian_version', '/usr/bin/rpm')), 'dpkg', 'rpm on Debian does not win');
  t.equal(hostPackageManager(only('/etc/arch-release')), 'pacman');
  t.equal(hostPackageManager(only('/usr/bin/rpm')), 'rpm');
  t.equal(hostPackageManager(only()), undefined);
});

t.test('probing supermin', async (t) => {
  const found = await probeSupermin();
  t.match(found, { binary: 'supermin', version: { major: 5 }, versionText: /^supermin 5\./ });
  await t.rejects(probeSupermin({ binary: '/nonexistent/supermin' }), { constructor: ToolError, code: 'E_TOOL_MISSING', context: { hint: /apt-get install supermin/ } });
  await t.rejects(probeSupermin({ binary: 'true' }), { constructor: ToolError, code: 'E_TOOL_FAILED', message: /did not report a supermin version/ });
});
