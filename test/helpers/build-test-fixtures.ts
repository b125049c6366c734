/**
 * Fixture packages for appliance builds. supermin builds appliances from the host's INSTALLED
 * packages only (its dpkg handler asks dpkg-query), so the fixtures are built with dpkg-deb and
 * installed on the host with dpkg -i (root only), once per version: their postinsts are harmless
 * there (a system user, a file under /var/lib, a short sleep).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeb } from './build-deb.js';

const VERSION = '1.0';

const control = (name: string): string =>
  `Package: ${name}\nVersion: ${VERSION}\nArchitecture: all\nMaintainer: scriptlet tests <tests@example.invalid>\nDescription: scriptlet build test fixture\n`;

export const FIXTURES: Record<string, string> = {
  // Translated: a system user through adduser.
  'scriptlet-test-user':
    '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then\n\tadduser --system --group --no-create-home --home /nonexistent --shell /usr/sbin/nologin sltestd\nfi\n',
  // Deferred (by the test policy): records each run, then takes a while, so a boot can be cut in the middle.
  'scriptlet-test-slow':
    '#!/bin/sh\nset -e\nmkdir -p /var/lib/scriptlet-test\necho "run $1" >> /var/lib/scriptlet-test/runs\nsleep 20\necho finished > /var/lib/scriptlet-test/finished\n',
  'scriptlet-test-quick': '#!/bin/sh\nset -e\necho "$1" > /var/lib/scriptlet-test-quick\n',
  // Deferred, with an interpreter nothing in a small appliance provides.
  'scriptlet-test-bash': '#!/bin/bash\necho "$1" > /var/lib/scriptlet-test-bash\n',
};

/** The installed version of a host package, when dpkg has it fully installed. */
export function installedVersion(name: string): string | undefined {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Version} ${db:Status-Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [version, status] = out.split(' ');
    return status === 'installed' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Installs the fixtures that are missing; returns a reason when it cannot (not root). */
export function installBuildFixtures(): string | undefined {
  const missing = Object.keys(FIXTURES).filter((n) => installedVersion(n) !== VERSION);
  if (missing.length === 0) return undefined;
  if (process.getuid?.() !== 0) return 'installing fixture packages on the host needs root';
  const dir = mkdtempSync(join(tmpdir(), 'scriptlet-fixtures-'));
  try {
    const debs = missing.map((name) => buildDeb(dir, name, { control: control(name), files: { postinst: FIXTURES[name] as string } }));
    execFileSync('flock', ['/tmp/apt.lock', 'dpkg', '-i', ...debs], { stdio: 'ignore', timeout: 300_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return undefined;
}
