import { FormatError, type ErrorContext } from '../../errors.js';
import type { DebPhase, Package, Scriptlet } from '../types.js';
import { interpreterFromShebang } from './interpreter-from-shebang.js';
import { controlField, type ControlParagraph } from './parse-control-fields.js';
import { parseDepends, parseProvides } from './parse-depends.js';

/** Control-archive files that become scriptlets, in the order dpkg would first meet them. */
export const DEB_SCRIPT_PHASES: readonly DebPhase[] = ['preinst', 'config', 'postinst', 'triggers', 'prerm', 'postrm'];

export interface DebPackageInput {
  /** The package's control paragraph (from `control`, or its stanza in dpkg's `status`). */
  paragraph: ControlParagraph;
  /** Script, `triggers` and `templates` texts by control-file name. */
  files: ReadonlyMap<string, string>;
  /** Names in `files` whose text was not UTF-8 and was read one character per byte. */
  latin1Files?: ReadonlySet<string>;
  /** Paths of conffiles. */
  conffiles?: string[];
  /** Package.source. */
  source: string;
  /** Scriptlet.origin for a control-file name, e.g. `control.tar.xz:postinst`. */
  origin: (name: string) => string;
  /** For errors (the file and member holding the paragraph). */
  context: ErrorContext;
}

/** Splits `[epoch:]upstream[-revision]`; the revision is what follows the last hyphen. */
export function splitDebVersion(version: string): { epoch?: number; release?: string } {
  const out: { epoch?: number; release?: string } = {};
  const colon = version.indexOf(':');
  if (colon > 0 && /^[0-9]+$/.test(version.slice(0, colon))) out.epoch = Number(version.slice(0, colon));
  const hyphen = version.lastIndexOf('-');
  if (hyphen > colon + 1) out.release = version.slice(hyphen + 1);
  return out;
}

/** Paths from a control archive's `conffiles` (lines `[flag ]/path`, flags such as `remove-on-upgrade`). */
export function parseConffilesList(text: string): string[] {
  const paths: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const slash = line.indexOf('/');
    paths.push(slash > 0 ? line.slice(slash) : line);
  }
  return paths;
}

/** Builds the Package for one Debian control paragraph and its maintainer scripts. */
export function debPackageFromControl(input: DebPackageInput): Package {
  const { paragraph, context } = input;
  const required = (name: string): string => {
    const value = controlField(paragraph, name);
    if (value === undefined || value === '') {
      throw new FormatError('E_FORMAT_CORRUPT', `control paragraph has no ${name} field`, { ...context, line: paragraph.line });
    }
    return value;
  };
  const name = required('Package');
  const version = required('Version');
  const arch = required('Architecture');
  const relationContext = (field: string): ErrorContext => ({
    ...context,
    package: name,
    line: paragraph.fields.get(field.toLowerCase())?.line ?? paragraph.line,
  });
  const relations = (field: string) => parseDepends(controlField(paragraph, field) ?? '', field, relationContext(field));

  const scriptlets: Scriptlet[] = [];
  for (const phase of DEB_SCRIPT_PHASES) {
    const body = input.files.get(phase);
    if (body === undefined) continue;
    scriptlets.push({
      package: name,
      format: 'deb',
      phase,
      interpreter: phase === 'triggers' ? { kind: 'deb-triggers', argv: [] } : interpreterFromShebang(body),
      body,
      ...(input.latin1Files?.has(phase) ? { bodyEncoding: 'latin1' as const } : {}),
      origin: input.origin(phase),
    });
  }

  const pkg: Package = {
    format: 'deb',
    name,
    version,
    ...splitDebVersion(version),
    arch,
    depends: relations('Depends'),
    preDepends: relations('Pre-Depends'),
    provides: parseProvides(controlField(paragraph, 'Provides') ?? '', relationContext('Provides')),
    scriptlets,
    source: input.source,
  };
  const templates = input.files.get('templates');
  if (templates !== undefined) pkg.templates = templates;
  if (input.conffiles && input.conffiles.length > 0) pkg.conffiles = input.conffiles;
  return pkg;
}
