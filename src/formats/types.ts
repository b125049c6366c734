/**
 * The data model every reader produces. Readers are pure: bytes in, Package out.
 */

export type PackageFormat = 'deb' | 'rpm' | 'arch';

export type DebPhase = 'preinst' | 'postinst' | 'prerm' | 'postrm' | 'config' | 'triggers';

export type RpmPhase =
  | 'pretrans'
  | 'pre'
  | 'post'
  | 'preun'
  | 'postun'
  | 'posttrans'
  | 'preuntrans'
  | 'postuntrans'
  | 'verify'
  | 'triggerprein'
  | 'triggerin'
  | 'triggerun'
  | 'triggerpostun'
  | 'filetriggerin'
  | 'filetriggerun'
  | 'filetriggerpostun'
  | 'transfiletriggerin'
  | 'transfiletriggerun'
  | 'transfiletriggerpostun'
  /** RPM's SYSUSERS tag (rpm >= 4.19): sysusers.d lines, not a script. */
  | 'sysusers';

export type ArchPhase =
  | 'pre_install'
  | 'post_install'
  | 'pre_upgrade'
  | 'post_upgrade'
  | 'pre_remove'
  | 'post_remove';

export type Phase = DebPhase | RpmPhase | ArchPhase;

/**
 * What runs the body. `program` is an RPM `-p` scriptlet with no body (the PROG itself is the
 * work); `deb-triggers` and `sysusers` are declarative text, analysed without a shell.
 */
export type InterpreterKind =
  | 'sh'
  | 'bash'
  | 'lua'
  | 'perl'
  | 'python'
  | 'program'
  | 'deb-triggers'
  | 'sysusers'
  | 'other';

export interface Interpreter {
  kind: InterpreterKind;
  /** argv[0] and its fixed arguments, e.g. ['/bin/sh'] or ['/sbin/ldconfig'] or ['<lua>']. */
  argv: string[];
}

/** One version constraint: `name (op version)`. Debian alternatives (`a | b`) are an array. */
export interface Dependency {
  name: string;
  op?: '<<' | '<=' | '=' | '>=' | '>>' | '<' | '>';
  version?: string;
  arch?: string;
}
export type DependencyGroup = Dependency[];

/** For RPM triggers: which package (or file prefix, for file triggers) fires it. */
export interface TriggerCondition {
  /** Package name for package triggers, path prefix for file triggers. */
  target: string;
  op?: Dependency['op'];
  version?: string;
  /** File trigger priority (RPM default 1000000). */
  priority?: number;
}

export interface Scriptlet {
  /** `name` of the owning package, for messages and ids. */
  package: string;
  format: PackageFormat;
  phase: Phase;
  interpreter: Interpreter;
  /** Script text ('' for an RPM `-p` program with no body). */
  body: string;
  /**
   * Set when the script's bytes were not valid UTF-8: `body` then holds one character per byte
   * (ISO-8859-1), and `Buffer.from(body, 'latin1')` is the script as the package ships it.
   */
  bodyEncoding?: 'latin1';
  /** RPM scriptlet flags (EXPAND = 1, QFORMAT = 2). */
  flags?: number;
  /** RPM (file) trigger conditions; one scriptlet may fire on several. */
  triggers?: TriggerCondition[];
  /** Arch: the .INSTALL function pacman calls (the body is the whole .INSTALL). */
  entry?: string;
  /** Where it was read from, e.g. `control.tar.xz:postinst`, `header:POSTIN`, `.INSTALL`. */
  origin: string;
}

export interface Package {
  format: PackageFormat;
  name: string;
  /** Full version as the distro writes it: `[epoch:]version[-release]`. */
  version: string;
  epoch?: number;
  release?: string;
  arch: string;
  depends: DependencyGroup[];
  preDepends: DependencyGroup[];
  provides: Dependency[];
  scriptlets: Scriptlet[];
  /** Debian debconf templates (raw RFC822 text), if any. */
  templates?: string;
  conffiles?: string[];
  /** Where the package came from: a file path or `dpkg:/var/lib/dpkg` etc. */
  source: string;
}

/**
 * Random access to a package file's bytes, so a reader can fetch only the parts it needs (a .deb's
 * control member, not its payload). The reader stays free of the filesystem: the caller supplies it.
 */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** `length` bytes from `offset`, or fewer only where the source ends. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A reader for one format: a pure function over the file's bytes. */
export interface PackageReader {
  format: PackageFormat;
  /** True when `head` (the first bytes of a file) starts like this format. */
  sniff(head: Uint8Array): boolean;
  /** `file` only names the source in errors and in Package.source. */
  read(bytes: Uint8Array, file: string): Promise<Package>;
  /** Same result and errors as `read`, fetching only the byte ranges the format needs. */
  readFrom?(source: ByteSource, file: string): Promise<Package>;
}

const installPhases: ReadonlySet<Phase> = new Set<Phase>([
  'preinst',
  'postinst',
  'config',
  'triggers',
  'pretrans',
  'pre',
  'post',
  'posttrans',
  'triggerprein',
  'triggerin',
  'filetriggerin',
  'transfiletriggerin',
  'sysusers',
  'pre_install',
  'post_install',
]);

/** Phases a fresh install (and so an appliance build) must handle; the rest is removal/upgrade. */
export function isInstallPhase(phase: Phase): boolean {
  return installPhases.has(phase);
}
