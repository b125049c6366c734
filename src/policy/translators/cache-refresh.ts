/**
 * Commands that rebuild a system cache from files packages ship: they become cache actions the
 * plan batches once per image. `args` keeps what narrows the refresh (directories, a kernel
 * version, py3compile's package selection); without `args` the whole cache is meant. Options that
 * only change verbosity or force a rebuild are accepted; options that write elsewhere, read
 * another root or change what is built are refused.
 */
import type { Action, CacheKind } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import type { OptionSpec, ParsedArgs } from './parse-argv.js';

interface CacheTool {
  translator: string;
  programs: readonly string[];
  cache: CacheKind;
  specs: readonly OptionSpec[];
  /** Option ids that are harmless; any other parsed option is refused. */
  accepted: readonly string[];
  /** Turns operands (and options) into `args`; undefined means the whole cache. */
  args: (inv: Invocation, parsed: ParsedArgs) => string[] | undefined;
}

const quiet: OptionSpec = { id: 'quiet', short: 'q', long: ['quiet'], value: 'none' };
const verbose: OptionSpec = { id: 'verbose', short: 'v', long: ['verbose'], value: 'none' };

const noOperands = (inv: Invocation, p: ParsedArgs): undefined => {
  if (p.operands.length > 0) inv.fail('takes no operands here');
  return undefined;
};
const directories = (inv: Invocation, p: ParsedArgs): string[] | undefined =>
  p.operands.length === 0 ? undefined : p.operands.map((w) => inv.path(w, 'directory'));
const oneDirectory = (inv: Invocation, p: ParsedArgs): string[] => {
  if (p.operands.length !== 1) inv.fail('needs exactly one directory');
  return [inv.path(p.operands[0], 'directory')];
};

function make(tool: CacheTool): Translator {
  return (command, _params, ctx) => {
    const inv = new Invocation(tool.translator, command, ctx, tool.programs);
    const parsed = inv.parse(tool.specs, 'getopt');
    for (const o of parsed.options) {
      if (!tool.accepted.includes(o.id)) inv.fail(`${o.spelled} is not translated`);
    }
    const args = tool.args(inv, parsed);
    const action: Action = { kind: 'cache', cache: tool.cache, ...(args !== undefined ? { args } : {}) };
    return [action];
  };
}

/** Bare `ldconfig` (also RPM's `%post -p /sbin/ldconfig`); any argument changes what it does. */
export const translateLdconfig = make({
  translator: 'ldconfig',
  programs: ['ldconfig'],
  cache: 'ldconfig',
  specs: [],
  accepted: [],
  args: noOperands,
});

export const translateFcCache = make({
  translator: 'fc-cache',
  programs: ['fc-cache', 'fc-cache-64', 'fc-cache-32'],
  cache: 'fontconfig',
  specs: [
    { id: 'error-on-no-fonts', short: 'E', long: ['error-on-no-fonts'], value: 'none' },
    { id: 'force', short: 'f', long: ['force'], value: 'none' },
    { id: 'really-force', short: 'r', long: ['really-force'], value: 'none' },
    { id: 'system-only', short: 's', long: ['system-only'], value: 'none' },
    { id: 'sysroot', short: 'y', long: ['sysroot'], value: 'required' },
    verbose,
  ],
  accepted: ['error-on-no-fonts', 'force', 'really-force', 'system-only', 'verbose'],
  args: directories,
});

/** Debian's update-icon-caches wrapper and GTK's gtk-update-icon-cache (one theme directory). */
export const translateIconCache: Translator = (command, params, ctx) => {
  const name = command.name?.slice(command.name.lastIndexOf('/') + 1);
  return name === 'update-icon-caches' ? updateIconCaches(command, params, ctx) : gtkUpdateIconCache(command, params, ctx);
};

const updateIconCaches = make({
  translator: 'update-icon-caches',
  programs: ['update-icon-caches'],
  cache: 'icons',
  specs: [],
  accepted: [],
  args: (inv, p) => {
    if (p.operands.length === 0) inv.fail('needs at least one directory');
    return p.operands.map((w) => inv.path(w, 'directory'));
  },
});

const gtkUpdateIconCache = make({
  translator: 'gtk-update-icon-cache',
  programs: ['gtk-update-icon-cache', 'gtk4-update-icon-cache'],
  cache: 'icons',
  specs: [
    { id: 'force', short: 'f', long: ['force'], value: 'none' },
    { id: 'ignore-theme-index', short: 't', long: ['ignore-theme-index'], value: 'none' },
    { id: 'index-only', short: 'i', long: ['index-only'], value: 'none' },
    { id: 'include-image-data', long: ['include-image-data'], value: 'none' },
    { id: 'source', short: 'c', long: ['source'], value: 'required' },
    { id: 'validate', long: ['validate'], value: 'none' },
    quiet,
    verbose,
  ],
  accepted: ['force', 'ignore-theme-index', 'quiet', 'verbose'],
  args: oneDirectory,
});

