/**
 * The dpkg database as it stands when dpkg runs a fresh install's postinst: the package is
 * "install ok unpacked" in status, and its control members sit in /var/lib/dpkg/info as
 * PKG.postinst, PKG.templates, PKG.config… (PKG:ARCH for Multi-Arch: same). debconf's frontend
 * looks for the templates and the config script next to the postinst it re-executes, so this
 * layout is what makes template defaults and `config` work.
 */

export interface ControlFields {
  package: string;
  architecture: string;
  multiArchSame: boolean;
}

/** Fields of the first stanza of a control file (continuation lines folded). */
export function controlFields(control: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of control.split('\n')) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (last) out.set(last, `${out.get(last)}\n${line}`);
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (m) {
      last = m[1]!.toLowerCase();
      out.set(last, m[2]!);
    }
  }
  return out;
}

/** dpkg's name for a package's info files. */
export function infoName(control: string): string {
  const f = controlFields(control);
  const name = f.get('package') ?? '';
  return f.get('multi-arch') === 'same' ? `${name}:${f.get('architecture') ?? ''}` : name;
}

function stanzaKey(stanza: string): string {
  const f = controlFields(stanza);
  return `${f.get('package') ?? ''}:${f.get('multi-arch') === 'same' ? (f.get('architecture') ?? '') : ''}`;
}

/** The control stanza with `Status: install ok unpacked` after its Package field. */
export function unpackedStanza(control: string): string {
  const lines = control.replace(/\n+$/, '').split('\n').filter((l) => !/^Status:/i.test(l));
  const at = lines.findIndex((l) => /^Package:/i.test(l));
  lines.splice(at + 1, 0, 'Status: install ok unpacked');
  return `${lines.join('\n')}\n`;
}

/** `status` with the package's stanza replaced (or appended) by its unpacked stanza. */
export function registerUnpacked(status: string, control: string): string {
  const key = stanzaKey(control);
  const stanzas = status.split(/\n\n+/).map((s) => s.replace(/^\n+|\n+$/g, '')).filter((s) => s !== '');
  const kept = stanzas.filter((s) => stanzaKey(s) !== key);
  kept.push(unpackedStanza(control).replace(/\n$/, ''));
  return `${kept.join('\n\n')}\n`;
}

/** The `.list` file: every path the package ships, as dpkg records it (`/.` first). */
export function fileList(paths: readonly string[]): string {
  const norm = paths
    .map((p) => p.replace(/^\.\/?/, '/').replace(/\/$/, ''))
    .map((p) => (p === '' ? '/.' : p));
  return `${[...new Set(norm)].join('\n')}\n`;
}
