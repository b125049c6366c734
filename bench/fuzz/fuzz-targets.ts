/**
 * What each fuzz target feeds its input to. Loaded inside the worker thread that runs inputs, so a
 * target that hangs or exhausts memory takes down only that worker. A target returns normally when
 * the input was accepted (after checking what came back) and throws when it was refused.
 */
import { FormatError, ScriptletError } from '../../src/errors.js';
import type { TarEntry } from '../../src/formats/archive/read-tar.js';
import type { Package, PackageFormat, Scriptlet } from '../../src/formats/types.js';

// Readers are imported when a target first runs, so a worker (restarted after every hang) loads
// only what its own target needs.
const archReaderModule = () => import('../../src/formats/arch/arch-reader.js');
const pkginfoModule = () => import('../../src/formats/arch/parse-pkginfo.js');
const decompressModule = () => import('../../src/formats/archive/decompress.js');
const arModule = () => import('../../src/formats/archive/read-ar.js');
const tarModule = () => import('../../src/formats/archive/read-tar.js');
const debReaderModule = () => import('../../src/formats/deb/deb-reader.js');
const debPackageModule = () => import('../../src/formats/deb/deb-package.js');
const controlModule = () => import('../../src/formats/deb/parse-control-fields.js');
const dependsModule = () => import('../../src/formats/deb/parse-depends.js');
const dpkgModule = () => import('../../src/formats/installed/dpkg-database.js');
const fromHeaderModule = () => import('../../src/formats/rpm/package-from-header.js');
const headerModule = () => import('../../src/formats/rpm/parse-header.js');
const rpmReaderModule = () => import('../../src/formats/rpm/rpm-reader.js');
const sniffModule = () => import('../../src/formats/sniff.js');
const policyModule = () => import('../../src/policy/parse-policy.js');
const analyseModule = () => import('../../src/shell/analyse.js');

export type TargetName =
  | 'ar'
  | 'tar'
  | 'tar-gz'
  | 'tar-xz'
  | 'tar-zst'
  | 'deb-control'
  | 'deb-depends'
  | 'deb'
  | 'rpm-header'
  | 'rpm'
  | 'arch'
  | 'pkginfo'
  | 'dpkg-status'
  | 'policy'
  | 'shell'
  /** The harness's own test: known bugs on known bytes, to prove each kind is caught. */
  | 'canary';

export const TARGET_NAMES: readonly TargetName[] = [
  'ar',
  'tar',
  'tar-gz',
  'tar-xz',
  'tar-zst',
  'deb-control',
  'deb-depends',
  'deb',
  'rpm-header',
  'rpm',
  'arch',
  'pkginfo',
  'dpkg-status',
  'policy',
  'shell',
];

/** Where a refusal must point: a byte offset (binary formats), a line (text formats), or just the file. */
export type Where = 'offset' | 'line' | 'file';

export interface FuzzTarget {
  name: TargetName;
  /** The file name handed to the reader; every refusal's one-line message must name it. */
  file: string;
  where: Where;
  /** Runs the input; returns when accepted, throws when refused. Violated invariants throw InvariantBroken. */
  run(bytes: Uint8Array): Promise<void>;
}

/** An input was accepted but what came back breaks a promise the reader makes. */
export class InvariantBroken extends Error {}

/** Small limits so that a mutant that happens to be a bomb is refused quickly, not decompressed. */
const LIMIT = 8 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8');

function checkEntries(entries: readonly TarEntry[]): void {
  for (const e of entries) {
    const parts = e.path.split('/');
    if (e.path.startsWith('/') || parts.includes('..') || e.path.includes('\0') || (e.path !== '.' && parts.includes('.'))) {
      throw new InvariantBroken(`unsafe path came through: ${JSON.stringify(e.path)}`);
    }
    if (e.type === 'hardlink' && e.linkname !== undefined && (e.linkname.startsWith('/') || e.linkname.split('/').includes('..'))) {
      throw new InvariantBroken(`unsafe hardlink target came through: ${JSON.stringify(e.linkname)}`);
    }
    if (e.data && e.data.length !== e.size) throw new InvariantBroken(`entry ${JSON.stringify(e.path)} has ${e.data.length} bytes, header says ${e.size}`);
  }
}

