/**
 * `scriptlet verify`: builds a package set two ways and compares what the scripts leave behind.
 * The reference is a real install (dpkg runs every script); the other side is the same .deb
 * files unpacked with no script run, plus scriptlet's plan applied by the appliers. Differences
 * are explained only by work the plan defers to first boot (explain-difference.ts); anything else
 * is a fault in a translator, an applier, the plan or the policy.
 *
 * The effects (mmdebstrap, tar, the work directory) are here; comparison and attribution are pure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Action } from '../actions/action.js';
import { type ImageView, readText } from '../apply/image-view.js';
import { LayeredView } from '../apply/layered-view.js';
import type { PolicyChooser } from '../audit/assess-packages.js';
import type { ScriptAssessment } from '../audit/build-audit-result.js';
import { UsageError } from '../errors.js';
import { interpreterFromShebang } from '../formats/deb/interpreter-from-shebang.js';
import type { Scriptlet } from '../formats/types.js';
import { planAndApply } from '../appliance/plan-and-apply.js';
import { startHook } from '../build/start-hook.js';
import { DEFAULT_STEP_TIMEOUT } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import { analyse } from '../shell/analyse.js';
import type { Analysis } from '../shell/analysis.js';
import { renderPlanJson } from '../report/render-plan-json.js';
import { readAccountState } from './account-state.js';
import { compareStates } from './compare-states.js';
import { type DeferredAction, type DeferredScript, explainDifferences } from './explain-difference.js';
import { readImageFacts } from './image-facts.js';
import { ownProgramResolver, parseDpkgList } from './own-programs.js';
import { ensureReference } from './reference-build.js';
import { readTarTree, type TarTree } from './tar-tree.js';
import { readTreeState } from './tree-state.js';
import { readUnpackedSide } from './unpacked-side.js';
import { countApplied, type ExplainedDifference, type VerifyResult } from './verify-result.js';

/**
 * The whole tree is compared; /etc and /var, where scripts do nearly all their work, are also
 * read with contents (the rest by digest from the tarballs' indexes).
 */
export const CONTENT_ROOTS = ['/etc', '/var'] as const;

export interface VerifyOptions {
  packages: readonly string[];
  suite: string;
  mirrors: readonly string[];
  cacheDir: string;
  /** Keep the unpacked image (with the plan applied), the plan and the owners here. */
  keep?: string;
  choosePolicy: PolicyChooser;
  /** Seconds since the epoch for new shadow entries. */
  epoch: number;
  onStage?: (stage: string) => void;
  onLine?: (line: string) => void;
}

/** `Package=Version` of every installed package in a dpkg status file. */
export function installedPackages(status: string): string[] {
  const out: string[] = [];
  for (const para of status.split(/\n\s*\n/)) {
    const field = (name: string): string | undefined => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(para)?.[1]?.trim();
    const pkg = field('Package');
    const version = field('Version');
    if (pkg && version && /\binstalled$/.test(field('Status') ?? '')) out.push(`${pkg}=${version}`);
  }
  return out.sort();
}

/** Each package's file list as the reference's dpkg recorded it (info/PKG.list or info/PKG:ARCH.list). */
export function packageFiles(reference: TarTree): (pkg: string) => string[] | undefined {
  let names: string[] | undefined;
  return (pkg) => {
    names ??= reference.list('/var/lib/dpkg/info');
    const file = names.find((n) => n === `${pkg}.list`) ?? names.find((n) => n.startsWith(`${pkg}:`) && n.endsWith('.list'));
    const text = file === undefined ? undefined : reference.readFile(`/var/lib/dpkg/info/${file}`);
    return text ? parseDpkgList(text.toString('utf8')) : undefined;
  };
}

/** Unpacks a root tarball for reading, without device nodes and documentation. */
async function deferredScripts(
  plan: Plan,
  assessments: ReadonlyMap<Scriptlet, ScriptAssessment>,
  image: ImageView,
  ownProgram: (pkg: string, name: string) => string | undefined,
): Promise<DeferredScript[]> {
  const byScript = new Map<string, [Scriptlet, ScriptAssessment]>();
  for (const [s, a] of assessments) byScript.set(`${s.package}\0${s.phase}`, [s, a]);
  const sourcedCache = new Map<string, { path: string; script: string; analysis?: Analysis } | undefined>();
  const readSourced = async (path: string, like: Scriptlet): Promise<{ path: string; script: string; analysis?: Analysis } | undefined> => {
    if (!sourcedCache.has(path)) {
      const text = readText(image, path);
      // A sourced file runs in the script's own shell: analyse it as part of that script.
      // A Perl or Python helper is read as text only.
      const shell = text !== undefined && ['sh', 'bash'].includes(interpreterFromShebang(text).kind);
      sourcedCache.set(path, text === undefined ? undefined : { path, script: text, ...(shell ? { analysis: await analyse({ ...like, body: text, origin: path }) } : {}) });
    }
    return sourcedCache.get(path);
  };
  const out: DeferredScript[] = [];
  for (const step of plan.deferred) {
    const found = byScript.get(`${step.package}\0${step.phase}`);
    const analysis = found?.[1].analysis;
    const sourced = [];
    // Sourced files, helper scripts it runs by absolute path
    // (/usr/share/postgresql-common/pg_updateaptconfig) and scripts of its own package it runs by
    // name (update-exim4defaults): their text is part of what the step does.
    const helpers = (analysis?.commands ?? [])
      .map((c) => c.name)
      .map((n) => (n === null || n.startsWith('/') ? n : ownProgram(step.package, n) ?? null))
      .filter((n): n is string => n !== null && n.startsWith('/') && readText(image, n)?.startsWith('#!') === true);
    for (const path of [...new Set([...(analysis?.sourced ?? []), ...helpers])]) {
      const s = found && (await readSourced(path, found[0]));
      if (s) sourced.push(s);
    }
    out.push({ id: step.id, package: step.package, phase: step.phase, reason: step.reason, script: step.script, ...(analysis ? { analysis } : {}), ...(sourced.length > 0 ? { sourced } : {}) });
  }
  return out;
}

