import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type DebCompression = 'gzip' | 'xz' | 'zstd' | 'none';

export interface DebFixture {
  /** The DEBIAN/control text. */
  control: string;
  /** Other DEBIAN/ files (postinst, triggers, templates, conffiles…); scripts are made executable. Bytes are written as given. */
  files?: Record<string, string | Uint8Array>;
  /** Files of the package's payload, by path relative to the root. */
  payload?: Record<string, string>;
  compression?: DebCompression;
}

const executable = new Set(['preinst', 'postinst', 'prerm', 'postrm', 'config']);

/** Builds a real .deb with dpkg-deb in `dir` and returns its path. */
export function buildDeb(dir: string, name: string, fixture: DebFixture): string {
  const root = join(dir, `${name}-root`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  writeFileSync(join(root, 'DEBIAN', 'control'), fixture.control);
  for (const [file, text] of Object.entries(fixture.files ?? {})) {
    const path = join(root, 'DEBIAN', file);
    writeFileSync(path, text);
    chmodSync(path, executable.has(file) ? 0o755 : 0o644);
  }
  for (const [file, text] of Object.entries(fixture.payload ?? {})) {
    const path = join(root, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  const out = join(dir, `${name}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', `-Z${fixture.compression ?? 'xz'}`, '--build', root, out], { stdio: 'pipe' });
  return out;
}
