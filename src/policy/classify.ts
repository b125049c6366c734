/**
 * Decides what to do with one scriptlet: pure, given the analysis, the resolved policy and its
 * runtime (translators, sandboxed JavaScript).
 *
 * - Rules with scope 'script' are tried first, in order; the first that matches decides the whole
 *   script. Their command fields (command, args, guard, segment, …) hold when some command does.
 * - Otherwise the script is cut into parts: each generated segment (debhelper snippet, rpm macro)
 *   is one part, decided by the first rule with a `segment` field and no command fields; a segment
 *   no such rule matches is split into its commands. Every other command is one part. The first
 *   rule whose fields all hold wins.
 * - A script that could not be parsed, or is not shell, is one part that only rules naming
 *   `language` or `parseError` (or scope 'script') can decide.
 * - No rule: defer, by the built-in rule `(default)`.
 * - A translating segment or script-scope rule runs its translator on each of its commands except
 *   those the policy drops on their own (condition tests, `|| true`, messages); one command the
 *   translator cannot handle defers the part.
 */
import type { Action } from '../actions/action.js';
import { PolicyError, ScriptletError } from '../errors.js';
import type { Scriptlet } from '../formats/types.js';
import type { Analysis } from '../shell/analysis.js';
import { commandFieldsMatch, commandNameMayMatch, scriptFieldsMatch } from './match-rule.js';
import { commandMatchFields, type Match } from './policy-schema.js';
import { builtinRuntime, type PolicyRuntime } from './policy-runtime.js';
import type { ResolvedPolicy, ResolvedRule } from './resolved-policy.js';
import type { Outcome, PartRef, PartVerdict, RuleRef, Verdict } from './verdict.js';

export const defaultRuleId = '(default)';

const noRuntime = builtinRuntime(new Map());

interface Scope {
  scriptlet: Scriptlet;
  analysis: Analysis;
  policy: ResolvedPolicy;
  runtime: PolicyRuntime;
  /**
   * Indices into analysis.commands. analyse() already keeps only the commands that run for the
   * scriptlet (for Arch, code reachable from the entry function).
   */
  visible: number[];
  /**
   * The rules other than scope 'script' whose script-wide fields hold, in policy order: those fields
   * do not depend on the part being decided, so they are tested once per script, not per command.
   */
  partRules?: ResolvedRule[];
  /**
   * partRules less those that name other commands, by command name: most rules name one command,
   * so a command is tested against a handful of rules instead of all of them.
   */
  rulesByName?: Map<string | null, ResolvedRule[]>;
}

function partRules(s: Scope): ResolvedRule[] {
  s.partRules ??= s.policy.rules.filter(
    (r) => r.rule.scope !== 'script' && scriptFieldsMatch(r.rule.match, s.scriptlet, s.analysis, s.visible.length),
  );
  return s.partRules;
}

function partRulesFor(s: Scope, name: string | null): ResolvedRule[] {
  s.rulesByName ??= new Map();
  let rules = s.rulesByName.get(name);
  if (!rules) {
    rules = partRules(s).filter((r) => commandNameMayMatch(r.rule.match, name));
    s.rulesByName.set(name, rules);
  }
  return rules;
}

