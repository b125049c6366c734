import type { Interpreter, Phase, PackageFormat, Scriptlet } from '../../src/formats/types.js';

/** A scriptlet around `body` for shell-analysis tests; defaults to a Debian `/bin/sh` postinst. */
export function shellScriptlet(
  body: string,
  opts: { format?: PackageFormat; phase?: Phase; interpreter?: Interpreter; entry?: string } = {},
): Scriptlet {
  const s: Scriptlet = {
    package: 'test',
    format: opts.format ?? 'deb',
    phase: opts.phase ?? 'postinst',
    interpreter: opts.interpreter ?? { kind: 'sh', argv: ['/bin/sh'] },
    body,
    origin: 'test',
  };
  if (opts.entry !== undefined) s.entry = opts.entry;
  return s;
}