export const translateUpdateMimeDatabase = make({
  translator: 'update-mime-database',
  programs: ['update-mime-database'],
  cache: 'mime',
  specs: [
    { id: 'newer', short: 'n', value: 'none' },
    { id: 'version', short: 'V', value: 'none' },
    { id: 'verbose', short: 'v', value: 'none' },
  ],
  accepted: ['newer', 'verbose'],
  args: oneDirectory,
});

export const translateUpdateDesktopDatabase = make({
  translator: 'update-desktop-database',
  programs: ['update-desktop-database'],
  cache: 'desktop',
  specs: [quiet, verbose],
  accepted: ['quiet', 'verbose'],
  args: directories,
});

export const translateGioQuerymodules = make({
  translator: 'gio-querymodules',
  programs: ['gio-querymodules', 'gio-querymodules-64', 'gio-querymodules-32'],
  cache: 'gio-modules',
  specs: [],
  accepted: [],
  args: (inv, p) => {
    if (p.operands.length === 0) inv.fail('needs at least one module directory');
    return p.operands.map((w) => inv.path(w, 'directory'));
  },
});

/** Only `--update-cache`: without it the loader list goes to standard output. */
export const translateGdkPixbufQueryLoaders = make({
  translator: 'gdk-pixbuf-query-loaders',
  programs: ['gdk-pixbuf-query-loaders', 'gdk-pixbuf-query-loaders-64', 'gdk-pixbuf-query-loaders-32'],
  cache: 'gdk-pixbuf',
  specs: [{ id: 'update-cache', long: ['update-cache'], value: 'none' }],
  accepted: ['update-cache'],
  args: (inv, p) => {
    if (!p.options.some((o) => o.id === 'update-cache')) inv.fail('without --update-cache it prints to standard output');
    return noOperands(inv, p);
  },
});

export const translateGlibCompileSchemas = make({
  translator: 'glib-compile-schemas',
  programs: ['glib-compile-schemas'],
  cache: 'glib-schemas',
  specs: [
    { id: 'strict', long: ['strict'], value: 'none' },
    { id: 'allow-any-name', long: ['allow-any-name'], value: 'none' },
    { id: 'dry-run', long: ['dry-run'], value: 'none' },
    { id: 'targetdir', long: ['targetdir'], value: 'required' },
    { id: 'schema-file', long: ['schema-file'], value: 'required' },
    { id: 'override-file', long: ['override-file'], value: 'required' },
  ],
  accepted: ['strict', 'allow-any-name'],
  args: oneDirectory,
});

/** `depmod [-a|-A] [-F System.map] [VERSION]`: a literal kernel version narrows it. */
export const translateDepmod = make({
  translator: 'depmod',
  programs: ['depmod'],
  cache: 'depmod',
  specs: [
    { id: 'all', short: 'a', long: ['all'], value: 'none' },
    { id: 'quick', short: 'A', long: ['quick'], value: 'none' },
    { id: 'basedir', short: 'b', long: ['basedir'], value: 'required' },
    { id: 'config', short: 'C', long: ['config'], value: 'required' },
    { id: 'errsyms', short: 'e', long: ['errsyms'], value: 'none' },
    { id: 'filesyms', short: 'F', long: ['filesyms'], value: 'required' },
    { id: 'symvers', short: 'E', long: ['symvers'], value: 'required' },
    { id: 'dry-run', short: 'n', long: ['show', 'dry-run'], value: 'none' },
    { id: 'symbol-prefix', short: 'P', long: ['symbol-prefix'], value: 'required' },
    { id: 'outdir', short: 'o', long: ['outdir'], value: 'required' },
    { id: 'warn', short: 'w', long: ['warn'], value: 'none' },
    verbose,
  ],
  accepted: ['all', 'quick', 'errsyms', 'filesyms', 'symvers', 'warn', 'verbose'],
  args: (inv, p) => {
    if (p.operands.length === 0) return undefined;
    if (p.operands.length > 1) inv.fail('naming module files limits depmod to them');
    const version = inv.literal(p.operands[0], 'kernel version');
    if (!/^\d+\.\d+/.test(version)) inv.fail(`${version} is not a kernel version`);
    return [version];
  },
});

