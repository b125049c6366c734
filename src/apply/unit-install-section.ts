/**
 * The [Install] section of a systemd unit file, read as systemd's config parser reads it: section
 * and key names are case-sensitive, `#` and `;` start comments, a trailing backslash continues the
 * line, list values split on whitespace (quotes removed), and an empty assignment clears the list.
 */

export interface InstallSection {
  wantedBy: string[];
  requiredBy: string[];
  upheldBy: string[];
  alias: string[];
  also: string[];
  defaultInstance?: string;
}

const listKeys = {
  WantedBy: 'wantedBy',
  RequiredBy: 'requiredBy',
  UpheldBy: 'upheldBy',
  Alias: 'alias',
  Also: 'also',
} as const;

function words(value: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out.filter((w) => w !== '');
}

/** Undefined when the unit has no [Install] section at all. */
export function parseInstallSection(text: string): InstallSection | undefined {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = pending === '' ? raw.trimStart() : raw;
    if (pending === '' && (line.startsWith('#') || line.startsWith(';'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  if (pending !== '') logical.push(pending);

  let inInstall = false;
  let seen = false;
  const out: InstallSection = { wantedBy: [], requiredBy: [], upheldBy: [], alias: [], also: [] };
  for (const line of logical) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const section = /^\[([^\]]+)\]$/.exec(trimmed);
    if (section) {
      inInstall = section[1] === 'Install';
      seen ||= inInstall;
      continue;
    }
    if (!inInstall) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) continue;
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (key === 'DefaultInstance') {
      if (value === '') delete out.defaultInstance;
      else out.defaultInstance = value;
      continue;
    }
    const field = (listKeys as Record<string, (typeof listKeys)[keyof typeof listKeys]>)[key];
    if (field === undefined) continue;
    if (value === '') out[field] = [];
    else out[field].push(...words(value));
  }
  return seen ? out : undefined;
}
