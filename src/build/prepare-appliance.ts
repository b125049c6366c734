/**
 * `scriptlet prepare` as a function: supermin --prepare, then scriptlet's own layer on top of it.
 *
 * 1. supermin --prepare writes the small appliance (`packages`, `base.tar.gz`) into
 *    `<dir>/supermin.d`.
 * 2. The appliance's package set is supermin's: the names it kept plus the dependency closure it
 *    will resolve again at build time (dpkg-closure.ts), so every package in the image has its
 *    scripts classified.
 * 3. Scripts come from the host dpkg database (--use-installed) or from the .deb files of exactly
 *    the installed versions; both are the versions supermin copies.
 * 4. Classification by policy, the install plan, and the actions applied to a view of the image
 *    (host files the packages list, with the base image's config files on top). An action the
 *    build cannot apply withdraws the translation of the scripts that asked for it: those scripts
 *    run at first boot instead, and the plan is made again. Cache refreshes become one step each.
 * 5. A deferred step whose interpreter is not in the image is an error naming the package to add.
 * 6. The overlay tarball (`supermin.d/zz-scriptlet.tar`: staged files, deferred plan, agent, start
 *    hook) and `manifest.json` next to supermin.d (supermin refuses files it cannot classify, so
 *    the manifest cannot live inside it; a copy goes into the image).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeferredStep } from '../appliance/deferred-plan.js';
import { agentEntries, deferredEntries, firstBootSteps, stagedEntries } from '../appliance/first-boot-files.js';
import { writeOverlayTar, type OverlayEntry } from '../appliance/overlay-tar.js';
import type { Classified } from '../appliance/plan-and-apply.js';
import { sourceDateEpoch } from '../appliance/source-date-epoch.js';
import { LayeredView } from '../apply/layered-view.js';
import type { ScriptAssessment } from '../audit/build-audit-result.js';
import type { CliIo } from '../cli/io.js';
import { ScriptletError, ToolError } from '../errors.js';
import { DEFAULT_DPKG_ADMINDIR, readDpkgDatabase } from '../formats/installed/dpkg-database.js';
import { isInstallPhase, type Package, type Scriptlet } from '../formats/types.js';
import { DEFAULT_STEP_TIMEOUT } from '../plan/build-plan.js';
import type { LoadedPolicy } from '../policy/load-policy.js';
import type { Verdict } from '../policy/verdict.js';
import { lastLines, runTool } from '../process/run-tool.js';
import { checkPackageNames } from '../supermin/check-package-names.js';
import { dpkgClosure, type ClosurePackage, type InstalledStanza } from '../supermin/dpkg-closure.js';
import type { SuperminInstall } from '../supermin/probe-supermin.js';
import { runSupermin } from '../supermin/run-supermin.js';
import { superminPrepareArgv } from '../supermin/supermin-argv.js';
import { tarOwnership } from '../supermin/tar-ownership.js';
import { applianceDpkgStatus, dpkgInfoFiles } from './appliance-dpkg-status.js';
import { buildManifest, renderManifest, type Manifest } from './build-manifest.js';
import { ClassificationCache, classificationKey, policyFingerprint } from './classification-cache.js';
import { codeFingerprint } from './code-fingerprint.js';
import { checkDeferredTools } from './check-deferred-tools.js';
import { dpkgFileLists, dpkgPathOwners } from './dpkg-file-lists.js';
import { downloadDebs } from './download-debs.js';
import { guestAgentDir } from './guest-agent-dir.js';
import { HostPackageView } from './host-package-view.js';
import { initWrapperWarnings } from './init-wrapper-needs.js';
import { startHook } from './start-hook.js';

/**
 * What is needed only once supermin --prepare is running: the package reader, the policy engine
 * and shell parser (schemas compiled, tree-sitter's WebAssembly: about a second of CPU) and the
 * planner and appliers. Imported then, so loading them overlaps supermin instead of delaying its start.
 */
interface LateModules {
  readPackageFile: typeof import('../formats/read-package-file.js').readPackageFile;
  assessPackages: typeof import('../audit/assess-packages.js').assessPackages;
  policyChooser: typeof import('../cli/policy-chooser.js').policyChooser;
  planErrors: typeof import('../cli/plan-command.js').planErrors;
  planAndApply: typeof import('../appliance/plan-and-apply.js').planAndApply;
}

