import { FormatError } from '../../errors.js';
import { decompress, DEFAULT_DECOMPRESS_LIMIT } from '../archive/decompress.js';
import { isAr, readAr, type ArMember } from '../archive/read-ar.js';
import { readTar } from '../archive/read-tar.js';
import type { Package, PackageReader } from '../types.js';
import { debPackageFromControl, DEB_SCRIPT_PHASES, parseConffilesList } from './deb-package.js';
import { parseControlParagraphs } from './parse-control-fields.js';

export interface DebReaderOptions {
  /** Cap on the decompressed control archive (default 256 MiB). */
  controlLimit?: number;
}

/** Control-archive members we read; everything else in it (md5sums, shlibs, symbols…) is ignored. */
const WANTED: ReadonlySet<string> = new Set<string>(['control', 'templates', 'conffiles', ...DEB_SCRIPT_PHASES]);
const CONTROL_MEMBER = /^control\.tar(\.gz|\.xz|\.zst)?$/;
const DATA_MEMBER = /^data\.tar(\.[a-z0-9]+)?$/;
const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** `!<arch>\n` followed by a first member named `debian-binary` (GNU ar may write `debian-binary/`). */
export function sniffDeb(head: Uint8Array): boolean {
  if (!isAr(head) || head.length < 8 + 16) return false;
  const name = latin1.decode(head.subarray(8, 24)).trimEnd();
  return name === 'debian-binary' || name === 'debian-binary/';
}

/**
 * Reads a binary .deb the way dpkg-deb does, without running it: `debian-binary` (format 2.x),
 * then `control.tar[.gz|.xz|.zst]` (members named `_*` may sit in between and are skipped), then
 * `data.tar.*`, which must be present but is never decompressed.
 */
export function createDebReader(options: DebReaderOptions = {}): PackageReader {
  const limit = options.controlLimit ?? DEFAULT_DECOMPRESS_LIMIT;
  return {
    format: 'deb',
    sniff: sniffDeb,
    async read(bytes: Uint8Array, file: string): Promise<Package> {
      const members = readAr(bytes, file);
      const [first] = members;
      if (!first || first.name !== 'debian-binary') {
        throw new FormatError('E_FORMAT_CORRUPT', 'not a Debian package: first ar member is not debian-binary', {
          file,
          offset: first?.headerOffset ?? 8,
        });
      }
      const formatVersion = latin1.decode(first.data).trim();
      if (!/^2\.[0-9]+$/.test(formatVersion)) {
        throw new FormatError('E_FORMAT_CORRUPT', `unsupported .deb format version ${JSON.stringify(formatVersion.slice(0, 20))}`, {
          file,
          offset: first.dataOffset,
        });
      }
      const rest = members.slice(1).filter((m) => !m.name.startsWith('_'));
      const control: ArMember | undefined = rest[0];
      if (!control || !CONTROL_MEMBER.test(control.name)) {
        throw new FormatError('E_FORMAT_CORRUPT', `expected a control.tar member, found ${control ? JSON.stringify(control.name) : 'end of archive'}`, {
          file,
          offset: control?.headerOffset ?? bytes.length,
        });
      }
      const data = rest[1];
      if (!data || !DATA_MEMBER.test(data.name)) {
        throw new FormatError('E_FORMAT_CORRUPT', `expected a data.tar member after ${control.name}, found ${data ? JSON.stringify(data.name) : 'end of archive'}`, {
          file,
          offset: data?.headerOffset ?? bytes.length,
        });
      }

      const context = { file, member: control.name, offset: control.dataOffset };
      const tar = await decompress(control.data, { limit, context });
      const entries = await readTar(tar, { context, maxDataBytes: limit, wantData: (path) => WANTED.has(path) });
      const files = new Map<string, string>();
      for (const entry of entries) {
        if (entry.data && WANTED.has(entry.path)) files.set(entry.path, utf8.decode(entry.data));
      }
      const controlText = files.get('control');
      if (controlText === undefined) {
        throw new FormatError('E_FORMAT_CORRUPT', 'control archive has no control file', context);
      }
      const paragraphs = parseControlParagraphs(controlText, { file, member: `${control.name}:control` });
      const [paragraph] = paragraphs;
      if (!paragraph || paragraphs.length !== 1) {
        throw new FormatError('E_FORMAT_CORRUPT', `control file must hold exactly one paragraph, found ${paragraphs.length}`, {
          file,
          member: `${control.name}:control`,
        });
      }
      const conffiles = files.get('conffiles');
      return debPackageFromControl({
        paragraph,
        files,
        ...(conffiles !== undefined ? { conffiles: parseConffilesList(conffiles) } : {}),
        source: file,
        origin: (name) => `${control.name}:${name}`,
        context: { file, member: `${control.name}:control` },
      });
    },
  };
}

export const debReader: PackageReader = createDebReader();