/** dh_python3's `py3compile -p PACKAGE [-V RANGE]` and dh_python2's pycompile: kept as written. */
export const translatePy3compile = make({
  translator: 'py3compile',
  programs: ['py3compile', 'pycompile', 'pypycompile'],
  cache: 'python-bytecode',
  specs: [
    { id: 'package', short: 'p', long: ['package'], value: 'required' },
    { id: 'vrange', short: 'V', value: 'required' },
    { id: 'exclude', short: 'X', long: ['exclude'], value: 'required' },
    { id: 'force', short: 'f', long: ['force'], value: 'none' },
    { id: 'optimize', short: 'O', value: 'none' },
    quiet,
    verbose,
  ],
  accepted: ['package', 'vrange', 'exclude', 'force', 'optimize', 'quiet', 'verbose'],
  args: (inv, p) => {
    const out: string[] = [];
    for (const o of p.options) {
      if (o.id === 'quiet' || o.id === 'verbose') continue;
      out.push(o.spelled);
      if (o.value) out.push(inv.literal(o.value, `${o.spelled} value`));
    }
    for (const w of p.operands) out.push(inv.path(w, 'path'));
    if (out.length === 0) inv.fail('without arguments it compiles every installed module');
    return out;
  },
});

export const translateMandb = make({
  translator: 'mandb',
  programs: ['mandb'],
  cache: 'man-db',
  specs: [
    quiet,
    { id: 'no-straycats', short: 's', long: ['no-straycats'], value: 'none' },
    { id: 'no-purge', short: 'p', long: ['no-purge'], value: 'none' },
    { id: 'create', short: 'c', long: ['create'], value: 'none' },
    { id: 'user-db', short: 'u', long: ['user-db'], value: 'none' },
    { id: 'test', short: 't', long: ['test'], value: 'none' },
    { id: 'filename', short: 'f', long: ['filename'], value: 'required' },
    { id: 'config-file', short: 'C', long: ['config-file'], value: 'required' },
    { id: 'debug', short: 'd', long: ['debug'], value: 'none' },
  ],
  accepted: ['quiet', 'no-straycats', 'no-purge', 'create', 'debug'],
  args: directories,
});

export const translateUpdateCaCertificates = make({
  translator: 'update-ca-certificates',
  programs: ['update-ca-certificates'],
  cache: 'ca-certificates',
  specs: [
    { id: 'fresh', short: 'f', long: ['fresh'], value: 'none' },
    { id: 'localcertsdir', long: ['localcertsdir'], value: 'required' },
    { id: 'certsconf', long: ['certsconf'], value: 'required' },
    { id: 'certsdir', long: ['certsdir'], value: 'required' },
    { id: 'etccertsdir', long: ['etccertsdir'], value: 'required' },
    { id: 'hooksdir', long: ['hooksdir'], value: 'required' },
    verbose,
  ],
  accepted: ['fresh', 'verbose'],
  args: (inv, p) => {
    noOperands(inv, p);
    return p.options.some((o) => o.id === 'fresh') ? ['--fresh'] : undefined;
  },
});

/** `update-initramfs -u|-c [-k VERSION|all]`; deleting (-d) is refused. */
export const translateUpdateInitramfs = make({
  translator: 'update-initramfs',
  programs: ['update-initramfs'],
  cache: 'initramfs',
  specs: [
    { id: 'update', short: 'u', value: 'none' },
    { id: 'create', short: 'c', value: 'none' },
    { id: 'delete', short: 'd', value: 'none' },
    { id: 'kernel', short: 'k', value: 'required' },
    { id: 'takeover', short: 't', value: 'none' },
    { id: 'backup', short: 'b', value: 'required' },
    { id: 'verbose', short: 'v', value: 'none' },
    { id: 'help', short: 'h', value: 'none' },
  ],
  accepted: ['update', 'create', 'kernel', 'takeover', 'verbose'],
  args: (inv, p) => {
    noOperands(inv, p);
    const modes = p.options.filter((o) => o.id === 'update' || o.id === 'create');
    if (modes.length === 0) inv.fail('needs -u or -c');
    const k = p.options.filter((o) => o.id === 'kernel').at(-1);
    return k ? [inv.literal(k.value, '-k version')] : undefined;
  },
});

/**
 * emacsen-common's `emacs-package-install --postinst PKG` (dh_installemacsen, dh_elpa): marks PKG
 * installed and byte-compiles it for each installed Emacs flavour. The image runs these once,
 * all packages in install order, after the scripts. The old one-argument form (emacsen-common
 * 1.x fallback) and `--preinst` are not this.
 */
export const translateEmacsPackageInstall: Translator = (command, _params, ctx) => {
  const inv = new Invocation('emacs-package-install', command, ctx, ['emacs-package-install']);
  const p = inv.parse([{ id: 'postinst', long: ['postinst'], value: 'none' }, { id: 'preinst', long: ['preinst'], value: 'none' }], 'getopt', true);
  if (p.options.length !== 1 || p.options[0]!.id !== 'postinst') inv.fail('only `--postinst PACKAGE` is translated');
  if (p.operands.length !== 1) inv.fail('needs exactly one package');
  const pkg = inv.literal(p.operands[0], 'package');
  if (!/^[a-z0-9][a-z0-9.+-]+$/.test(pkg)) inv.fail(`${pkg} is not a package name`);
  return [{ kind: 'cache', cache: 'emacs-add-ons', args: [pkg] }];
};

