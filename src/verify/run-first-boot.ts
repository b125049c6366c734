/**
 * `scriptlet verify --first-boot`: the image a build leaves, booted once, against the real install.
 * The .deb files of the reference set are unpacked with no script run; scriptlet classifies and
 * plans their scripts and applies the plan as a build does (plan-and-apply.ts, withdrawing a
 * translation it cannot apply); the same first-boot material a build writes (first-boot-files.ts:
 * staged files, deferred plan, debconf template loads, cache refreshes, the agent and its start
 * hook), with the reference's dpkg database as an appliance carries its host's, goes into an
 * overlay; mmdebstrap unpacks the packages again with the overlay on top and runs the agent
 * (first-boot-tree.ts). The result is compared with the reference, and what differs must be
 * per-machine state, scriptlet's own files or the order of dynamic ids (explain-first-boot.ts).
 *
 * The effects (mmdebstrap, the work directory) are here; comparison and attribution are pure.
 * The booted tree is not cached: it depends on the policy, the plan and scriptlet itself.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AGENT_FILES, AGENT_PREFIX, AGENT_STATE_DIR } from '../appliance/agent-layout.js';
import { agentEntries, deferredEntries, firstBootSteps, stagedEntries } from '../appliance/first-boot-files.js';
import { writeOverlayTar, type OverlayEntry } from '../appliance/overlay-tar.js';
import { planAndApply } from '../appliance/plan-and-apply.js';
import { LayeredView } from '../apply/layered-view.js';
import { guestAgentDir } from '../build/guest-agent-dir.js';
import { startHook } from '../build/start-hook.js';
import { DEFAULT_STEP_TIMEOUT } from '../plan/build-plan.js';
import { readAccountState } from './account-state.js';
import { agentOutcome } from './agent-outcome.js';
import { compareStates, type Difference } from './compare-states.js';
import { explainFirstBoot } from './explain-first-boot.js';
import { buildFirstBootTree } from './first-boot-tree.js';
import type { AcceptedDifference, FirstBootResult } from './first-boot-result.js';
import { ensureReference } from './reference-build.js';
import { CONTENT_ROOTS, installedPackages, type VerifyOptions } from './run-verify.js';
import { readUnpackedSide } from './unpacked-side.js';
import { countApplied } from './verify-result.js';
import { readTarTree, type TarTree } from './tar-tree.js';
import { readTreeState } from './tree-state.js';

/** dpkg's database as the reference recorded it: an appliance carries its host's, so scripts that ask dpkg see every package installed. */
function dpkgDatabase(reference: TarTree): OverlayEntry[] {
  const out: OverlayEntry[] = [];
  const status = reference.readFile('/var/lib/dpkg/status');
  if (status) out.push({ type: 'file', path: 'var/lib/dpkg/status', mode: 0o644, content: status });
  for (const name of reference.list('/var/lib/dpkg/info')) {
    const path = `/var/lib/dpkg/info/${name}`;
    const st = reference.lstat(path);
    const content = st?.type === 'file' ? reference.readFile(path) : undefined;
    if (st && content) out.push({ type: 'file', path: path.slice(1), mode: st.mode & 0o7777, content });
  }
  return out;
}

