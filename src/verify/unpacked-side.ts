/**
 * scriptlet's side of both verify modes, up to the plan: the reference set's .deb files unpacked
 * with no script run (owners from the tarball's index), their install scripts read, analysed and
 * classified, and the packages checked against what the reference installed.
 */
import { mkdirSync } from 'node:fs';
import { HostImageView } from '../apply/image-view.js';
import { assessPackages, type PolicyChooser } from '../audit/assess-packages.js';
import type { ScriptAssessment } from '../audit/build-audit-result.js';
import { gatherPackages } from '../audit/gather-packages.js';
import { ToolError } from '../errors.js';
import { isInstallPhase, type Package, type Scriptlet } from '../formats/types.js';
import { runTool } from '../process/run-tool.js';
import { OwnedView } from './owned-view.js';
import type { ReferenceSet } from './reference-build.js';
import { readTarTree, type TarTree } from './tar-tree.js';

/** Documentation directories, which no script's work is compared in and nothing applied reads. */
export const DOC_DIRS = ['/usr/share/doc', '/usr/share/man', '/usr/share/locale', '/usr/share/info'] as const;

export interface UnpackedSide {
  /** The unpacked tarball's index: owners, modes and digests as mmdebstrap recorded them. */
  metadata: TarTree;
  image: OwnedView;
  /** The packages with their install-phase scripts only. */
  packages: Package[];
  /** Packages installed by the reference whose .deb was not unpacked, or the reverse. */
  packageMismatch: string[];
  assessments: Map<Scriptlet, ScriptAssessment>;
}

export async function unpack(tarball: string, into: string): Promise<void> {
  mkdirSync(into, { recursive: true });
  // Device nodes cannot be made without root and are never compared. Documentation is a third
  // of the files and nothing applied reads it; the view still lists it from the tarball.
  const skipped = ['./dev/*', ...DOC_DIRS.map((d) => `.${d}/*`)];
  const res = await runTool(['tar', '-x', '-f', tarball, '-C', into, ...skipped.map((s) => `--exclude=${s}`), '--no-same-owner', '--delay-directory-restore'], { missingHint: 'install tar' });
  if (res.code !== 0) throw new ToolError('E_TOOL_FAILED', `tar could not unpack ${tarball}: ${res.stderr.trim().split('\n').slice(-2).join(' / ')}`);
}

export async function readUnpackedSide(
  set: Pick<ReferenceSet, 'pristine' | 'debs'>,
  installed: readonly string[],
  imageDir: string,
  opts: { choosePolicy: PolicyChooser; onStage?: (stage: string) => void },
): Promise<UnpackedSide> {
  opts.onStage?.('unpacking the packages without scripts');
  await unpack(set.pristine, imageDir);
  const metadata = await readTarTree(set.pristine, { contentUnder: [] });
  const image = new OwnedView(new HostImageView(imageDir), metadata);

  opts.onStage?.('reading, analysing and classifying the packages');
  const gathered = await gatherPackages({ paths: [set.debs], installed: false, root: '/', keepGoing: false });
  const packages = gathered.packages.map((p) => ({ ...p, scriptlets: p.scriptlets.filter((s) => isInstallPhase(s.phase)) }));
  const unpacked = packages.map((p) => `${p.name}=${p.version}`).sort();
  const packageMismatch = [
    ...installed.filter((p) => !unpacked.includes(p)).map((p) => `${p} is installed in the reference but its .deb was not kept`),
    ...unpacked.filter((p) => !installed.includes(p)).map((p) => `${p} was unpacked but is not installed in the reference`),
  ];
  const assessments = await assessPackages(packages, opts.choosePolicy);
  return { metadata, image, packages, packageMismatch, assessments };
}