async function loadLateModules(): Promise<LateModules> {
  const [{ readPackageFile }, { assessPackages }, { policyChooser }, { planErrors }, { planAndApply }] = await Promise.all([
    import('../formats/read-package-file.js'),
    import('../audit/assess-packages.js'),
    import('../cli/policy-chooser.js'),
    import('../cli/plan-command.js'),
    import('../appliance/plan-and-apply.js'),
  ]);
  return { readPackageFile, assessPackages, policyChooser, planErrors, planAndApply };
}

/** Sorts after supermin's base.tar.gz, so our files win over the base image's. */
export const OVERLAY_NAME = 'zz-scriptlet.tar';
export const SUPERMIN_DIR = 'supermin.d';
export const MANIFEST_NAME = 'manifest.json';

export interface PrepareOptions {
  packages: readonly string[];
  useInstalled: boolean;
  policy?: string;
  supermin: SuperminInstall;
  /** Where downloaded .deb files are kept between builds. */
  debCache: string;
  /** Where analyses and verdicts are kept between builds (classification-cache.ts); none: no cache. */
  classificationCache?: string;
  /** Scratch space (removed by the caller). */
  workDir: string;
  verbose?: 0 | 1 | 2;
  lockFile?: string;
  timeoutSeconds?: number;
  signal?: AbortSignal;
  io: CliIo;
  /** Stage name, done, total. */
  progress?: (stage: string, done: number, total: number) => void;
  /** Host root and dpkg admin directory (tests may point elsewhere). */
  admindir?: string;
  /**
   * The format a build makes right after preparing, when known. A chroot is entered by its user,
   * never booted through the /init wrapper, so the wrapper's needs are not checked for it.
   */
  format?: 'chroot' | 'ext2';
}

export interface Prepared {
  manifest: Manifest;
  /** The supermin appliance directory inside the prepared directory. */
  superminDir: string;
}

/** The host's installed packages, read once: supermin resolves the appliance's packages from them. */
interface HostPackages {
  stanzas: InstalledStanza[];
  arch: string;
  installed: Map<string, Package>;
}

async function hostPackages(admindir: string, signal?: AbortSignal): Promise<HostPackages> {
  const db = await readDpkgDatabase(admindir);
  const arch = await runTool(['dpkg', '--print-architecture'], { signal, timeoutMs: 60_000, missingHint: 'dpkg is needed on a Debian host' });
  if (arch.code !== 0) throw new ToolError('E_TOOL_FAILED', `dpkg --print-architecture failed: ${lastLines(arch.stderr, 3)}`);
  return {
    stanzas: db.map((d) => ({
      name: d.package.name,
      version: d.package.version,
      arch: d.package.arch,
      installed: d.status.state === 'installed',
      depends: d.package.depends,
      preDepends: d.package.preDepends,
    })),
    arch: arch.stdout.trim(),
    installed: new Map(db.filter((d) => d.status.state === 'installed').map((d) => [`${d.package.name}:${d.package.arch}`, d.package])),
  };
}

