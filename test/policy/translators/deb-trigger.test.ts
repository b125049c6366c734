import t from 'tap';
import { translateDebTrigger } from '../../../src/policy/translators/deb-trigger.js';
import { translatorTable as table } from '../../helpers/translator-table.js';

t.test('deb-trigger: activations of cache-refresh triggers', async (t) => {
  table(t, translateDebTrigger, [
    // libc6, libssl3 and most shared-library packages (dh_makeshlibs writes it)
    { line: 'activate-noawait ldconfig', want: [{ kind: 'cache', cache: 'ldconfig' }] },
    { line: 'activate ldconfig', want: [{ kind: 'cache', cache: 'ldconfig' }] },
    { line: 'activate-await ldconfig', want: [{ kind: 'cache', cache: 'ldconfig' }] },
    // kernel-module and firmware packages
    { line: 'activate-noawait update-initramfs', want: [{ kind: 'cache', cache: 'initramfs' }] },
    { line: 'activate google-cloud-cli-postprocess', want: /trigger google-cloud-cli-postprocess is not a cache refresh/ },
    { line: 'activate-noawait /usr/share/man', want: /is not a cache refresh/ },
    { line: 'interest-noawait ldconfig', want: /does not translate interest-noawait/ },
    { line: 'activate-noawait', want: /exactly one trigger name/ },
    { line: 'activate-noawait ldconfig extra', want: /exactly one trigger name/ },
  ]);
});

t.test('deb-trigger: a name inherited from Object is not a cache', async (t) => {
  table(t, translateDebTrigger, [{ line: 'activate-noawait constructor', want: /not a cache refresh/ }]);
});
