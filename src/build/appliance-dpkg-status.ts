/**
 * A dpkg status file for the appliance: the host's stanzas of exactly the packages supermin puts in
 * the image. supermin copies package files but not dpkg's database, and deferred Debian scripts
 * ask it (ucf, deb-systemd-helper, dpkg --compare-versions against installed versions…), so without
 * it they fail at first boot with "package is not installed". Pure: text in, text out.
 * The packages' `info/` files go in as well (see dpkgInfoFiles): `dpkg-query --control-path`
 * (ucf loading its debconf templates, for one) reads them.
 */
export function applianceDpkgStatus(hostStatus: string, packages: ReadonlyArray<{ name: string; arch: string }>): string {
  const wanted = new Set(packages.map((p) => `${p.name}\0${p.arch}`));
  const kept: string[] = [];
  for (const stanza of hostStatus.split(/\n\s*\n/)) {
    const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
    const arch = /^Architecture:\s*(\S+)/m.exec(stanza)?.[1];
    if (name && arch && wanted.has(`${name}\0${arch}`)) kept.push(stanza.trim());
  }
  return kept.length > 0 ? `${kept.join('\n\n')}\n\n` : '';
}

/** The names in dpkg's info/ directory that belong to these packages (`pkg.x`, `pkg:arch.x`). */
export function dpkgInfoFiles(names: readonly string[], packages: ReadonlyArray<{ name: string; arch: string }>): string[] {
  const prefixes = packages.flatMap((p) => [`${p.name}.`, `${p.name}:${p.arch}.`]);
  return names.filter((n) => prefixes.some((pre) => n.startsWith(pre) && /^[a-z0-9_-]+$/.test(n.slice(pre.length)))).sort();
}
