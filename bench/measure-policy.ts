/**
 * Measures how much of a package set's install-time work a policy resolves at build time (dropped
 * or translated), and why the rest is deferred. Used to fit policies/debian.json5 to real data.
 *
 *   node --no-node-snapshot --import @tapjs/typescript/import bench/measure-policy.ts \
 *     [--policy debian] [--installed] [--rule ID]... [--defers N] [--sample N] [PATHS...]
 *
 * `--rule ID` prints every part the rule decided (package, phase, line, command) so its matches
 * can be read; `--defers N` lists N deferred scripts with the part that deferred them.
 * Analyses are cached per run of the process only: the classification is what is iterated on.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gatherPackages } from '../src/audit/gather-packages.js';
import { isInstallPhase, type Package, type Scriptlet } from '../src/formats/types.js';
import { classify } from '../src/policy/classify.js';
import { loadPolicy } from '../src/policy/load-policy.js';
import type { Verdict } from '../src/policy/verdict.js';
import { analyse } from '../src/shell/analyse.js';
import type { Analysis } from '../src/shell/analysis.js';

interface Args {
  policy: string;
  installed: boolean;
  rules: string[];
  defers: number;
  paths: string[];
  byPackage: boolean;
  blockers: boolean;
  /** Read packages from this JSON file when it exists, else gather them and write it. */
  cache?: string;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { policy: 'debian', installed: false, rules: [], defers: 0, paths: [], byPackage: false, blockers: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--policy') out.policy = argv[++i]!;
    else if (a === '--installed') out.installed = true;
    else if (a === '--rule') out.rules.push(argv[++i]!);
    else if (a === '--defers') out.defers = Number(argv[++i]);
    else if (a === '--by-package') out.byPackage = true;
    else if (a === '--blockers') out.blockers = true;
    else if (a === '--cache') out.cache = resolve(argv[++i]!);
    else out.paths.push(resolve(a));
  }
  return out;
}

function partText(v: Verdict, a: Analysis, index: number): string {
  const p = v.parts[index]!;
  if (p.part.kind === 'command') {
    const c = a.commands[p.part.index]!;
    return `L${c.line} ${c.name ?? '(dynamic)'} ${c.args.map((w) => w.text).join(' ')}`.slice(0, 160);
  }
  if (p.part.kind === 'segment') {
    const s = a.segments[p.part.index]!;
    return s.kind === 'debhelper' ? `segment ${s.helper}/${s.template ?? '?'} L${s.startLine}` : `segment ${s.kind} L${s.startLine}`;
  }
  return 'whole script';
}

