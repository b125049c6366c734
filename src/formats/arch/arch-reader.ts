import { FormatError, type ErrorContext } from '../../errors.js';
import { decompressChunks, sniffCompression } from '../archive/decompress.js';
import { readTar } from '../archive/read-tar.js';
import type { Interpreter, Package, PackageReader, Scriptlet } from '../types.js';
import { decodeScriptText } from '../decode-script-text.js';
import { definedInstallFunctions } from './install-functions.js';
import { parseArchDepend } from './parse-arch-depend.js';
import { parsePkgInfo } from './parse-pkginfo.js';

export interface ArchReaderOptions {
  /** Cap on decompressed bytes read before the metadata is complete (default 4 GiB). */
  limit?: number;
}

export const DEFAULT_ARCH_LIMIT = 4 * 1024 * 1024 * 1024;

/**
 * libalpm's _alpm_runscriptlet runs `SCRIPTLET_SHELL -c ". /tmp/alpm_XXXXXX/.INSTALL; <func> <ver>
 * [<oldver>]"` inside the root. SCRIPTLET_SHELL is pacman's `scriptlet-shell` build option, and
 * Arch Linux builds pacman with `-Dscriptlet-shell=/usr/bin/bash`, so .INSTALL files run under bash.
 */
export const ARCH_SCRIPTLET_INTERPRETER: Interpreter = { kind: 'bash', argv: ['/usr/bin/bash'] };

/** Metadata files makepkg writes at the top level of the package. */
function isMetadataPath(path: string): boolean {
  return path.startsWith('.') && !path.includes('/') && path !== '.';
}

/** Cheap check: a compressed stream or a ustar header. sniff.ts confirms by finding `.PKGINFO`. */
export function sniffArchCandidate(head: Uint8Array): boolean {
  if (sniffCompression(head) !== 'none') return true;
  return head.length >= 262 && new TextDecoder('latin1').decode(head.subarray(257, 262)) === 'ustar';
}

/**
 * Reads `.PKGINFO` and `.INSTALL` from an Arch package (.pkg.tar with zstd, xz, gzip or nothing).
 * makepkg puts its dot-files before the payload (it lists `./.*` first), and pacman itself stops
 * reading once it has the metadata, so reading stops at the first non-metadata entry after
 * `.PKGINFO`: the payload of a makepkg-built package is never decompressed. A package laid out
 * otherwise is read on until `.PKGINFO` turns up, within the decompression limit.
 */
export function createArchReader(options: ArchReaderOptions = {}): PackageReader {
  const limit = options.limit ?? DEFAULT_ARCH_LIMIT;
  return {
    format: 'arch',
    sniff: sniffArchCandidate,
    async read(bytes: Uint8Array, file: string): Promise<Package> {
      const context: ErrorContext = { file, offset: 0 };
      const entries = await readTar(decompressChunks(bytes, { limit, context }), {
        context,
        wantData: (path) => path === '.PKGINFO' || path === '.INSTALL',
        stopBefore: (path, seen) => !isMetadataPath(path) && seen.some((e) => e.path === '.PKGINFO'),
      });
      // The last entry of a name wins, as when pacman unpacks the file it reads.
      const decoded = (path: string) => {
        const data = entries.filter((e) => e.path === path && e.type === 'file').at(-1)?.data;
        return data ? decodeScriptText(data) : undefined;
      };
      const pkginfoText = decoded('.PKGINFO')?.text;
      if (pkginfoText === undefined) {
        throw new FormatError('E_FORMAT_CORRUPT', 'no .PKGINFO in the archive: not an Arch package', context);
      }
      const infoContext: ErrorContext = { file, member: '.PKGINFO' };
      const info = parsePkgInfo(pkginfoText, infoContext);
      const single = (key: string): string => {
        const value = info.get(key)?.[0];
        if (value === undefined || value === '') {
          throw new FormatError('E_FORMAT_CORRUPT', `.PKGINFO has no ${key}`, infoContext);
        }
        return value;
      };
      const name = single('pkgname');
      const version = single('pkgver');
      const arch = single('arch');
      const depContext: ErrorContext = { ...infoContext, package: name };

      const scriptlets: Scriptlet[] = [];
      const installText = decoded('.INSTALL');
      const install = installText?.text;
      if (install !== undefined) {
        for (const phase of definedInstallFunctions(install)) {
          scriptlets.push({
            package: name,
            format: 'arch',
            phase,
            interpreter: { kind: ARCH_SCRIPTLET_INTERPRETER.kind, argv: [...ARCH_SCRIPTLET_INTERPRETER.argv] },
            body: install,
            ...(installText?.encoding === 'latin1' ? { bodyEncoding: 'latin1' as const } : {}),
            entry: phase,
            origin: '.INSTALL',
          });
        }
      }

      const pkg: Package = {
        format: 'arch',
        name,
        version,
        arch,
        depends: (info.get('depend') ?? []).map((d) => [parseArchDepend(d, depContext)]),
        preDepends: [],
        provides: (info.get('provides') ?? []).map((d) => parseArchDepend(d, depContext)),
        scriptlets,
        source: file,
      };
      const epoch = /^([0-9]+):/.exec(version);
      if (epoch?.[1] !== undefined) pkg.epoch = Number(epoch[1]);
      const hyphen = version.lastIndexOf('-');
      if (hyphen > 0) pkg.release = version.slice(hyphen + 1);
      const backup = info.get('backup');
      if (backup && backup.length > 0) pkg.conffiles = backup.map((p) => `/${p}`);
      return pkg;
    },
  };
}

export const archReader: PackageReader = createArchReader();

/**
 * True when `bytes` (a whole file, or with `partial` only its first part) is a tar, compressed or
 * not, whose leading metadata entries include `.PKGINFO`. Only entry headers are looked at.
 */
export async function hasPkgInfo(bytes: Uint8Array, options: { partial?: boolean } = {}): Promise<boolean> {
  if (!sniffArchCandidate(bytes)) return false;
  let found = false;
  const context: ErrorContext = {};
  try {
    await readTar(decompressChunks(bytes, { limit: PROBE_LIMIT, context, partial: options.partial ?? false }), {
      context,
      wantData: () => false,
      maxEntries: 64,
      stopBefore: (path) => {
        if (path === '.PKGINFO') found = true;
        return found || !isMetadataPath(path);
      },
    });
  } catch {
    // Anything that is not a readable tar is simply not an Arch package.
  }
  return found;
}

const PROBE_LIMIT = 64 * 1024 * 1024;
