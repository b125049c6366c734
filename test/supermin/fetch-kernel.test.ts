import t from 'tap';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchKernel } from '../../src/supermin/fetch-kernel.js';

// The download path itself runs in run-supermin.test.ts and nonroot-build.test.ts (real APT).
t.test('a cached kernel is used without asking APT; abandoned fetches are swept', async (t) => {
  const record = (packageVersion: string, trimmed: boolean) =>
    `${JSON.stringify({ flavour: 'amd64', package: 'linux-image-6.1.0-9-amd64', packageVersion, version: '6.1.0-9-amd64', trimmed })}\n`;
  const dir = t.testdir({
    'linux-image-6.1.0-9-amd64_6.1.1-1-boot': { 'kernel.json': record('6.1.1-1', true) },
    'linux-image-6.1.0-9-amd64_6.1.2-1-boot': { 'kernel.json': record('6.1.2-1', true) },
    'linux-image-6.1.0-9-amd64_6.1.3-1-full': { 'kernel.json': record('6.1.3-1', false) },
    'linux-image-6.1.0-9-arm64_6.1.4-1-boot': { 'kernel.json': record('6.1.4-1', true).replace('amd64', 'arm64') },
    'broken-entry': { 'kernel.json': '{' },
    '.fetch-old123': { 'partial.deb': 'x' },
    '.fetch-new456': { 'partial.deb': 'x' },
  });
  const old = new Date(Date.now() - 3600 * 1000);
  utimesSync(join(dir, 'linux-image-6.1.0-9-amd64_6.1.1-1-boot', 'kernel.json'), old, old);
  const ancient = new Date(Date.now() - 24 * 3600 * 1000);
  utimesSync(join(dir, '.fetch-old123'), ancient, ancient);

  writeFileSync(join(dir, 'unrelated-file'), 'a plain file in the cache is ignored');
  const k = await fetchKernel({ cacheDir: dir, flavour: 'amd64' });
  t.match(k, {
    packageVersion: '6.1.2-1',
    trimmed: true,
    version: '6.1.0-9-amd64',
    kernel: join(dir, 'linux-image-6.1.0-9-amd64_6.1.2-1-boot', 'boot', 'vmlinuz-6.1.0-9-amd64'),
    modules: join(dir, 'linux-image-6.1.0-9-amd64_6.1.2-1-boot', 'lib', 'modules', '6.1.0-9-amd64'),
  });
  t.match(await fetchKernel({ cacheDir: dir, flavour: 'amd64', trim: false }), { packageVersion: '6.1.3-1', trimmed: false });
  t.equal(existsSync(join(dir, '.fetch-old123')), false, 'a day-old work directory is removed');
  t.equal(existsSync(join(dir, '.fetch-new456')), true, 'a recent one may belong to a running fetch');
});