/** `dictdconfig -w`: regenerates dictd's database list from every installed dictionary. */
export const translateDictdconfig = make({
  translator: 'dictdconfig',
  programs: ['dictdconfig'],
  cache: 'dictd',
  specs: [
    { id: 'write', short: 'w', long: ['write'], value: 'none' },
    { id: 'list', short: 'l', long: ['list'], value: 'none' },
    { id: 'order', short: 'o', long: ['order'], value: 'none' },
  ],
  accepted: ['write'],
  args: (inv, p) => {
    if (!p.options.some((o) => o.id === 'write')) inv.fail('without -w it only prints');
    return noOperands(inv, p);
  },
});

const dictionaryTools = ['update-dictcommon-aspell', 'update-dictcommon-hunspell', 'update-default-ispell', 'update-default-wordlist', 'update-default-aspell'];

/**
 * dictionaries-common's registry tools, bare or with `--rebuild` (installdeb-aspell, -hunspell,
 * -ispell, -wordlist snippets): each regenerates its class's registry and default from every
 * installed dictionary, so one run per tool at the end gives what the per-package runs give.
 */
export const translateDictionariesCommon: Translator = (command, _params, ctx) => {
  const inv = new Invocation('dictionaries-common', command, ctx, dictionaryTools);
  const p = inv.parse([{ id: 'rebuild', long: ['rebuild'], value: 'none' }], 'getopt', true);
  if (p.operands.length > 0) inv.fail('takes no operands here');
  const rebuild = p.options.some((o) => o.id === 'rebuild');
  return [{ kind: 'cache', cache: 'dictionaries-common', args: rebuild ? [inv.program, '--rebuild'] : [inv.program] }];
};

/** A word the font-index batch can pass through `$c` word splitting unchanged. */
const plainWord = /^[A-Za-z0-9._\/+-]+$/;

/**
 * xfonts-utils' update-fonts-dir, -alias and -scale (`[--x11r7-layout] [--include FILE] DIR`) and
 * Ghostscript's bare update-gsfontmap: each rebuilds one index (fonts.dir, fonts.alias,
 * fonts.scale of a font directory; Ghostscript's Fontmap) from every font installed, so one run
 * per distinct line at first boot gives what the per-package runs give.
 */
export const translateFontIndexes: Translator = (command, _params, ctx) => {
  const inv = new Invocation('font-indexes', command, ctx, ['update-fonts-dir', 'update-fonts-alias', 'update-fonts-scale', 'update-gsfontmap']);
  if (inv.program === 'update-gsfontmap') {
    if (command.args.length > 0) inv.fail('update-gsfontmap takes no arguments here');
    return [{ kind: 'cache', cache: 'font-indexes', args: [inv.program] }];
  }
  const specs: OptionSpec[] = [{ id: 'x11r7-layout', long: ['x11r7-layout'], value: 'none' }];
  if (inv.program === 'update-fonts-alias') specs.push({ id: 'include', short: 'i', long: ['include'], value: 'required' });
  const p = inv.parse(specs, 'getopt', true);
  if (p.operands.length !== 1) inv.fail('needs exactly one font directory');
  const words = [inv.program];
  for (const o of p.options) {
    words.push(`--${o.id}`);
    if (o.id === 'include') words.push(inv.path(o.value, '--include file'));
  }
  words.push(inv.literal(p.operands[0], 'font directory'));
  const odd = words.find((w) => !plainWord.test(w));
  if (odd !== undefined) inv.fail(`${odd} has characters the batch would not pass on unchanged`);
  return [{ kind: 'cache', cache: 'font-indexes', args: words }];
};

/** `systemd-hwdb --usr update` (udev's postinst): compiles hwdb.bin from the installed hwdb.d files. */
export const translateSystemdHwdb = make({
  translator: 'systemd-hwdb',
  programs: ['systemd-hwdb'],
  cache: 'hwdb',
  specs: [
    { id: 'usr', long: ['usr'], value: 'none' },
    { id: 'strict', short: 's', long: ['strict'], value: 'none' },
    { id: 'root', short: 'r', long: ['root'], value: 'required' },
  ],
  accepted: ['usr', 'strict'],
  args: (inv, p) => {
    if (!p.options.some((o) => o.id === 'usr')) inv.fail('without --usr it writes /etc/udev/hwdb.bin, which the batch does not');
    if (p.operands.length !== 1 || inv.literal(p.operands[0], 'verb') !== 'update') inv.fail('only `update` is translated');
    return undefined;
  },
});
