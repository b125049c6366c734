import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InterpreterKind } from '../../src/formats/types.js';

export interface ScriptFile {
  /** e.g. `openssh-server.postinst`. */
  name: string;
  phase: 'preinst' | 'postinst' | 'prerm' | 'postrm' | 'config';
  kind: InterpreterKind;
  body: string;
}

const phases = ['preinst', 'postinst', 'prerm', 'postrm', 'config'] as const;

/** The shell named by a `#!` line: sh and dash are POSIX sh, bash is bash, anything else null. */
export function shellOf(body: string): 'sh' | 'bash' | null {
  const m = /^#!\s*(\S+)/.exec(body);
  if (!m) return null;
  const prog = (m[1] ?? '').split('/').pop();
  if (prog === 'sh' || prog === 'dash') return 'sh';
  if (prog === 'bash') return 'bash';
  return null;
}

/** Maintainer scripts in a directory laid out like /var/lib/dpkg/info (`pkg.phase`) or a control dir (`phase`). */
export function maintainerScripts(dir: string): ScriptFile[] {
  if (!existsSync(dir)) return [];
  const out: ScriptFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const phase = phases.find((p) => name === p || name.endsWith(`.${p}`));
    if (!phase) continue;
    const body = readFileSync(join(dir, name), 'utf8');
    const shell = shellOf(body);
    out.push({ name, phase, kind: shell ?? 'other', body });
  }
  return out;
}
