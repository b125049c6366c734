/**
 * What the unpacked image says some tools will write, for attributing differences to the
 * deferred scripts that run those tools: the paths tmpfiles.d entries name, the accounts
 * sysusers.d declares, and the accounts in base-passwd's masters.
 */
import { type ImageView, readText } from '../apply/image-view.js';
import type { ImageFacts } from './explain-difference.js';

const TMPFILES_DIRS = ['/etc/tmpfiles.d', '/usr/local/lib/tmpfiles.d', '/usr/lib/tmpfiles.d', '/lib/tmpfiles.d'];
const SYSUSERS_DIRS = ['/etc/sysusers.d', '/usr/local/lib/sysusers.d', '/usr/lib/sysusers.d', '/lib/sysusers.d'];

function configLines(view: ImageView, dirs: readonly string[]): string[][] {
  const out: string[][] = [];
  for (const dir of dirs) {
    for (const name of view.list(dir)) {
      if (!name.endsWith('.conf')) continue;
      for (const line of (readText(view, `${dir}/${name}`) ?? '').split('\n')) {
        const t = line.trim();
        if (t === '' || t.startsWith('#')) continue;
        out.push(t.split(/\s+/));
      }
    }
  }
  return out;
}

export function readImageFacts(view: ImageView): ImageFacts {
  const tmpfiles = new Set<string>();
  for (const f of configLines(view, TMPFILES_DIRS)) {
    const raw = f[1];
    if (!raw?.startsWith('/')) continue;
    // A specifier (%h, %m…) stands for something only known at run time: keep the part before it.
    const cut = raw.includes('%') ? raw.slice(0, raw.indexOf('%')) : raw;
    const path = cut.length > 1 ? cut.replace(/\/+$/, '') : cut;
    if (path.split('/').filter(Boolean).length >= 2) tmpfiles.add(path);
  }
  const sysusers = new Set<string>();
  for (const f of configLines(view, SYSUSERS_DIRS)) {
    if ((f[0] === 'u' || f[0] === 'g' || f[0] === 'u!') && f[1]) sysusers.add(f[1]);
    if (f[0] === 'm' && f[2]) sysusers.add(f[2]);
  }
  const base = new Set<string>();
  for (const f of ['/usr/share/base-passwd/passwd.master', '/usr/share/base-passwd/group.master']) {
    for (const line of (readText(view, f) ?? '').split('\n')) {
      const name = line.split(':')[0];
      if (name) base.add(name);
    }
  }
  return { tmpfilesPaths: [...tmpfiles].sort(), sysusersNames: [...sysusers].sort(), basePasswdNames: [...base].sort() };
}