export async function runVerify(opts: VerifyOptions): Promise<VerifyResult> {
  opts.onStage?.('building the reference install and the unpacked image (mmdebstrap; cached by package set)');
  const set = await ensureReference({ packages: opts.packages, suite: opts.suite, mirrors: opts.mirrors, cacheDir: opts.cacheDir, ...(opts.onLine ? { onLine: opts.onLine } : {}) });

  opts.onStage?.('reading the reference');
  const reference: TarTree = await readTarTree(set.reference, { contentUnder: CONTENT_ROOTS });
  const installed = installedPackages(reference.readFile('/var/lib/dpkg/status')?.toString('utf8') ?? '');

  const work = opts.keep ? resolve(opts.keep) : mkdtempSync(join(tmpdir(), 'scriptlet-verify-'));
  const imageDir = join(work, 'image');
  try {
    if (opts.keep) rmSync(imageDir, { recursive: true, force: true });
    const { metadata, image, packages, packageMismatch, assessments } = await readUnpackedSide(set, installed, imageDir, opts);
    // As a build does: a script whose translation cannot be applied is deferred whole, so none of
    // its other actions are applied either.
    opts.onStage?.('planning and applying as a build does');
    const { plan, applied, withdrawn } = planAndApply({ packages, assessments }, image, {
      epoch: opts.epoch,
      sysvinit: startHook(image).init === 'sysvinit',
      timeoutSeconds: DEFAULT_STEP_TIMEOUT,
    });
    const result = new LayeredView(image, applied.staging);

    opts.onStage?.('reading the states');
    const staged = (p: string): boolean => applied.staging.get(p)?.type === 'file';
    const states = {
      // Names through the image's own account files once scriptlet made them.
      pristine: readTreeState(image, ['/'], { digest: (p) => metadata.digest(p), accounts: result }),
      reference: readTreeState(reference, ['/'], { digest: (p) => reference.digest(p) }),
      scriptlet: readTreeState(result, ['/'], { digest: (p) => (staged(p) ? undefined : metadata.digest(p)) }),
    };
    opts.onStage?.('comparing');
    const comparison = compareStates({
      ...states,
      referenceAccounts: readAccountState(reference),
      scriptletAccounts: readAccountState(result),
    });
    opts.onStage?.('explaining the differences');
    const askers = new Map<Action, string[]>(plan.actions.map((a) => [a.action, [...new Set(a.from.map((f) => f.package))]]));
    const deferredActions: DeferredAction[] = applied.deferred.map((w) => ({
      actions: w.actions,
      reason: w.reason,
      packages: [...new Set(w.actions.flatMap((a) => askers.get(a) ?? []))].sort(),
    }));
    const explanations = explainDifferences(comparison.differences, await deferredScripts(plan, assessments, image, ownProgramResolver(packageFiles(reference))), deferredActions, readImageFacts(image));
    const explained: ExplainedDifference[] = [];
    const unexplained = comparison.differences.filter((d, i) => {
      const by = explanations[i] ?? [];
      if (by.length > 0) explained.push({ ...d, explainedBy: by });
      return by.length === 0;
    });

    if (opts.keep) {
      const owners = applied.staging.applyToDirectory(imageDir);
      writeFileSync(join(work, 'staged-owners.json'), `${JSON.stringify(owners, null, 1)}\n`);
      writeFileSync(join(work, 'plan.json'), renderPlanJson(plan));
      writeFileSync(join(work, 'removals.txt'), applied.removals.map((r) => `${r}\n`).join(''));
    }
    return {
      packages: [...opts.packages].sort(),
      suite: opts.suite,
      reference: { dir: set.dir, cached: set.cached },
      installed,
      packageMismatch,
      plan: plan.summary,
      withdrawn: [...withdrawn].map((s) => `${s.package} ${s.phase}`).sort(),
      applied: countApplied(applied.applied),
      matches: comparison.matches,
      explained,
      unexplained,
      excluded: comparison.excluded,
      untouched: comparison.untouched,
      ...(opts.keep ? { kept: work } : {}),
    };
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

export function checkKeepDir(dir: string): void {
  if (dir.trim() === '' || resolve(dir) === '/') throw new UsageError(`--keep needs a directory of its own, not ${JSON.stringify(dir)}`);
}
