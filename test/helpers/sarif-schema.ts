/**
 * The official OASIS SARIF 2.1.0 JSON Schema (draft-07), fetched at test time from an npm package
 * that ships it verbatim (@datadog/datadog-ci 2.48.0, dist/commands/sarif/json-schema/) and kept in
 * the shared cache. Its SHA-256 is pinned, so a different file is never validated against.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './cache-dir.js';

const run = promisify(execFile);

const npmSpec = '@datadog/datadog-ci@2.48.0';
const tarball = 'datadog-datadog-ci-2.48.0.tgz';
const member = 'package/dist/commands/sarif/json-schema/sarif-schema-2.1.0.json';
const sha256 = '10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454';

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export async function sarifSchema(): Promise<Record<string, unknown>> {
  const dir = cacheDir('schemas');
  const file = join(dir, 'sarif-schema-2.1.0.json');
  if (!existsSync(file) || digest(file) !== sha256) {
    const work = mkdtempSync(join(dir, 'sarif-'));
    try {
      // flock serialises parallel test processes; each extracts into its own directory.
      await run('flock', [join(dir, '.sarif.lock'), 'npm', 'pack', npmSpec, '--silent', '--pack-destination', work], {
        cwd: work,
        timeout: 300_000,
      });
      await run('tar', ['-xzf', join(work, tarball), '-C', work, member], { timeout: 60_000 });
      const extracted = join(work, member);
      const got = digest(extracted);
      if (got !== sha256) throw new Error(`SARIF schema from ${npmSpec} has sha256 ${got}, expected ${sha256}`);
      renameSync(extracted, file);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}
