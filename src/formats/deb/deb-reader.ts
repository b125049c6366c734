import { FormatError } from '../../errors.js';
import { decompress, DEFAULT_DECOMPRESS_LIMIT } from '../archive/decompress.js';
import { arEntries, type ArEntry } from '../archive/ar-entries.js';
import { isAr } from '../archive/read-ar.js';
import { readTar } from '../archive/read-tar.js';
import { bytesSource } from '../bytes-source.js';
import { decodeScriptText } from '../decode-script-text.js';
import type { ByteSource, Package, PackageReader } from '../types.js';
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
const latin1 = new TextDecoder('latin1');

/** `!<arch>\n` followed by a first member named `debian-binary` (GNU ar may write `debian-binary/`). */
export function sniffDeb(head: Uint8Array): boolean {
  if (!isAr(head) || head.length < 8 + 16) return false;
  const name = latin1.decode(head.subarray(8, 24)).trimEnd();
  return name === 'debian-binary' || name === 'debian-binary/';
}

/** readAr's default: members past this many are not looked at. */
const MAX_MEMBERS = 4096;

/**
 * Reads a binary .deb the way dpkg-deb does, without running it: `debian-binary` (format 2.x),
 * then `control.tar[.gz|.xz|.zst]` (members named `_*` may sit in between and are skipped), then
 * `data.tar.*`, whose header must be present but whose data is never read: through `readFrom`,
 * only the ar headers, `debian-binary` and the control member are fetched from the file.
 */
export function createDebReader(options: DebReaderOptions = {}): PackageReader {
  const limit = options.controlLimit ?? DEFAULT_DECOMPRESS_LIMIT;

  async function readFrom(source: ByteSource, file: string): Promise<Package> {
    const members = arEntries(source, file);
    let seen = 0;
    const next = async (skipUnderscore: boolean): Promise<ArEntry | undefined> => {
      for (;;) {
        if (seen >= MAX_MEMBERS) return undefined;
        const step = await members.next();
        if (step.done) return undefined;
        seen += 1;
        if (!skipUnderscore || !step.value.name.startsWith('_')) return step.value;
      }
    };
    try {
      const first = await next(false);
      if (!first || first.name !== 'debian-binary') {
        throw new FormatError('E_FORMAT_CORRUPT', 'not a Debian package: first ar member is not debian-binary', {
          file,
          offset: first?.headerOffset ?? 8,
        });
      }
      const formatVersion = latin1.decode(await source.read(first.dataOffset, first.size)).trim();
      if (!/^2\.[0-9]+$/.test(formatVersion)) {
        throw new FormatError('E_FORMAT_CORRUPT', `unsupported .deb format version ${JSON.stringify(formatVersion.slice(0, 20))}`, {
          file,
          offset: first.dataOffset,
        });
      }
      const control = await next(true);
      if (!control || !CONTROL_MEMBER.test(control.name)) {
        throw new FormatError('E_FORMAT_CORRUPT', `expected a control.tar member, found ${control ? JSON.stringify(control.name) : 'end of archive'}`, {
          file,
          offset: control?.headerOffset ?? source.size,
        });
      }
      const data = await next(true);
      if (!data || !DATA_MEMBER.test(data.name)) {
        throw new FormatError('E_FORMAT_CORRUPT', `expected a data.tar member after ${control.name}, found ${data ? JSON.stringify(data.name) : 'end of archive'}`, {
          file,
          offset: data?.headerOffset ?? source.size,
        });
      }
      const controlData = await source.read(control.dataOffset, control.size);
      return await packageFromControlMember(controlData, control.name, control.dataOffset, file);
    } finally {
      await members.return(undefined);
    }
  }

  async function packageFromControlMember(compressed: Uint8Array, member: string, offset: number, file: string): Promise<Package> {
    const context = { file, member, offset };
    const tar = await decompress(compressed, { limit, context });
    const entries = await readTar(tar, { context, maxDataBytes: limit, wantData: (path) => WANTED.has(path) });
    const files = new Map<string, string>();
    const latin1Files = new Set<string>();
    for (const entry of entries) {
      if (entry.data && WANTED.has(entry.path)) {
        // A later entry of the same name wins, as it would when dpkg-deb unpacks the archive.
        const decoded = decodeScriptText(entry.data);
        files.set(entry.path, decoded.text);
        if (decoded.encoding === 'latin1') latin1Files.add(entry.path);
        else latin1Files.delete(entry.path);
      }
    }
    const controlText = files.get('control');
    if (controlText === undefined) {
      throw new FormatError('E_FORMAT_CORRUPT', 'control archive has no control file', context);
    }
    const paragraphs = parseControlParagraphs(controlText, { file, member: `${member}:control` });
    const [paragraph] = paragraphs;
    if (!paragraph || paragraphs.length !== 1) {
      throw new FormatError('E_FORMAT_CORRUPT', `control file must hold exactly one paragraph, found ${paragraphs.length}`, {
        file,
        member: `${member}:control`,
      });
    }
    const conffiles = files.get('conffiles');
    return debPackageFromControl({
      paragraph,
      files,
      latin1Files,
      ...(conffiles !== undefined ? { conffiles: parseConffilesList(conffiles) } : {}),
      source: file,
      origin: (name) => `${member}:${name}`,
      context: { file, member: `${member}:control` },
    });
  }

  return {
    format: 'deb',
    sniff: sniffDeb,
    // One code path: bytes in memory are read through the same positioned reads as a file.
    read: (bytes: Uint8Array, file: string) => readFrom(bytesSource(bytes), file),
    readFrom,
  };
}

export const debReader: PackageReader = createDebReader();
