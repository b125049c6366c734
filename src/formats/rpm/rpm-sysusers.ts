import type { Scriptlet } from '../types.js';
import type { RpmDependencyEntry } from './rpm-dependencies.js';
import type { RpmHeader } from './rpm-header.js';
import { RpmSense, RpmTag } from './rpm-tags.js';

const SYSUSER_PROVIDE = /^(user|group|groupmember)\(/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8');

/** rpm pipes the lines to `%{__systemd_sysusers} -`; the program is a build-time macro of the host. */
const SYSUSERS_ARGV = ['systemd-sysusers', '-'];

/**
 * The sysusers.d lines rpm >= 4.19 feeds to systemd-sysusers before %pre. rpm derives its SYSUSERS
 * extension tag from `user(..)`/`group(..)`/`groupmember(..)` provides with `=` and a base64 line as
 * version (lib/rpmds.cc rpmdsIsSysuser), NUL-padded by %add_sysuser; a stored SYSUSERS tag is taken
 * as is.
 */
export function sysusersScriptlet(header: RpmHeader, provides: RpmDependencyEntry[], pkg: string): Scriptlet | undefined {
  const stored = header.strings(RpmTag.SYSUSERS);
  const lines = stored ?? provides.flatMap(sysusersLine);
  if (lines.length === 0) return undefined;
  return {
    package: pkg,
    format: 'rpm',
    phase: 'sysusers',
    interpreter: { kind: 'sysusers', argv: SYSUSERS_ARGV },
    body: lines.join('\n'),
    origin: stored ? 'header:SYSUSERS' : 'header:PROVIDENAME',
  };
}

function sysusersLine(provide: RpmDependencyEntry): string[] {
  if (!SYSUSER_PROVIDE.test(provide.name) || (provide.flags & RpmSense.EQUAL) === 0) return [];
  if (!BASE64.test(provide.version)) return [];
  const decoded = Buffer.from(provide.version, 'base64');
  const nul = decoded.indexOf(0);
  return [utf8.decode(nul < 0 ? decoded : decoded.subarray(0, nul))];
}
