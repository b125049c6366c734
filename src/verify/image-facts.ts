/**
 * What the unpacked image says some tools will write, for attributing differences to the
 * deferred scripts that run those tools: the paths tmpfiles.d entries name, the accounts
 * sysusers.d declares, the accounts in base-passwd's masters, and units' aliases and Also=.
 */
import { type ImageView, readText } from '../apply/image-view.js';
import type { ImageFacts, TmpfilesEntry } from './explain-difference.js';

const TMPFILES_DIRS = ['/etc/tmpfiles.d', '/usr/local/lib/tmpfiles.d', '/usr/lib/tmpfiles.d', '/lib/tmpfiles.d'];
const SYSUSERS_DIRS = ['/etc/sysusers.d', '/usr/local/lib/sysusers.d', '/usr/lib/sysusers.d', '/lib/sysusers.d'];

const UNIT_DIRS = ['/etc/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

function configFiles(view: ImageView, dirs: readonly string[]): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const dir of dirs) {
    for (const name of view.list(dir)) {
      // The first directory in the search order wins for a name, as for systemd.
      if (!name.endsWith('.conf') || out.has(name)) continue;
      const lines: string[][] = [];
      for (const line of (readText(view, `${dir}/${name}`) ?? '').split('\n')) {
        const t = line.trim();
        if (t === '' || t.startsWith('#')) continue;
        lines.push(t.split(/\s+/));
      }
      out.set(name, lines);
    }
  }
  return out;
}

function installSection(text: string): { alias: string[]; also: string[] } {
  const alias: string[] = [];
  const also: string[] = [];
  let inInstall = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inInstall = line === '[Install]';
    else if (inInstall) {
      const m = /^(Alias|Also)\s*=\s*(.*)$/.exec(line);
      if (m) (m[1] === 'Alias' ? alias : also).push(...m[2]!.split(/\s+/).filter(Boolean));
    }
  }
  return { alias, also };
}

export function readImageFacts(view: ImageView): ImageFacts {
  const tmpfiles = new Map<string, TmpfilesEntry[]>();
  for (const [name, lines] of configFiles(view, TMPFILES_DIRS)) {
    const entries: TmpfilesEntry[] = [];
    for (const f of lines) {
      const raw = f[1];
      if (!raw?.startsWith('/')) continue;
      // A specifier (%h, %m…) stands for something only known at run time: keep the part before it.
      const cut = raw.includes('%') ? raw.slice(0, raw.indexOf('%')) : raw;
      const path = cut.length > 1 ? cut.replace(/\/+$/, '') : cut;
      if (path.split('/').filter(Boolean).length < 2) continue;
      entries.push({ path, recursive: /^[CZzXx]/.test(f[0] ?? '') });
    }
    tmpfiles.set(name, entries);
  }
  const sysusers = new Map<string, string[]>();
  for (const [name, lines] of configFiles(view, SYSUSERS_DIRS)) {
    const names = new Set<string>();
    for (const f of lines) {
      if ((f[0] === 'u' || f[0] === 'g' || f[0] === 'u!') && f[1]) names.add(f[1]);
      if (f[0] === 'm' && f[2]) names.add(f[2]);
    }
    sysusers.set(name, [...names].sort());
  }
  const base = new Set<string>();
  for (const f of ['/usr/share/base-passwd/passwd.master', '/usr/share/base-passwd/group.master']) {
    for (const line of (readText(view, f) ?? '').split('\n')) {
      const name = line.split(':')[0];
      if (name) base.add(name);
    }
  }
  const units = new Map<string, { alias: string[]; also: string[] }>();
  for (const dir of UNIT_DIRS) {
    for (const name of view.list(dir)) {
      if (units.has(name) || view.lstat(`${dir}/${name}`)?.type !== 'file') continue;
      const text = readText(view, `${dir}/${name}`);
      if (text?.includes('[Install]')) units.set(name, installSection(text));
    }
  }
  return { tmpfiles, sysusers, basePasswdNames: [...base].sort(), units };
}
