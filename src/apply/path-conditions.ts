/**
 * Decides the path tests a translated file operation ran under (PathCondition) on the image as
 * built so far. Tests of one scope (one condition of one script) are decided once and
 * remembered: the script tested before its block ran, so the block's own first action must not
 * change the answer for the rest of it.
 */
import type { PathCondition } from '../actions/action.js';
import { type ImageView, readText, resolvePath, statPath } from './image-view.js';
import { parseStatOverrides } from './statoverride-db.js';

export class PathConditions {
  private readonly decided = new Map<string, boolean>();

  constructor(private readonly view: ImageView) {}

  /** The first condition that does not hold, or undefined when all hold. */
  firstFailing(conditions: readonly PathCondition[]): PathCondition | undefined {
    return conditions.find((c) => this.truth(c) !== c.holds);
  }

  private truth(c: PathCondition): boolean {
    const key = `${c.scope}\0${c.test}\0${c.path}`;
    const known = this.decided.get(key);
    if (known !== undefined) return known;
    const value = this.test(c);
    this.decided.set(key, value);
    return value;
  }

  private test(c: PathCondition): boolean {
    if (c.test === 'statoverride') {
      const db = readText(this.view, '/var/lib/dpkg/statoverride');
      return db !== undefined && parseStatOverrides(db).some((o) => o.path === c.path);
    }
    if (c.test === 'h') return this.view.lstat(resolvePath(this.view, c.path, false))?.type === 'symlink';
    const st = statPath(this.view, c.path);
    if (c.test === 'e') return st !== undefined;
    if (c.test === 'f') return st?.type === 'file';
    return st?.type === 'dir';
  }
}

export function describeCondition(c: PathCondition): string {
  if (c.test === 'statoverride') return `${c.holds ? '' : '! '}dpkg-statoverride --list ${c.path}`;
  return `[ ${c.holds ? '' : '! '}-${c.test} ${c.path} ]`;
}