export function classify(
  scriptlet: Scriptlet,
  analysis: Analysis,
  policy: ResolvedPolicy,
  runtime: PolicyRuntime = noRuntime,
): Verdict {
  const s: Scope = { scriptlet, analysis, policy, runtime, visible: analysis.commands.map((_, i) => i) };
  // Non-shell bodies (lua, perl, python) have no commands to look at; an rpm `-p` program does.
  const opaque = analysis.parseError !== undefined || (analysis.parser === 'none' && analysis.commands.length === 0);

  for (const r of policy.rules) {
    if (r.rule.scope !== 'script') continue;
    if (!scriptFieldsMatch(r.rule.match, scriptlet, analysis, s.visible.length)) continue;
    if (hasCommandFields(r.rule.match)) {
      if (opaque) continue;
      if (!s.visible.some((i) => commandFieldsMatch(r.rule.match, analysis.commands[i]!, analysis))) continue;
    }
    if (r.rule.match.js !== undefined && !s.runtime.predicate(r, predicateInput(s, { kind: 'script' }, s.visible))) continue;
    return verdictOf(s, [decide(s, r, { kind: 'script' }, s.visible)]);
  }

  if (opaque) {
    for (const r of policy.rules) {
      const m = r.rule.match;
      if (r.rule.scope === 'script' || (m.language === undefined && m.parseError === undefined)) continue;
      if (hasCommandFields(m) || m.segment !== undefined) continue;
      if (!scriptFieldsMatch(m, scriptlet, analysis, 0)) continue;
      if (m.js !== undefined && !s.runtime.predicate(r, predicateInput(s, { kind: 'script' }, []))) continue;
      return verdictOf(s, [decide(s, r, { kind: 'script' }, [])]);
    }
    const why = analysis.parseError
      ? `could not parse line ${analysis.parseError.line}: ${analysis.parseError.message}`
      : `not a shell script (${analysis.language}); no rule matched`;
    return verdictOf(s, [fallback({ kind: 'script' }, why)]);
  }

  const parts: PartVerdict[] = [];
  for (const group of groupBySegment(s)) {
    if (group.segment !== null) {
      const decided = decideSegment(s, group.segment, group.commands);
      if (decided) {
        parts.push(decided);
        continue;
      }
    }
    for (const i of group.commands) parts.push(decideCommand(s, i));
  }
  if (parts.length === 0) return verdictOf(s, [fallback({ kind: 'script' }, 'empty script; no rule matched')]);
  return verdictOf(s, parts);
}

function hasCommandFields(m: Match): boolean {
  return commandMatchFields.some((f) => m[f] !== undefined) || m.segment !== undefined;
}

interface Group {
  /** Index into analysis.segments of a generated segment, or null for hand-written commands. */
  segment: number | null;
  commands: number[];
}

function groupBySegment(s: Scope): Group[] {
  const groups: Group[] = [];
  const open = new Map<number, Group>();
  for (const i of s.visible) {
    const c = s.analysis.commands[i]!;
    const seg = s.analysis.segments[c.segment];
    if (seg && seg.kind !== 'plain') {
      const g = open.get(c.segment);
      if (g) g.commands.push(i);
      else {
        const fresh = { segment: c.segment, commands: [i] };
        open.set(c.segment, fresh);
        groups.push(fresh);
      }
    } else groups.push({ segment: null, commands: [i] });
  }
  return groups;
}

function decideSegment(s: Scope, segment: number, commands: number[]): PartVerdict | null {
  const seg = s.analysis.segments[segment];
  for (const r of partRules(s)) {
    const m = r.rule.match;
    if (!isSegmentRule(m)) continue;
    // Every command of a segment lies in it, so the first command stands for the segment.
    if (!commandFieldsMatch({ segment: m.segment! }, s.analysis.commands[commands[0]!]!, s.analysis)) continue;
    const part: PartRef = { kind: 'segment', index: segment };
    if (m.js !== undefined && !s.runtime.predicate(r, predicateInput(s, part, commands, seg))) continue;
    return decide(s, r, part, commands);
  }
  return null;
}

function decideCommand(s: Scope, i: number): PartVerdict {
  const command = s.analysis.commands[i]!;
  const part: PartRef = { kind: 'command', index: i };
  for (const r of partRulesFor(s, command.name)) {
    const m = r.rule.match;
    if (!commandFieldsMatch(m, command, s.analysis)) continue;
    if (m.js !== undefined && !s.runtime.predicate(r, predicateInput(s, part, [i]))) continue;
    return decide(s, r, part, [i]);
  }
  return fallback(part, 'no rule matched');
}

function isSegmentRule(m: Match): boolean {
  return m.segment !== undefined && !commandMatchFields.some((f) => m[f] !== undefined);
}

/** True when the first part rule (other than segment rules) matching command `i` drops it. */
function droppedOnItsOwn(s: Scope, i: number): boolean {
  const command = s.analysis.commands[i]!;
  for (const r of partRulesFor(s, command.name)) {
    const m = r.rule.match;
    if (isSegmentRule(m)) continue;
    if (!commandFieldsMatch(m, command, s.analysis)) continue;
    if (m.js !== undefined && !s.runtime.predicate(r, predicateInput(s, { kind: 'command', index: i }, [i]))) continue;
    return r.rule.outcome === 'drop';
  }
  return false;
}

