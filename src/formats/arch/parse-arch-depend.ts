import { FormatError, type ErrorContext } from '../../errors.js';
import type { Dependency } from '../types.js';

const depend = /^([A-Za-z0-9@._+-]+)(?:(>=|<=|=|<|>)([A-Za-z0-9._+~:-]+))?(?::\s.*)?$/;

/**
 * Parses one alpm dependency (`depend`, `provides` value): `name[op version][: description]`.
 * pacman's `<` and `>` are strict; they are stored as Debian's unambiguous `<<` and `>>` because
 * Debian's legacy `<`/`>` mean `<=`/`>=`, and one Dependency type serves both.
 */
export function parseArchDepend(text: string, context: ErrorContext): Dependency {
  const m = depend.exec(text.trim());
  if (!m || m[1] === undefined) {
    throw new FormatError('E_FORMAT_CORRUPT', `bad dependency ${JSON.stringify(text)}`, context);
  }
  const dep: Dependency = { name: m[1] };
  if (m[2] !== undefined && m[3] !== undefined) {
    dep.op = m[2] === '<' ? '<<' : m[2] === '>' ? '>>' : (m[2] as Dependency['op']);
    dep.version = m[3];
  }
  return dep;
}
