import { FormatError } from '../../errors.js';
import type { Dependency, DependencyGroup, Package } from '../types.js';
import { dependencyEntries, toDependency } from './rpm-dependencies.js';
import type { RpmHeader } from './rpm-header.js';
import { slotScriptlets } from './rpm-scriptlets.js';
import { sysusersScriptlet } from './rpm-sysusers.js';
import { RpmSense, RpmTag } from './rpm-tags.js';
import { triggerScriptlets } from './rpm-triggers.js';

/** Requires that must hold before %pre/%pretrans run: the closest RPM has to a pre-dependency. */
const PRE_SENSES = RpmSense.PREREQ | RpmSense.SCRIPT_PRE | RpmSense.PRETRANS;

/**
 * A Package from a main header (from a package file or the installed database). rpmlib(...)
 * requires name rpm features, not packages, and are left out.
 */
export function packageFromHeader(header: RpmHeader, source: string): Package {
  const name = header.string(RpmTag.NAME);
  const version = header.string(RpmTag.VERSION);
  const release = header.string(RpmTag.RELEASE);
  // rpmbuild never writes an empty NAME or VERSION; a package without a name cannot be planned.
  if (!name || !version || release === undefined) {
    throw new FormatError('E_FORMAT_CORRUPT', 'header lacks NAME, VERSION or RELEASE (or one is empty)', {
      file: header.file,
      offset: header.start,
    });
  }
  const epoch = header.number(RpmTag.EPOCH);
  // rpmbuild always writes ARCH; only a hand-made header lacks it.
  const arch = header.string(RpmTag.ARCH) ?? '';

  const requires = dependencyEntries(header, RpmTag.REQUIRENAME, RpmTag.REQUIREFLAGS, RpmTag.REQUIREVERSION).filter(
    (r) => (r.flags & RpmSense.RPMLIB) === 0,
  );
  const providesRaw = dependencyEntries(header, RpmTag.PROVIDENAME, RpmTag.PROVIDEFLAGS, RpmTag.PROVIDEVERSION);
  // rpm stores one entry per (name, flags) pair, so `/bin/sh` recurs once per scriptlet needing it;
  // each dependency is listed once, in preDepends when any of its entries is needed before %pre.
  const pre = new Map<string, Dependency>();
  const plain = new Map<string, Dependency>();
  for (const r of requires) {
    const dep = toDependency(r);
    const key = dependencyKey(dep);
    if ((r.flags & PRE_SENSES) !== 0) pre.set(key, dep);
    else plain.set(key, dep);
  }
  const preDepends: DependencyGroup[] = [...pre.values()].map((d) => [d]);
  const depends: DependencyGroup[] = [...plain].filter(([key]) => !pre.has(key)).map(([, d]) => [d]);
  const provides: Dependency[] = providesRaw.map(toDependency);

  const slots = slotScriptlets(header, name);
  const sysusers = sysusersScriptlet(header, providesRaw, name);
  // sysusers runs in rpm's PSM pre stage, just before %pre and after %pretrans.
  const pretrans = slots.filter((s) => s.phase === 'pretrans');
  const rest = slots.filter((s) => s.phase !== 'pretrans');
  const scriptlets = [...pretrans, ...(sysusers ? [sysusers] : []), ...rest, ...triggerScriptlets(header, name)];

  return {
    format: 'rpm',
    name,
    version: `${epoch !== undefined ? `${epoch}:` : ''}${version}-${release}`,
    ...(epoch !== undefined ? { epoch } : {}),
    release,
    arch,
    depends,
    preDepends,
    provides,
    scriptlets,
    source,
  };
}

function dependencyKey(d: Dependency): string {
  return `${d.name}\0${d.op ?? ''}\0${d.version ?? ''}`;
}
