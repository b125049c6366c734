import type { RpmPhase, Scriptlet } from '../types.js';
import type { RpmHeader } from './rpm-header.js';
import { rpmInterpreter } from './rpm-interpreter.js';
import { RpmTag, type RpmTagName } from './rpm-tags.js';

interface ScriptSlot {
  phase: RpmPhase;
  body: RpmTagName;
  prog: RpmTagName;
  flags: RpmTagName;
}

/** In the order rpm runs them on install, then removal, then verify. */
const slots: readonly ScriptSlot[] = [
  { phase: 'pretrans', body: 'PRETRANS', prog: 'PRETRANSPROG', flags: 'PRETRANSFLAGS' },
  { phase: 'pre', body: 'PREIN', prog: 'PREINPROG', flags: 'PREINFLAGS' },
  { phase: 'post', body: 'POSTIN', prog: 'POSTINPROG', flags: 'POSTINFLAGS' },
  { phase: 'posttrans', body: 'POSTTRANS', prog: 'POSTTRANSPROG', flags: 'POSTTRANSFLAGS' },
  { phase: 'preuntrans', body: 'PREUNTRANS', prog: 'PREUNTRANSPROG', flags: 'PREUNTRANSFLAGS' },
  { phase: 'preun', body: 'PREUN', prog: 'PREUNPROG', flags: 'PREUNFLAGS' },
  { phase: 'postun', body: 'POSTUN', prog: 'POSTUNPROG', flags: 'POSTUNFLAGS' },
  { phase: 'postuntrans', body: 'POSTUNTRANS', prog: 'POSTUNTRANSPROG', flags: 'POSTUNTRANSFLAGS' },
  { phase: 'verify', body: 'VERIFYSCRIPT', prog: 'VERIFYSCRIPTPROG', flags: 'VERIFYSCRIPTFLAGS' },
];

/** rpm runs a body without PROG through /bin/sh (lib/rpmscript.cc). */
const DEFAULT_PROG = ['/bin/sh'];

/**
 * The fixed-slot scriptlets (%pre, %post, ...). A slot exists when its body or its PROG tag does, as
 * in rpm's rpmScriptFromTag; PROG may be a STRING or a STRING_ARRAY (interpreter plus arguments).
 */
export function slotScriptlets(header: RpmHeader, pkg: string): Scriptlet[] {
  const out: Scriptlet[] = [];
  for (const slot of slots) {
    const text = header.scriptTexts(RpmTag[slot.body])?.[0];
    const body = text?.text;
    const prog = header.strings(RpmTag[slot.prog]);
    if (body === undefined && prog === undefined) continue;
    const flags = header.number(RpmTag[slot.flags]);
    out.push({
      package: pkg,
      format: 'rpm',
      phase: slot.phase,
      interpreter: rpmInterpreter(prog && prog.length > 0 ? prog : DEFAULT_PROG, body !== undefined),
      body: body ?? '',
      ...(text?.encoding === 'latin1' ? { bodyEncoding: 'latin1' as const } : {}),
      ...(flags !== undefined ? { flags } : {}),
      origin: `header:${slot.body}`,
    });
  }
  return out;
}
