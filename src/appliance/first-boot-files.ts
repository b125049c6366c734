/**
 * What a build leaves for first boot, apart from the image's own files: the deferred steps (the
 * plan's deferred scripts, each package's debconf templates loaded and its config script run before
 * its first step, then the cache refreshes the appliers left) and the overlay entries that carry
 * them, the files the plan staged, and the guest agent. `scriptlet prepare` writes these into the appliance and
 * `scriptlet verify --first-boot` runs them in a copy of the image, so both come from here. Pure:
 * the plan, the applied result and the image view in; steps and overlay entries out.
 */
import type { ApplyResult } from '../apply/apply-actions.js';
import type { ImageView } from '../apply/image-view.js';
import type { LayeredView } from '../apply/layered-view.js';
import { findInPath } from '../build/check-deferred-tools.js';
import type { Package } from '../formats/types.js';
import type { Plan } from '../plan/plan.js';
import { DEB_PATH, freshInstallInvocation } from '../plan/script-invocation.js';
import { AGENT_FILES, AGENT_PREFIX, DEFERRED_DIR } from './agent-layout.js';
import { renderDeferredPlan, type DeferredStep } from './deferred-plan.js';
import type { OverlayEntry } from './overlay-tar.js';

export interface FirstBootSteps {
  /** In run order: each package's templates step just before its first step, cache refreshes last. */
  steps: DeferredStep[];
  /** The debconf templates the templates steps load. */
  templateFiles: OverlayEntry[];
  /** Cache refreshes left out because their program is not in the image. */
  warnings: string[];
}

/** Cache refreshes the build left to first boot, one step each, after the scripts (as dpkg runs triggers last). */
function cacheSteps(applied: ApplyResult, plan: Plan, view: ImageView, timeoutSeconds: number, warnings: string[]): DeferredStep[] {
  const steps: DeferredStep[] = [];
  let n = plan.deferred.length;
  for (const work of applied.deferred) {
    if (!work.command || work.command.length === 0) continue;
    const first = work.actions[0];
    const kind = first?.kind === 'cache' ? first.cache : 'action';
    const [program, ...rest] = work.command as [string, ...string[]];
    const path = findInPath(view, program);
    const owner = plan.actions.find((a) => a.action === first)?.from[0];
    if (!path) {
      warnings.push(`the ${kind} refresh is skipped: ${program} is not in the appliance`);
      continue;
    }
    n += 1;
    steps.push({
      id: `${String(n).padStart(3, '0')}-scriptlet.${kind}`.slice(0, 128),
      package: owner?.package ?? 'scriptlet',
      phase: owner?.phase ?? 'postinst',
      interpreter: [path, ...rest],
      script: '',
      args: [],
      env: { PATH: DEB_PATH },
      timeoutSeconds,
      reason: work.reason,
    });
  }
  return steps;
}

