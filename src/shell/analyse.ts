import type { Scriptlet } from '../formats/types.js';
import type { Analysis, Command, Heredoc, Language, Segment } from './analysis.js';
import { debTriggerCommands } from './deb-triggers-lines.js';
import { debhelperTemplate, findDebhelperRegions } from './debhelper-segments.js';
import { parseWithMvdan, type MvdanResult } from './mvdan-parse.js';
import { parseWithRegionFallback } from './region-fallback.js';
import { findRpmMacroRegions } from './rpm-macro-segments.js';
import { assignSegments } from './segments.js';
import type { ShScript, ShStmt } from './sh-ast.js';
import { sysusersCommands } from './sysusers-lines.js';
import { walkCommands, type WalkResult } from './walk-commands.js';

function empty(language: Language, parser: Analysis['parser']): Analysis {
  return { language, parser, commands: [], segments: [], functions: [], heredocs: [], sourced: [] };
}

function lineCount(body: string): number {
  return body === '' ? 0 : body.replace(/\n$/, '').split('\n').length;
}

function lineAnalysis(language: 'deb-triggers' | 'sysusers', body: string, commands: Command[]): Analysis {
  const result = empty(language, 'line');
  result.commands = commands;
  result.segments = assignSegments([], commands, lineCount(body));
  return result;
}

function programAnalysis(scriptlet: Scriptlet): Analysis {
  const result = empty('program', 'none');
  const [program, ...args] = scriptlet.interpreter.argv;
  if (program === undefined) return result;
  result.commands = [
    { name: program, args: args.map((a) => ({ text: a, literal: true })), line: 1, guards: [], redirects: [], segment: 0 },
  ];
  const isLdconfig = program.slice(program.lastIndexOf('/') + 1) === 'ldconfig';
  // `%post -p /sbin/ldconfig` is what %ldconfig_scriptlets expands to.
  result.segments = [isLdconfig ? { kind: 'rpm-macro', macro: 'ldconfig', startLine: 1, endLine: 1 } : { kind: 'plain', startLine: 1, endLine: 1 }];
  return result;
}

/**
 * Parse with tree-sitter when it gives a clean tree of known shapes, handing only the statements it
 * cannot read to mvdan-sh (region-fallback.ts); otherwise with mvdan-sh, which either parses
 * completely or reports where the script is broken. A POSIX sh script that uses a bash feature is
 * re-read as bash: the feature is a portability risk, not an unreadable script.
 */
async function parseShell(
  body: string,
  language: 'sh' | 'bash',
): Promise<{ parser: 'tree-sitter' | 'tree-sitter+mvdan-sh' | 'mvdan-sh'; script: ShScript } | { parser: 'mvdan-sh'; error: Extract<MvdanResult, { ok: false }>['error'] }> {
  const fast = await parseWithRegionFallback(body, language);
  if (fast) return { parser: fast.regions > 0 ? 'tree-sitter+mvdan-sh' : 'tree-sitter', script: fast.script };
  let result = parseWithMvdan(body, language === 'bash' ? 'bash' : 'posix');
  if (!result.ok && result.langError && language === 'sh') result = parseWithMvdan(body, 'bash');
  if (result.ok) return { parser: 'mvdan-sh', script: result.script };
  return { parser: 'mvdan-sh', error: result.error };
}

/** Keep top-level code and the functions reachable from `entry` (an Arch .INSTALL function). */
function restrictToEntry(walk: WalkResult, entry: string): WalkResult {
  const callsOf = new Map(walk.functions.map((f) => [f.name, f.calls]));
  const reachable = new Set<string>();
  const roots = [entry, ...walk.commands.filter((c) => c.inFunction === undefined && c.name !== null && callsOf.has(c.name)).map((c) => c.name as string)];
  const pending = roots.filter((r) => callsOf.has(r));
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (reachable.has(name)) continue;
    reachable.add(name);
    for (const callee of callsOf.get(name) ?? []) pending.push(callee);
  }
  const keep = (c: Command): boolean => c.inFunction === undefined || reachable.has(c.inFunction);
  const commands = walk.commands.filter(keep);
  const keptLines = new Set(commands.map((c) => c.line));
  const droppedLines = new Set(walk.commands.filter((c) => !keep(c)).map((c) => c.line));
  const heredocs = walk.heredocs.filter((h: Heredoc) => keptLines.has(h.line) || !droppedLines.has(h.line));
  return { ...walk, commands, heredocs };
}

function shellSegments(scriptlet: Scriptlet, stmts: ShStmt[], commands: Command[]): Segment[] {
  const lines = scriptlet.body.split('\n');
  let regions: Segment[] = [];
  if (scriptlet.format === 'deb') {
    regions = findDebhelperRegions(lines).map((r) => {
      const inside = commands.filter((c) => c.line >= r.startLine && c.line <= r.endLine);
      const template = debhelperTemplate(r.helper, scriptlet.phase, inside);
      return template ? { ...r, template } : r;
    });
  } else if (scriptlet.format === 'rpm') {
    regions = findRpmMacroRegions(stmts, (s) => commands.filter((c) => c.line >= s.line && c.line <= s.endLine));
  }
  return assignSegments(regions, commands, lineCount(scriptlet.body));
}

/** Static analysis of one scriptlet. Pure apart from loading the parsers once per process. */
export async function analyse(scriptlet: Scriptlet): Promise<Analysis> {
  const kind = scriptlet.interpreter.kind;
  switch (kind) {
    case 'lua':
    case 'perl':
    case 'python':
      return empty(kind, 'none');
    case 'other':
      return empty('unknown', 'none');
    case 'program':
      return programAnalysis(scriptlet);
    case 'deb-triggers':
      return lineAnalysis('deb-triggers', scriptlet.body, debTriggerCommands(scriptlet.body));
    case 'sysusers':
      return lineAnalysis('sysusers', scriptlet.body, sysusersCommands(scriptlet.body));
    case 'sh':
    case 'bash':
      break;
  }
  const parsed = await parseShell(scriptlet.body, kind);
  if ('error' in parsed) return { ...empty(kind, parsed.parser), parseError: parsed.error };
  let walk = walkCommands(parsed.script, scriptlet.entry);
  if (scriptlet.entry !== undefined) walk = restrictToEntry(walk, scriptlet.entry);
  const commands = walk.commands.map((c, i) => ({ c, i })).sort((a, b) => a.c.line - b.c.line || a.i - b.i).map((x) => x.c);
  const segments = shellSegments(scriptlet, parsed.script.stmts, commands);
  return {
    language: kind,
    parser: parsed.parser,
    commands,
    segments,
    functions: walk.functions,
    heredocs: walk.heredocs,
    sourced: walk.sourced,
  };
}