function bump(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function top(m: Map<string, number>, n: number): string[] {
  return [...m.entries()]
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .slice(0, n)
    .map(([k, c]) => `${String(c).padStart(5)}  ${k}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let packages: Package[];
  if (args.cache && existsSync(args.cache)) packages = JSON.parse(readFileSync(args.cache, 'utf8')) as Package[];
  else {
    packages = (await gatherPackages({ paths: args.paths, installed: args.installed, root: '/', keepGoing: true })).packages;
    if (args.cache) writeFileSync(args.cache, JSON.stringify(packages));
  }
  const gathered = { packages };
  const { policy, runtime } = loadPolicy(args.policy);
  const items: { pkg: Package; s: Scriptlet; a: Analysis; v: Verdict }[] = [];
  for (const pkg of gathered.packages) {
    for (const s of pkg.scriptlets) {
      if (!isInstallPhase(s.phase)) continue;
      const a = await analyse(s);
      items.push({ pkg, s, a, v: classify(s, a, policy, runtime) });
    }
  }
  runtime.dispose();

  const byPhase = new Map<string, { total: number; resolved: number }>();
  const deferRule = new Map<string, number>();
  const deferPart = new Map<string, number>();
  const allDeferParts = new Map<string, number>();
  const ruleUse = new Map<string, number>();
  let resolved = 0;
  for (const { s, a, v } of items) {
    const ph = byPhase.get(s.phase) ?? { total: 0, resolved: 0 };
    ph.total++;
    if (v.outcome !== 'defer') {
      ph.resolved++;
      resolved++;
    }
    byPhase.set(s.phase, ph);
    for (const p of v.parts) bump(ruleUse, `${p.outcome} ${p.rule.id}`);
    if (v.outcome === 'defer') {
      bump(deferRule, v.rule.id);
      const first = v.parts.findIndex((p) => p.outcome === 'defer');
      const firstPart = v.parts[first]!;
      const c = firstPart.part.kind === 'command' ? a.commands[firstPart.part.index] : undefined;
      bump(deferPart, `${v.rule.id}: ${c ? (c.name ?? '(dynamic)') : partText(v, a, first)}`);
      const seen = new Set<string>();
      v.parts.forEach((p, i) => {
        if (p.outcome !== 'defer') return;
        const cc = p.part.kind === 'command' ? a.commands[p.part.index] : undefined;
        const key = `${p.rule.id}: ${cc ? (cc.name ?? '(dynamic)') : partText(v, a, i).replace(/ L\d+$/, '')}`;
        if (!seen.has(key)) bump(allDeferParts, key);
        seen.add(key);
      });
    }
  }
  const pct = (x: number, t: number) => (t === 0 ? '-' : `${((100 * x) / t).toFixed(1)}%`);
  console.log(`packages: ${gathered.packages.length}, install-time scripts: ${items.length}, resolved: ${resolved} (${pct(resolved, items.length)})`);
  for (const [phase, c] of [...byPhase.entries()].sort()) console.log(`  ${phase.padEnd(9)} ${c.resolved}/${c.total} ${pct(c.resolved, c.total)}`);
  console.log('\ndeferring rule (per deferred script):');
  for (const l of top(deferRule, 20)) console.log(l);
  console.log('\nfirst deferring part (per deferred script):');
  for (const l of top(deferPart, 40)) console.log(l);
  console.log('\nscripts a deferring part appears in (any position):');
  for (const l of top(allDeferParts, 40)) console.log(l);
  // Scripts held back by a single kind of part: fixing that kind resolves them.
  const sole = new Map<string, number>();
  for (const { a, v } of items) {
    if (v.outcome !== 'defer') continue;
    const keys = new Set<string>();
    v.parts.forEach((p, i) => {
      if (p.outcome !== 'defer') return;
      const cc = p.part.kind === 'command' ? a.commands[p.part.index] : undefined;
      keys.add(`${p.rule.id}: ${cc ? (cc.name ?? '(dynamic)') : partText(v, a, i).replace(/ L\d+$/, '')}`);
    });
    if (keys.size === 1) bump(sole, [...keys][0]!);
    if (args.blockers) console.log(`blockers ${v.package} ${v.phase}: ${[...keys].join(' | ')}`);
  }
  console.log('\nsole deferring kind of part (scripts it alone holds back):');
  for (const l of top(sole, 40)) console.log(l);
  if (args.rules.length === 0) {
    console.log('\nparts per rule:');
    for (const l of top(ruleUse, 200)) console.log(l);
  }
  for (const id of args.rules) {
    console.log(`\n== parts decided by ${id}`);
    for (const { pkg, s, a, v } of items) {
      v.parts.forEach((p, i) => {
        if (p.rule.id === id) console.log(`${pkg.name} ${s.phase} ${p.outcome}: ${partText(v, a, i)}${p.outcome !== 'translate' ? '' : ` -> ${JSON.stringify(p.actions).slice(0, 200)}`}`);
      });
    }
  }
  if (args.defers > 0) {
    console.log('\n== deferred scripts');
    let n = 0;
    for (const { pkg, s, a, v } of items) {
      if (v.outcome !== 'defer' || n++ >= args.defers) continue;
      const i = v.parts.findIndex((p) => p.outcome === 'defer');
      console.log(`${pkg.name} ${s.phase} [${v.rule.id}] ${partText(v, a, i)} :: ${v.parts[i]!.reason.slice(0, 120)}`);
    }
  }
  if (args.byPackage) {
    console.log('\n== verdicts by package');
    for (const { pkg, s, v } of items) console.log(`${pkg.name} ${s.phase} ${v.outcome} ${v.rule.id}`);
  }
}

await main();