export function firstBootSteps(input: { plan: Plan; applied: ApplyResult; view: ImageView; packages: readonly Package[]; timeoutSeconds: number }): FirstBootSteps {
  const { plan, applied, view, timeoutSeconds } = input;
  const warnings: string[] = [];
  // Nobody answers debconf questions at first boot: the scripts take the templates' defaults, as in
  // any unattended install. dpkg-preconfigure loads a package's templates before its config and
  // postinst run; here a step does the same with debconf's own modules (what debconf-utils'
  // debconf-loadtemplate does), just before the package's first step. DEBCONF_PACKAGE names the
  // package, which debconf's frontend otherwise guesses from the script's file name (`pkg.postinst`).
  const templatesOf = new Map(input.packages.filter((p) => p.templates).map((p) => [p.name, p.templates as string]));
  // dpkg-preconfigure also runs each package's config script before its preinst and postinst (and
  // debconf's frontend runs it again for a postinst named PKG.postinst): config asks the questions,
  // and the scripts after it read the answers. A config script the policy did not defer is run here
  // just before a deferred preinst or postinst, so that step reads what it would in a real install.
  const configOf = new Map(
    input.packages.flatMap((p) => p.scriptlets.filter((s) => s.phase === 'config' && s.format === 'deb').map((s) => [p.name, { pkg: p, s }] as const)),
  );
  const configDeferred = new Set(plan.deferred.filter((d) => d.phase === 'config').map((d) => d.package));
  const templateFiles: OverlayEntry[] = [];
  const seen = new Set<string>();
  const withDebconf = (step: DeferredStep): DeferredStep[] => {
    const text = templatesOf.get(step.package);
    const env = { DEBIAN_FRONTEND: 'noninteractive', ...(text ? { DEBCONF_PACKAGE: step.package } : {}), ...step.env };
    if (seen.has(step.package)) return [{ ...step, env }];
    seen.add(step.package);
    const prefix = step.id.split('-')[0];
    const before: DeferredStep[] = [];
    if (text) {
      const id = `${prefix}-${step.package}.templates`.slice(0, 128);
      const file = `${DEFERRED_DIR}/${id}/templates`;
      templateFiles.push({ type: 'file', path: file, mode: 0o644, content: text });
      before.push({
        id,
        package: step.package,
        phase: step.phase,
        interpreter: [
          '/usr/bin/perl',
          '-MDebconf::Db',
          '-MDebconf::Template',
          '-e',
          'Debconf::Db->load; Debconf::Template->load($ARGV[1], $ARGV[0]); Debconf::Db->save;',
          step.package,
          `/${file}`,
        ],
        script: '',
        args: [],
        env: { PATH: step.env.PATH ?? DEB_PATH },
        timeoutSeconds: step.timeoutSeconds,
        reason: `loads the debconf templates of ${step.package} before its scripts run, as dpkg-preconfigure does`,
      });
    }
    const config = configOf.get(step.package);
    if (config && !configDeferred.has(step.package) && (step.phase === 'preinst' || step.phase === 'postinst')) {
      const inv = freshInstallInvocation(config.pkg, config.s);
      before.push({
        id: `${prefix}-${step.package}.config`.slice(0, 128),
        package: step.package,
        phase: 'config',
        interpreter: inv.interpreter,
        script: inv.script,
        ...(inv.scriptEncoding ? { scriptEncoding: inv.scriptEncoding } : {}),
        args: inv.args,
        env: { DEBIAN_FRONTEND: 'noninteractive', DEBCONF_PACKAGE: step.package, ...inv.env },
        timeoutSeconds: step.timeoutSeconds,
        reason: `runs the debconf config script of ${step.package} before its deferred ${step.phase}, as dpkg-preconfigure does: the ${step.phase} reads the answers it sets`,
      });
    }
    return [...before, { ...step, env }];
  };
  const steps: DeferredStep[] = [
    ...plan.deferred.flatMap(({ stage: _s, cause: _c, rule: _r, triggers: _t, ...step }) => withDebconf(step)),
    ...cacheSteps(applied, plan, view, timeoutSeconds, warnings),
  ];
  return { steps, templateFiles, warnings };
}

/** The deferred plan's files and the templates its steps load (none without steps). */
export function deferredEntries(first: Pick<FirstBootSteps, 'steps' | 'templateFiles'>): OverlayEntry[] {
  const deferredFiles = first.steps.length > 0 ? renderDeferredPlan(first.steps) : new Map();
  return [...[...deferredFiles].map(([path, f]): OverlayEntry => ({ type: 'file', path, mode: f.mode, content: f.contents })), ...first.templateFiles];
}

/** Staged image paths as overlay paths: parents canonical in the image, so no top-level merged-/usr symlink is replaced. */
export function stagedEntries(applied: ApplyResult, view: LayeredView): OverlayEntry[] {
  return applied.staging.toOverlayEntries().map((e) => ({ ...e, path: view.canonical(`/${e.path}`).slice(1) }));
}

/** The guest agent and its start hooks (`read` gives a file of guest-agent/), and the build's manifest beside them. */
export function agentEntries(read: (source: string) => Uint8Array, manifest?: string): OverlayEntry[] {
  return [
    ...AGENT_FILES.map((f): OverlayEntry => ({ type: 'file', path: f.target, mode: f.mode, content: read(f.source) })),
    ...(manifest === undefined ? [] : [{ type: 'file', path: `${AGENT_PREFIX}/manifest.json`, mode: 0o644, content: manifest } as const]),
  ];
}
