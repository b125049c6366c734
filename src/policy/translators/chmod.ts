/**
 * coreutils chmod on literal paths with a mode whose result does not depend on the file's current
 * mode or the umask: octal modes and symbolic modes that assign every class (`u=rwx,go=rx`).
 * `u+x`, `g-w`, `+x` need the current mode, which only the running system knows. Like chmod,
 * words such as `-w` are modes, not options.
 */
import type { Action } from '../../actions/action.js';
import type { Word } from '../../shell/analysis.js';
import type { Translator } from '../translator.js';
import { absoluteMode, parseModeSpec } from './file-mode.js';
import { dpkgRootPath } from './dpkg-root-path.js';
import { Invocation } from './invocation.js';

const longFlags = new Set(['changes', 'silent', 'quiet', 'verbose', 'preserve-root']);
const longRefused: Record<string, string> = {
  recursive: 'changes a whole tree',
  reference: 'copies the mode of another file',
  'no-preserve-root': 'allows changing /',
  help: 'prints text and changes nothing',
  version: 'prints text and changes nothing',
};

export const translateChmod: Translator = (command, _params, ctx) => {
  const inv = new Invocation('chmod', command, ctx, ['chmod']);
  const modeParts: string[] = [];
  const operands: Word[] = [];
  let ended = false;
  for (const word of command.args) {
    if (ended) {
      operands.push(word);
      continue;
    }
    if (!word.literal && dpkgRootPath(word.text) !== undefined) {
      operands.push(word);
      continue;
    }
    const text = inv.literal(word, 'argument');
    if (text === '--') {
      ended = true;
    } else if (text.startsWith('--')) {
      const name = text.slice(2).split('=')[0] as string;
      const match = [...longFlags, ...Object.keys(longRefused)].filter((l) => l.startsWith(name));
      const full = match.includes(name) ? name : match.length === 1 ? match[0] : undefined;
      if (full === undefined) return inv.fail(`unknown or ambiguous option ${text}`);
      const why = longRefused[full];
      if (why !== undefined) inv.fail(`${text} ${why}`);
    } else if (text.startsWith('-') && text.length > 1) {
      const body = text.slice(1);
      if (/^[cfv]+$/.test(body)) continue;
      if (/R/.test(body) && /^[Rcfv]+$/.test(body)) inv.fail('-R changes a whole tree');
      // chmod's getopt string lists the mode characters, and takes the whole word as a mode.
      if (/^[rwxXstugoa0-7,+=-]/.test(body)) modeParts.push(text);
      else inv.fail(`unknown option ${text}`);
    } else {
      operands.push(word);
    }
  }
  if (modeParts.length === 0) {
    const first = operands.shift();
    modeParts.push(inv.literal(first, 'mode'));
  }
  const modeText = modeParts.join(',');
  const spec = parseModeSpec(modeText);
  if (!spec) return inv.fail(`invalid mode ${modeText}`);
  const mode = absoluteMode(spec);
  if (mode === null) {
    return inv.fail(`mode ${modeText} depends on the file's current mode${spec.usesUmask ? ' or the umask' : ''}`);
  }
  if (operands.length === 0) inv.fail('no path given');
  return operands.map((w): Action => ({ kind: 'path-attr', path: inv.path(w, 'path'), mode }));
};