function checkPackage(pkg: Package, format: PackageFormat): void {
  if (pkg.format !== format) throw new InvariantBroken(`format ${pkg.format}, expected ${format}`);
  if (pkg.name === '' || pkg.version === '') throw new InvariantBroken('package with an empty name or version');
  for (const s of pkg.scriptlets) {
    if (s.package !== pkg.name) throw new InvariantBroken(`scriptlet of ${s.package} in package ${pkg.name}`);
  }
  // A Package must survive a JSON round trip (reports and plans are JSON).
  JSON.stringify(pkg);
}

const TAR_OPTIONS = { maxEntries: 10_000, maxDataBytes: LIMIT };

function tarTarget(name: TargetName, file: string): FuzzTarget {
  return {
    name,
    file,
    where: 'file',
    async run(bytes) {
      const context = { file, offset: 0 };
      const { readTar } = await tarModule();
      const input = name === 'tar' ? bytes : (await decompressModule()).decompressChunks(bytes, { limit: LIMIT, context });
      checkEntries(await readTar(input, { context, ...TAR_OPTIONS }));
    },
  };
}

async function checkSniff(bytes: Uint8Array, format: PackageFormat): Promise<void> {
  // Sniffing sees every file the CLI is pointed at, whole or as a prefix: it must never throw.
  const { sniffPackageFormat } = await sniffModule();
  await sniffPackageFormat(bytes);
  await sniffPackageFormat(bytes.subarray(0, 4096), { partial: true });
  void format;
}


function scriptletFor(body: string): Scriptlet {
  // The body's length picks the flavour, so one byte string always runs the same way.
  switch (body.length % 3) {
    case 0:
      return { package: 'fuzz', format: 'deb', phase: 'postinst', interpreter: { kind: 'sh', argv: ['/bin/sh'] }, body, origin: 'fuzz' };
    case 1:
      return { package: 'fuzz', format: 'rpm', phase: 'post', interpreter: { kind: 'sh', argv: ['/bin/sh'] }, body, origin: 'fuzz' };
    default:
      return {
        package: 'fuzz',
        format: 'arch',
        phase: 'post_install',
        interpreter: { kind: 'bash', argv: ['/usr/bin/bash'] },
        body,
        entry: 'post_install',
        origin: 'fuzz',
      };
  }
}

