/**
 * What every applier gets: the layered view of the image, the staging tree it writes to, the
 * resolved options and the account database (loaded on first use).
 */
import type { ResolvedOptions } from './apply-options.js';
import { IdentityState } from './identity-state.js';
import type { ImageView } from './image-view.js';
import { LayeredView } from './layered-view.js';
import { PathConditions } from './path-conditions.js';
import type { StagingTree } from './staging-tree.js';

export class ApplyContext {
  readonly view: LayeredView;
  readonly conditions: PathConditions;
  private identityState: IdentityState | undefined;

  constructor(
    image: ImageView,
    readonly staging: StagingTree,
    readonly options: ResolvedOptions,
  ) {
    this.view = new LayeredView(image, staging);
    this.conditions = new PathConditions(this.view);
  }

  get identity(): IdentityState {
    this.identityState ??= IdentityState.load(this.view, this.options.epoch);
    return this.identityState;
  }

  /** mkdir -p in the staging tree: each missing directory of `dir` (0755, root). */
  mkdirs(dir: string): void {
    const parts = dir.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = this.view.canonical(`/${parts.slice(0, i).join('/')}`);
      if (!this.view.lstat(p)) this.staging.mkdir(p, 0o755);
    }
  }

  /** mkdir -p for the directory holding `path`. */
  mkparents(path: string): void {
    const p = this.view.canonical(path);
    this.mkdirs(p.slice(0, p.lastIndexOf('/')));
  }

  /** Writes pending account changes to the staging tree. */
  flushIdentity(): void {
    this.identityState?.flush();
  }
}
