import type { Package } from '../formats/types.js';
import { debTriggerCommands } from '../shell/deb-triggers-lines.js';

export interface DebTriggerDirectives {
  /** Explicit trigger names the package is interested in (`interest`, `interest-await`, `interest-noawait`). */
  interests: string[];
  /** File-trigger interests: names that are paths. */
  fileInterests: string[];
  /** Names the package activates when dpkg unpacks or configures it (`activate*` lines). */
  activates: string[];
}

const interestDirectives = new Set(['interest', 'interest-await', 'interest-noawait']);
const activateDirectives = new Set(['activate', 'activate-await', 'activate-noawait']);

/** The directives of a package's `triggers` control file (deb-triggers(5)); unknown lines are ignored, as dpkg warns and ignores them. */
export function debTriggerDirectives(pkg: Package): DebTriggerDirectives {
  const out: DebTriggerDirectives = { interests: [], fileInterests: [], activates: [] };
  for (const s of pkg.scriptlets) {
    if (s.phase !== 'triggers') continue;
    for (const c of debTriggerCommands(s.body)) {
      const name = c.args[0]?.text;
      if (name === undefined || !c.name) continue;
      if (interestDirectives.has(c.name)) (name.startsWith('/') ? out.fileInterests : out.interests).push(name);
      else if (activateDirectives.has(c.name)) out.activates.push(name);
    }
  }
  return out;
}