const targets: Record<Exclude<TargetName, 'canary'>, FuzzTarget> = {
  ar: {
    name: 'ar',
    file: 'fuzz.ar',
    where: 'offset',
    async run(bytes) {
      const { readAr } = await arModule();
      for (const m of readAr(bytes, 'fuzz.ar')) {
        if (m.dataOffset + m.size > bytes.length) throw new InvariantBroken(`member ${JSON.stringify(m.name)} runs past the end`);
      }
    },
  },
  tar: tarTarget('tar', 'fuzz.tar'),
  'tar-gz': tarTarget('tar-gz', 'fuzz.tar.gz'),
  'tar-xz': tarTarget('tar-xz', 'fuzz.tar.xz'),
  'tar-zst': tarTarget('tar-zst', 'fuzz.tar.zst'),
  'deb-control': {
    name: 'deb-control',
    file: 'control',
    where: 'line',
    async run(bytes) {
      const context = { file: 'control' };
      const { parseControlParagraphs } = await controlModule();
      const { debPackageFromControl } = await debPackageModule();
      for (const paragraph of parseControlParagraphs(utf8.decode(bytes), context)) {
        checkPackage(
          debPackageFromControl({ paragraph, files: new Map(), source: 'control', origin: (n) => n, context }),
          'deb',
        );
      }
    },
  },
  'deb-depends': {
    name: 'deb-depends',
    file: 'control',
    where: 'file',
    async run(bytes) {
      const { parseDepends } = await dependsModule();
      for (const group of parseDepends(utf8.decode(bytes), 'Depends', { file: 'control' })) {
        if (group.length === 0 || group.some((d) => d.name === '')) throw new InvariantBroken('empty group or name');
      }
    },
  },
  deb: {
    name: 'deb',
    file: 'fuzz.deb',
    where: 'file',
    async run(bytes) {
      await checkSniff(bytes, 'deb');
      const debReader = (await debReaderModule()).createDebReader({ controlLimit: LIMIT });
      checkPackage(await debReader.read(bytes, 'fuzz.deb'), 'deb');
    },
  },
  'rpm-header': {
    name: 'rpm-header',
    file: 'fuzz.hdr',
    where: 'offset',
    async run(bytes) {
      const { parseHeader } = await headerModule();
      const { packageFromHeader } = await fromHeaderModule();
      const header = parseHeader(bytes, 0, 'fuzz.hdr');
      if (header.end > bytes.length) throw new InvariantBroken('header ends past the input');
      checkPackage(packageFromHeader(header, 'fuzz.hdr'), 'rpm');
    },
  },
  rpm: {
    name: 'rpm',
    file: 'fuzz.rpm',
    where: 'offset',
    async run(bytes) {
      await checkSniff(bytes, 'rpm');
      const { rpmReader } = await rpmReaderModule();
      checkPackage(await rpmReader.read(bytes, 'fuzz.rpm'), 'rpm');
    },
  },
  arch: {
    name: 'arch',
    file: 'fuzz.pkg.tar.zst',
    where: 'file',
    async run(bytes) {
      await checkSniff(bytes, 'arch');
      const archReader = (await archReaderModule()).createArchReader({ limit: LIMIT });
      checkPackage(await archReader.read(bytes, 'fuzz.pkg.tar.zst'), 'arch');
    },
  },
  pkginfo: {
    name: 'pkginfo',
    file: '.PKGINFO',
    where: 'line',
    async run(bytes) {
      const { parsePkgInfo } = await pkginfoModule();
      parsePkgInfo(utf8.decode(bytes), { file: '.PKGINFO' });
    },
  },
  'dpkg-status': {
    name: 'dpkg-status',
    file: '/fuzz/dpkg/status',
    where: 'line',
    async run(bytes) {
      const text = utf8.decode(bytes);
      // The same text serves as every package's postinst, so the info-file lookup is exercised too.
      const names = [...text.matchAll(/^Package: *(\S+)/gm)].slice(0, 50).map((m) => `${m[1]}.postinst`);
      const info = new Map(names.map((n) => [n, text.slice(0, 200)]));
      const { parseDpkgDatabase } = await dpkgModule();
      for (const p of parseDpkgDatabase(text, info, '/fuzz/dpkg')) checkPackage(p.package, 'deb');
    },
  },
  policy: {
    name: 'policy',
    file: 'fuzz.json5',
    where: 'line',
    async run(bytes) {
      const { parsePolicyText } = await policyModule();
      const parsed = parsePolicyText(utf8.decode(bytes), 'fuzz.json5');
      // Problems are returned, not thrown: the first one stands for the whole list in the oracle.
      const [first] = parsed.problems;
      if (first) throw first;
      if (!parsed.doc) throw new InvariantBroken('no problems and no document');
    },
  },
  shell: {
    name: 'shell',
    file: 'fuzz',
    where: 'file',
    async run(bytes) {
      const scriptlet = scriptletFor(utf8.decode(bytes));
      const { analyse } = await analyseModule();
      const analysis = await analyse(scriptlet);
      JSON.stringify(analysis);
      const lines = scriptlet.body.split('\n').length;
      for (const c of analysis.commands) {
        if (!(c.line >= 1 && c.line <= lines)) throw new InvariantBroken(`command ${JSON.stringify(c.name)} on line ${c.line} of ${lines}`);
      }
    },
  },
};

/** Plants one bug of each kind the oracle must catch, each behind a word in the input. */
const canary: FuzzTarget = {
  name: 'canary',
  file: 'canary.bin',
  where: 'file',
  async run(bytes) {
    const s = utf8.decode(bytes);
    if (s.includes('BOOM')) throw new TypeError('planted exception');
    if (s.includes('HANG')) for (;;);
    if (s.includes('MULTI')) throw new FormatError('E_FORMAT_CORRUPT', 'planted\nsecond line', { file: 'canary.bin' });
    if (s.includes('HOG')) {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(4e6).fill(s.length + 0.5));
    }
    if (s.length % 2 === 1) throw new FormatError('E_FORMAT_CORRUPT', 'odd length', { file: 'canary.bin' });
  },
};

export function fuzzTarget(name: TargetName): FuzzTarget {
  return name === 'canary' ? canary : targets[name];
}

/** Targets where refusing any input is itself a bug: analysis reports a parse error, it never throws. */
export const NEVER_THROWS: ReadonlySet<TargetName> = new Set<TargetName>(['shell']);

export function isScriptletErrorLike(e: unknown): e is ScriptletError {
  return e instanceof ScriptletError;
}