export async function runFirstBootVerify(opts: VerifyOptions): Promise<FirstBootResult> {
  opts.onStage?.('building the reference install and the unpacked image (mmdebstrap; cached by package set)');
  const set = await ensureReference({ packages: opts.packages, suite: opts.suite, mirrors: opts.mirrors, cacheDir: opts.cacheDir, ...(opts.onLine ? { onLine: opts.onLine } : {}) });

  opts.onStage?.('reading the reference');
  const reference = await readTarTree(set.reference, { contentUnder: CONTENT_ROOTS });
  const installed = installedPackages(reference.readFile('/var/lib/dpkg/status')?.toString('utf8') ?? '');

  const work = opts.keep ? resolve(opts.keep) : mkdtempSync(join(tmpdir(), 'scriptlet-verify-'));
  const imageDir = join(work, 'image');
  try {
    if (opts.keep) rmSync(imageDir, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const { metadata, image, packages, packageMismatch, assessments } = await readUnpackedSide(set, installed, imageDir, opts);

    opts.onStage?.('planning and applying as a build does');
    const hook = startHook(image);
    const timeoutSeconds = DEFAULT_STEP_TIMEOUT;
    const { plan, applied, withdrawn } = planAndApply({ packages, assessments }, image, { epoch: opts.epoch, sysvinit: hook.init === 'sysvinit', timeoutSeconds });
    const view = new LayeredView(image, applied.staging);
    const first = firstBootSteps({ plan, applied, view, packages, timeoutSeconds });
    const agentDir = guestAgentDir();
    const entries: OverlayEntry[] = [
      ...stagedEntries(applied, view),
      ...deferredEntries(first),
      ...dpkgDatabase(reference),
      ...agentEntries((source) => readFileSync(join(agentDir, source))),
      ...hook.entries,
    ];
    const overlay = join(work, 'overlay.tar');
    const tops = [...new Set(entries.map((e) => e.path.split('/')[0] as string))];
    await writeOverlayTar(overlay, entries, { mtime: opts.epoch, allowTopLevel: tops });

    opts.onStage?.(`unpacking again with the overlay and running the guest agent (${first.steps.length} steps; mmdebstrap)`);
    const booted = join(work, 'first-boot.tar');
    await buildFirstBootTree({ debs: set.debs, suite: opts.suite, mirrors: opts.mirrors, overlay, output: booted, ...(opts.onLine ? { onLine: opts.onLine } : {}) });

    opts.onStage?.('reading the booted image');
    const after = await readTarTree(booted, { contentUnder: CONTENT_ROOTS });
    const stateFile = (rel: string): string | undefined => after.readFile(`/${AGENT_STATE_DIR}/${rel}`)?.toString('utf8');
    const agent = agentOutcome(stateFile('status.json'), stateFile, first.steps.length);

    opts.onStage?.('comparing');
    const afterAccounts = readAccountState(after);
    const builtAccounts = readAccountState(view);
    const comparison = compareStates({
      pristine: readTreeState(metadata, ['/'], { digest: (p) => metadata.digest(p), accounts: after }),
      reference: readTreeState(reference, ['/'], { digest: (p) => reference.digest(p) }),
      scriptlet: readTreeState(after, ['/'], { digest: (p) => after.digest(p) }),
      referenceAccounts: readAccountState(reference),
      scriptletAccounts: afterAccounts,
    });
    const ownPaths = [...new Set([`/${AGENT_PREFIX}`, `/${AGENT_STATE_DIR}`, ...AGENT_FILES.map((f) => `/${f.target}`), ...hook.entries.map((e) => `/${e.path}`)])].sort();
    const explanations = explainFirstBoot(comparison.differences, {
      ownPaths,
      madeAtFirstBoot: {
        users: [...afterAccounts.users.keys()].filter((u) => !builtAccounts.users.has(u)).sort(),
        groups: [...afterAccounts.groups.keys()].filter((g) => !builtAccounts.groups.has(g)).sort(),
      },
      content: (side, path) => (side === 'reference' ? reference : after).readFile(path),
    });
    const accepted: AcceptedDifference[] = [];
    const unexplained: Difference[] = [];
    comparison.differences.forEach((d, i) => {
      const e = explanations[i];
      if (e) accepted.push({ ...d, ...e });
      else unexplained.push(d);
    });
    return {
      packages: [...opts.packages].sort(),
      suite: opts.suite,
      reference: { dir: set.dir, cached: set.cached },
      installed,
      packageMismatch,
      plan: plan.summary,
      applied: countApplied(applied.applied),
      withdrawn: [...withdrawn].map((s) => `${s.package} ${s.phase}`).sort(),
      steps: first.steps.length,
      agent,
      matches: comparison.matches,
      accepted,
      unexplained,
      excluded: comparison.excluded,
      untouched: comparison.untouched,
      warnings: [...first.warnings, ...applied.removals.map((r) => `${r} should be removed, which an overlay cannot do; it stays in the image`)],
      ...(opts.keep ? { kept: work } : {}),
    };
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}