/** The names supermin --prepare kept (it drops unknown ones silently). */
function keptNames(superminDir: string): string[] {
  return readFileSync(join(superminDir, 'packages'), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

function sameClosure(a: readonly ClosurePackage[], b: readonly ClosurePackage[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]?.name && p.version === b[i]?.version && p.arch === b[i]?.arch);
}

/** Reads the base image's config files into a scratch directory for the image view. */
async function unpackBase(superminDir: string, into: string, signal?: AbortSignal): Promise<string[]> {
  const base = join(superminDir, 'base.tar.gz');
  let bytes: Buffer;
  try {
    bytes = readFileSync(base);
  } catch {
    return [];
  }
  mkdirSync(into, { recursive: true });
  const result = await runTool(['tar', '-x', '-z', '--no-same-owner', '--no-same-permissions', '-C', into, '-f', base], { signal, timeoutMs: 300_000 });
  if (result.code !== 0) throw new ToolError('E_TOOL_FAILED', `cannot unpack ${base}: ${lastLines(result.stderr, 3)}`, { file: base });
  return (await tarOwnership(bytes, base)).map((e) => `/${e.path}`);
}

/**
 * Prepares into `outDir` (which must not exist; the caller publishes it atomically). Returns the
 * manifest; throws ScriptletErrors for anything the user must fix.
 */
export async function prepareAppliance(outDir: string, o: PrepareOptions): Promise<Prepared> {
  const progress = o.progress ?? (() => undefined);
  const admindir = o.admindir ?? DEFAULT_DPKG_ADMINDIR;
  const timeoutSeconds = o.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT;
  const warnings: string[] = [];

  progress('checking package names', 0, 1);
  await checkPackageNames(o.packages, { signal: o.signal });
  const superminDir = join(outDir, SUPERMIN_DIR);
  mkdirSync(outDir);
  progress('supermin --prepare', 0, 1);
  // supermin --prepare mostly waits for apt and its own subprocesses, so the scripts are read and
  // classified meanwhile, for the closure of the names asked for. supermin keeps exactly the
  // installed ones of those (checked above), so that is the closure it resolves; its `packages`
  // file is compared afterwards, and the scripts are read again if it differs.
  const local = new AbortController();
  const abort = (): void => local.abort();
  if (o.signal?.aborted) local.abort();
  o.signal?.addEventListener('abort', abort, { once: true });
  const superminDone = runSupermin(
    superminPrepareArgv({
      binary: o.supermin.binary,
      packages: o.packages,
      outputDir: superminDir,
      useInstalled: o.useInstalled,
      ...(o.verbose ? { verbose: o.verbose } : {}),
      ...(o.lockFile ? { lockFile: o.lockFile } : {}),
    }),
    { signal: local.signal, env: o.io.env, ...(o.verbose ? { onStdout: (c) => o.io.stderr(c.toString('utf8')) } : {}) },
  );
  const late = loadLateModules();
  // Awaited below; a failure before then (supermin failing first) must not become an unhandled rejection.
  late.catch(() => undefined);
  let superminFinished = false;
  void superminDone.then(
    () => (superminFinished = true),
    () => undefined,
  );
  const aheadDone = (async () => {
    const host = await hostPackages(admindir, local.signal);
    const closure = dpkgClosure(o.packages, host.stanzas, host.arch);
    const aheadWarnings: string[] = [];
    const classified = await classifyScripts(late, closure, host.installed, { ...o, signal: local.signal }, progress, aheadWarnings);
    // The host side of the image view, also ahead: the packages' file lists and their directories
    // resolved on the host (a realpath each) depend only on the package set.
    const lists = dpkgFileLists(admindir, closure);
    const visible = HostPackageView.visiblePaths('/', [...lists.values()].flat());
    if (!superminFinished) progress('supermin --prepare', 0, 1);
    return { host, closure, classified, aheadWarnings, lists, visible };
  })();
  let ahead: Awaited<typeof aheadDone>;
  try {
    [, ahead] = await Promise.all([superminDone, aheadDone]);
  } catch (e) {
    local.abort();
    await Promise.allSettled([superminDone, aheadDone]);
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', abort);
  }
  const closure = dpkgClosure(keptNames(superminDir), ahead.host.stanzas, ahead.host.arch);
  let installScripts: Package[];
  let assessments: Map<Scriptlet, ScriptAssessment>;
  const same = sameClosure(closure, ahead.closure);
  if (same) {
    ({ packages: installScripts, assessments } = ahead.classified);
    warnings.push(...ahead.aheadWarnings);
  } else {
    ({ packages: installScripts, assessments } = await classifyScripts(late, closure, ahead.host.installed, o, progress, warnings));
  }

  progress('applying actions', 0, 1);
  const lists = same ? ahead.lists : dpkgFileLists(admindir, closure);
  const basePaths = await unpackBase(superminDir, join(o.workDir, 'base'), o.signal);
  const image = new HostPackageView({
    root: '/',
    listed: [...lists.values()].flat(),
    ...(same ? { visible: ahead.visible } : {}),
    base: join(o.workDir, 'base'),
    basePaths,
  });
  const hook = startHook(image);
  const epoch = sourceDateEpoch(o.io.env, Math.floor(Date.now() / 1000));
  const { planAndApply, planErrors } = await late;
  const { plan, applied, verdicts, withdrawn } = planAndApply({ packages: installScripts, assessments }, image, {
    epoch,
    sysvinit: hook.init === 'sysvinit',
    timeoutSeconds,
  });
  const errors = planErrors(plan);
  if (errors.length > 0) throw errors[0];
  const view = new LayeredView(image, applied.staging);

  // The deferred steps, debconf's steps before each package's first one, then the cache refreshes
  // (first-boot-files.ts, shared with `verify --first-boot`).
  const first = firstBootSteps({ plan, applied, view, packages: installScripts, timeoutSeconds });
  const steps = first.steps;
  warnings.push(...first.warnings);

  // Everything the agent and its scripts need must be in the image.
  const analyses = new Map<string, ScriptAssessment['analysis']>();
  const scriptOf = new Map<string, Scriptlet>();
  for (const p of installScripts) for (const s of p.scriptlets) scriptOf.set(`${s.package}\0${s.phase}`, s);
  for (const step of plan.deferred) {
    const s = scriptOf.get(`${step.package}\0${step.phase}`);
    const a = s && assessments.get(s);
    if (a) analyses.set(step.id, a.analysis);
  }
  let owners: Map<string, string[]> | undefined;
  const ownersOf = (path: string): string[] => (owners ??= dpkgPathOwners(admindir)).get(path) ?? [];
  const agentNeeds: DeferredStep = { id: 'agent', package: 'scriptlet', phase: 'postinst', interpreter: ['/bin/sh'], script: '', args: [], env: {}, timeoutSeconds: 1, reason: '' };
  const check = checkDeferredTools(steps.length > 0 ? [agentNeeds, ...steps] : steps, view, ownersOf, analyses);
  if (check.errors.length > 0) throw check.errors[0];
  warnings.push(...check.warnings);
  if (o.format !== 'chroot') warnings.push(...initWrapperWarnings(view, hook.init, steps.length));

  // supermin copies host files after unpacking tarballs: a staged package file would be overwritten,
  // so it is left out of the overlay; the image gets the host's copy, as the host's scripts left it.
  // Only a listed path with a staged file's name can be one (canonical keeps the last component),
  // so the other tens of thousands are not resolved.
  const staged = stagedEntries(applied, view);
  const stagedNames = new Set(staged.map((e) => e.path.slice(e.path.lastIndexOf('/') + 1)));
  const packageFiles = new Set(
    [...lists.values()]
      .flat()
      .filter((p) => stagedNames.has(p.slice(p.lastIndexOf('/') + 1)))
      .map((p) => view.canonical(p)),
  );
  const base = new Set(basePaths);
  const overwritten = (e: OverlayEntry): boolean => e.type === 'file' && packageFiles.has(`/${e.path}`) && !base.has(`/${e.path}`);
  for (const e of staged.filter(overwritten)) {
    warnings.push(`/${e.path} is shipped by a package: supermin copies the host's file (with the host's owner and mode) instead of the build's change`);
  }
  // base-passwd's preinst makes /etc/passwd from its master copy; without either there is no root.
  if (!/^root:[^:]*:0:/m.test(view.readFile('/etc/passwd')?.toString('utf8') ?? '') && !view.lstat('/usr/share/base-passwd/passwd.master')) {
    warnings.push('the image has no root account in /etc/passwd: add base-passwd to the package list');
  }
  for (const r of applied.removals) warnings.push(`${r} should be removed, which an overlay cannot do; it stays in the image`);

  const manifest = buildManifest({
    request: { packages: [...o.packages], useInstalled: o.useInstalled, policy: o.policy ?? null },
    packages: closure.map((p: ClosurePackage) => ({ ...p, requested: o.packages.includes(p.name) })),
    init: hook.init,
    scripts: installScripts.flatMap((p) =>
      p.scriptlets.map((s) => ({ scriptlet: s, verdict: verdicts.get(s) as Verdict, withdrawn: withdrawn.has(s) })),
    ),
    plan,
    applied: applied.applied,
    steps,
    warnings,
  });
  const manifestText = renderManifest(manifest);

  progress('writing the overlay', 0, 1);
  const guestAgent = guestAgentDir();
  const entries: OverlayEntry[] = [
    ...staged.filter((e) => !overwritten(e)),
    ...deferredEntries(first),
    // latin1 in and out keeps every byte of the host's stanzas (a Description need not be UTF-8).
    { type: 'file', path: 'var/lib/dpkg/status', mode: 0o644, content: Buffer.from(applianceDpkgStatus(readFileSync(join(admindir, 'status'), 'latin1'), closure), 'latin1') },
    ...dpkgInfoFiles(readdirSync(join(admindir, 'info')), closure).map(
      (n): OverlayEntry => ({ type: 'file', path: `var/lib/dpkg/info/${n}`, mode: 0o644, content: readFileSync(join(admindir, 'info', n)) }),
    ),
    ...agentEntries((source) => readFileSync(join(guestAgent, source)), manifestText),
    ...hook.entries,
  ];
  const tops = [...new Set(entries.map((e) => e.path.split('/')[0] as string))];
  await writeOverlayTar(join(superminDir, OVERLAY_NAME), entries, { mtime: epoch, allowTopLevel: tops });
  writeFileSync(join(outDir, MANIFEST_NAME), manifestText);
  return { manifest, superminDir };
}

/** The closure's install scripts, read and classified by policy. */
async function classifyScripts(
  late: Promise<LateModules>,
  closure: readonly ClosurePackage[],
  installed: ReadonlyMap<string, Package>,
  o: PrepareOptions,
  progress: (stage: string, done: number, total: number) => void,
  warnings: string[],
): Promise<Classified> {
  const packages = await readPackages(late, closure, installed, o, progress, warnings);
  const installScripts = packages.map((p) => ({ ...p, scriptlets: p.scriptlets.filter((s) => isInstallPhase(s.phase)) }));
  const { assessPackages, policyChooser } = await late;
  const policies = new Map<string, LoadedPolicy>();
  try {
    const choose = policyChooser(o.io, o.policy, policies);
    if (!o.classificationCache) {
      const assessments = await assessPackages(installScripts, choose, (d, t) => progress('classifying scripts', d, t));
      return { packages: installScripts, assessments };
    }
    const cache = new ClassificationCache(o.classificationCache);
    const code = codeFingerprint();
    const policyKeys = new Map<LoadedPolicy, string>();
    const keys = new Map<Scriptlet, string>();
    const known = new Map<Scriptlet, ScriptAssessment>();
    const unknown: Package[] = [];
    for (const p of installScripts) {
      const missing: Scriptlet[] = [];
      for (const s of p.scriptlets) {
        const loaded = choose(s.format);
        let policyKey = policyKeys.get(loaded);
        if (policyKey === undefined) policyKeys.set(loaded, (policyKey = policyFingerprint(loaded.policy)));
        const key = classificationKey(code, policyKey, p, s);
        const hit = cache.get(key);
        if (hit) known.set(s, hit);
        else {
          keys.set(s, key);
          missing.push(s);
        }
      }
      if (missing.length > 0) unknown.push({ ...p, scriptlets: missing });
    }
    const fresh = await assessPackages(unknown, choose, (d, t) => progress('classifying scripts', d, t));
    for (const [s, a] of fresh) cache.put(keys.get(s) as string, a);
    // In the packages' order, as a run without the cache has it.
    const assessments = new Map<Scriptlet, ScriptAssessment>();
    for (const p of installScripts) for (const s of p.scriptlets) assessments.set(s, (known.get(s) ?? fresh.get(s)) as ScriptAssessment);
    return { packages: installScripts, assessments };
  } finally {
    for (const loaded of policies.values()) loaded.runtime.dispose();
  }
}

async function readPackages(
  late: Promise<LateModules>,
  closure: readonly ClosurePackage[],
  installed: ReadonlyMap<string, Package>,
  o: PrepareOptions,
  progress: (stage: string, done: number, total: number) => void,
  warnings: string[],
): Promise<Package[]> {
  const fromDb = closure.map((c) => {
    const p = installed.get(`${c.name}:${c.arch}`);
    if (!p) throw new ScriptletError('E_BUILD', `${c.name} is not installed on this host`, { package: c.name });
    return p;
  });
  if (o.useInstalled) return fromDb;
  // dpkg keeps every control script of an installed package in info/: a package with none there
  // has none in its .deb either, so only the others are downloaded.
  const withScripts = fromDb.filter((p) => p.scriptlets.length > 0);
  progress('downloading packages', 0, withScripts.length);
  const { files, unavailable } = await downloadDebs(withScripts, o.debCache, {
    signal: o.signal,
    onProgress: (d, t) => progress('downloading packages', d, t),
  });
  if (unavailable.length > 0) {
    // The host database holds the same scripts for the same version; only the source differs.
    warnings.push(`no APT source offers the installed version of ${unavailable.join(', ')}: their scripts were read from the host dpkg database`);
  }
  const { readPackageFile } = await late;
  const read = new Map<string, Package>();
  let done = 0;
  for (const p of withScripts) {
    const file = files.get(p.name);
    if (!file) continue;
    const pkg = await readPackageFile(file);
    if (pkg.name !== p.name || pkg.version !== p.version) {
      throw new ScriptletError('E_BUILD', `${file} holds ${pkg.name} ${pkg.version}, not the installed ${p.name} ${p.version}`, { file, package: p.name });
    }
    read.set(p.name, pkg);
    progress('reading packages', ++done, withScripts.length);
  }
  return fromDb.map((p) => read.get(p.name) ?? p);
}
