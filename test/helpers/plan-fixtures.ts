/**
 * Hand-built packages and verdicts for plan tests: dependency strings in a compact form
 * (`a | b` alternatives, one group per array item) and verdicts with one script-wide part.
 */
import type { Action } from '../../src/actions/action.js';
import type { Dependency, Package, PackageFormat, Phase, Scriptlet, TriggerCondition } from '../../src/formats/types.js';
import type { Outcome, Verdict } from '../../src/policy/verdict.js';

export interface PkgSpec {
  format?: PackageFormat;
  version?: string;
  arch?: string;
  depends?: string[];
  preDepends?: string[];
  provides?: string[];
  /** Scripts by phase: body text (shell), with `#!/bin/sh` prepended when missing. */
  scripts?: Partial<Record<Phase, string>>;
  /** RPM trigger scriptlets: phase, targets, body. */
  rpmTriggers?: { phase: Phase; targets: (string | TriggerCondition)[]; body?: string }[];
  /** Interpreter argv for every script (default /bin/sh). */
  interpreter?: string[];
}

const group = (text: string): Dependency[] => text.split('|').map((a) => ({ name: a.trim() }));

export function pkg(name: string, spec: PkgSpec = {}): Package {
  const format = spec.format ?? 'deb';
  const scriptlets: Scriptlet[] = Object.entries(spec.scripts ?? {}).map(([phase, body]) => ({
    package: name,
    format,
    phase: phase as Phase,
    interpreter:
      phase === 'triggers'
        ? { kind: 'deb-triggers', argv: [] }
        : format === 'arch'
          ? { kind: 'bash', argv: ['/usr/bin/bash'] }
          : { kind: 'sh', argv: spec.interpreter ?? ['/bin/sh'] },
    body: body!,
    ...(format === 'arch' ? { entry: phase } : {}),
    origin: `test:${phase}`,
  }));
  for (const t of spec.rpmTriggers ?? []) {
    scriptlets.push({
      package: name,
      format,
      phase: t.phase,
      interpreter: { kind: 'sh', argv: ['/bin/sh'] },
      body: t.body ?? `echo ${t.phase}\n`,
      triggers: t.targets.map((x) => (typeof x === 'string' ? { target: x } : x)),
      origin: `test:${t.phase}`,
    });
  }
  return {
    format,
    name,
    version: spec.version ?? '1.0-1',
    arch: spec.arch ?? 'amd64',
    depends: (spec.depends ?? []).map(group),
    preDepends: (spec.preDepends ?? []).map(group),
    provides: (spec.provides ?? []).map((n) => ({ name: n })),
    scriptlets,
    source: `/test/${name}.${format}`,
  };
}

export function verdict(s: Scriptlet, outcome: Outcome, actions: Action[] = [], ruleId = `rule-${outcome}`): Verdict {
  const rule = { id: ruleId, policy: 'test', file: '/test/policy.json5' };
  const reason = `test ${outcome}`;
  return {
    package: s.package,
    format: s.format,
    phase: s.phase,
    outcome,
    rule,
    reason,
    parts: [{ part: { kind: 'script' }, outcome, rule, reason, actions: outcome === 'translate' ? actions : [] }],
    actions: outcome === 'translate' ? actions : [],
  };
}

/** Verdicts for every scriptlet: `decide` picks per scriptlet (default: defer everything). */
export function verdicts(
  packages: Package[],
  decide: (s: Scriptlet) => Outcome | { outcome: Outcome; actions: Action[] } = () => 'defer',
): Map<Scriptlet, Verdict> {
  const out = new Map<Scriptlet, Verdict>();
  for (const p of packages) {
    for (const s of p.scriptlets) {
      const d = decide(s);
      out.set(s, typeof d === 'string' ? verdict(s, d) : verdict(s, d.outcome, d.actions));
    }
  }
  return out;
}
