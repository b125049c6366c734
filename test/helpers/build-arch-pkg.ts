import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ArchCompression = 'zstd' | 'xz' | 'gzip' | 'none';

export interface ArchFixture {
  pkginfo: string;
  install?: string;
  /** Payload files by relative path. */
  payload?: Record<string, string>;
  compression?: ArchCompression;
  /** Put the payload before the metadata (makepkg never does). */
  payloadFirst?: boolean;
}

/** Builds an Arch package the way makepkg lays it out (dot-files first) with GNU tar and a compressor. */
export function buildArchPackage(dir: string, name: string, fixture: ArchFixture): string {
  const root = join(dir, `${name}-root`);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, '.PKGINFO'), fixture.pkginfo);
  const meta = ['.PKGINFO'];
  if (fixture.install !== undefined) {
    writeFileSync(join(root, '.INSTALL'), fixture.install);
    meta.push('.INSTALL');
  }
  const payload: string[] = [];
  for (const [file, text] of Object.entries(fixture.payload ?? {})) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
    payload.push(file);
  }
  const order = fixture.payloadFirst ? [...payload, ...meta] : [...meta, ...payload];
  const tar = execFileSync('tar', ['--format=gnu', '--owner=0', '--group=0', '--numeric-owner', '-C', root, '-cf', '-', ...order], {
    maxBuffer: 512 * 1024 * 1024,
  });
  const compression = fixture.compression ?? 'zstd';
  const ext = { zstd: '.zst', xz: '.xz', gzip: '.gz', none: '' }[compression];
  const out = join(dir, `${name}-1.0-1-x86_64.pkg.tar${ext}`);
  const bytes =
    compression === 'none'
      ? tar
      : execFileSync(compression, compression === 'zstd' ? ['-q', '-c', '-19'] : ['-c'], { input: tar, maxBuffer: 512 * 1024 * 1024 });
  writeFileSync(out, bytes);
  return out;
}