function ruleRef(r: ResolvedRule): RuleRef {
  return { id: r.rule.id, policy: r.policy, file: r.file };
}

function fallback(part: PartRef, reason: string): PartVerdict {
  return { part, outcome: 'defer', rule: { id: defaultRuleId, policy: '(built-in)', file: '' }, reason, actions: [] };
}

function decide(s: Scope, r: ResolvedRule, part: PartRef, commands: number[]): PartVerdict {
  const base = { part, rule: ruleRef(r), reason: r.rule.reason };
  if (r.rule.outcome !== 'translate') return { ...base, outcome: r.rule.outcome, actions: [] };
  const actions: Action[] = [];
  for (const i of commands) {
    // Generated snippets and whole scripts carry tests, `|| true` and messages around the work;
    // what the policy drops on its own needs no translator.
    if (part.kind !== 'command' && droppedOnItsOwn(s, i)) continue;
    const got = translateOne(s, r, i);
    if (typeof got === 'string') return { ...base, outcome: 'defer', reason: got, actions: [] };
    actions.push(...got);
  }
  return { ...base, outcome: 'translate', actions };
}

/** The actions for one command, or why it cannot be translated. */
function translateOne(s: Scope, r: ResolvedRule, i: number): Action[] | string {
  const command = s.analysis.commands[i]!;
  const spec = r.rule.translate!;
  const params = spec.params ?? {};
  const where = `${command.name ?? '(dynamic command)'} at line ${command.line}`;
  if (spec.js !== undefined) {
    const out = s.runtime.translate(r, {
      command,
      params,
      index: i,
      scriptlet: scriptletData(s.scriptlet),
      analysis: s.analysis,
    });
    return out ?? `translator ${spec.js} cannot translate ${where}`;
  }
  const name = spec.translator!;
  const translator = s.runtime.translators.get(name);
  if (!translator) {
    throw new PolicyError('E_POLICY_REF', `unknown translator '${name}'`, { file: r.file, line: r.line, column: r.column, rule: r.rule.id });
  }
  try {
    return translator(command, params, { scriptlet: s.scriptlet, analysis: s.analysis, index: i }) ?? `translator '${name}' cannot translate ${where}`;
  } catch (e) {
    // A translator refuses a form it does not model by throwing E_TRANSLATE; that defers the part.
    if (e instanceof ScriptletError && (e.code as string) === 'E_TRANSLATE') return `${e.message} (${where})`;
    throw e;
  }
}

function scriptletData(scriptlet: Scriptlet): Record<string, unknown> {
  return JSON.parse(JSON.stringify(scriptlet)) as Record<string, unknown>;
}

/** What a JavaScript predicate sees: plain data about the script and the part being decided. */
function predicateInput(s: Scope, part: PartRef, commands: number[], segment?: unknown): unknown {
  return {
    part,
    scriptlet: scriptletData(s.scriptlet),
    analysis: s.analysis,
    commands: commands.map((i) => s.analysis.commands[i]),
    ...(part.kind === 'command' ? { command: s.analysis.commands[part.index] } : {}),
    ...(segment !== undefined ? { segment } : {}),
  };
}

function verdictOf(s: Scope, parts: PartVerdict[]): Verdict {
  const outcome: Outcome = parts.every((p) => p.outcome === 'drop')
    ? 'drop'
    : parts.every((p) => p.outcome !== 'defer')
      ? 'translate'
      : 'defer';
  const deciding =
    outcome === 'defer'
      ? parts.find((p) => p.outcome === 'defer')!
      : outcome === 'translate'
        ? parts.find((p) => p.outcome === 'translate')!
        : parts[0]!;
  const reason =
    parts.length === 1
      ? deciding.reason
      : outcome === 'drop'
        ? `all ${parts.length} parts dropped; first: ${deciding.reason}`
        : outcome === 'translate'
          ? `all ${parts.length} parts dropped or translated; first translated: ${deciding.reason}`
          : deciding.reason;
  const verdict: Verdict = {
    package: s.scriptlet.package,
    format: s.scriptlet.format,
    phase: s.scriptlet.phase,
    outcome,
    rule: deciding.rule,
    reason,
    parts,
    actions: parts.flatMap((p) => p.actions),
  };
  if (s.scriptlet.entry !== undefined) verdict.entry = s.scriptlet.entry;
  return verdict;
}

