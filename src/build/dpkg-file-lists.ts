/**
 * The files dpkg records for installed packages (`info/<pkg>.list`, `info/<pkg>:<arch>.list` for
 * Multi-Arch: same), the same lists supermin reads through `dpkg-query --listfiles`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from '../errors.js';

function listFile(admindir: string, name: string, arch: string): string | undefined {
  for (const candidate of [`${name}:${arch}.list`, `${name}.list`]) {
    const path = join(admindir, 'info', candidate);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function readList(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('/') && l !== '/.');
  } catch (e) {
    throw new IoError(`cannot read a dpkg file list: ${(e as Error).message}`, { file: path }, { cause: e });
  }
}

/** Paths listed by each package (a package without a list file, e.g. a metapackage, has none). */
export function dpkgFileLists(admindir: string, packages: ReadonlyArray<{ name: string; arch: string }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of packages) {
    const file = listFile(admindir, p.name, p.arch);
    out.set(p.name, file ? readList(file) : []);
  }
  return out;
}

/** Every listed path of every installed package -> the package names that list it (for hints). */
export function dpkgPathOwners(admindir: string): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const info = join(admindir, 'info');
  let names: string[];
  try {
    names = readdirSync(info).filter((n) => n.endsWith('.list')).sort();
  } catch (e) {
    throw new IoError(`cannot read the dpkg database: ${(e as Error).message}`, { file: info }, { cause: e });
  }
  for (const n of names) {
    const pkg = n.slice(0, -'.list'.length).split(':')[0] as string;
    for (const path of readList(join(info, n))) {
      const list = owners.get(path);
      if (list) {
        if (!list.includes(pkg)) list.push(pkg);
      } else owners.set(path, [pkg]);
    }
  }
  return owners;
}
