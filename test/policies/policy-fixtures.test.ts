import t from 'tap';
import { fileURLToPath } from 'node:url';
import { runPolicyFixtures } from '../../src/cli/run-policy-fixtures.js';
import { loadPolicy } from '../../src/policy/load-policy.js';

// The `policy test` fixture directories shipped next to the Fedora and Arch policies.
for (const name of ['fedora', 'arch']) {
  t.test(`policies/tests/${name}`, async (t) => {
    const loaded = loadPolicy(name);
    const dir = fileURLToPath(new URL(`../../policies/tests/${name}/`, import.meta.url));
    const results = await runPolicyFixtures(dir, () => loaded);
    t.ok(results.length >= 5, `${results.length} fixtures`);
    for (const r of results) t.ok(r.ok, `${r.name}${r.differences.length ? `: ${r.differences.join('; ')}` : ''}`);
  });
}
