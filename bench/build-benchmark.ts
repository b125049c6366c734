/**
 * Build and first-boot benchmarks (issue 4); results go to bench/results/build-YYYY-MM-DD.md.
 * See bench/README.md.
 *
 *   npm run build
 *   node dist/bench/build-benchmark.js build [--runs N] [PACKAGE...]
 *       `scriptlet build -f ext2` against bare `supermin --prepare` + `supermin --build -f ext2` of the
 *       same packages, interleaved, under GNU time.
 *   node dist/bench/build-benchmark.js agent [--steps N] [--rounds R]
 *       In a booted appliance (TCG): N trivial deferred steps run by the agent, against the same
 *       scripts run directly by a sh loop; the difference per step is the agent's overhead.
 *   node dist/bench/build-benchmark.js agent-chroot [--steps N] [--rounds R]
 *       The same comparison natively, in a chroot-format appliance (the agent runs on the host's CPU
 *       there): `scriptlet build -f chroot`, then the bench's init under bwrap (user namespace,
 *       fresh /proc, /run and /tmp), as test/build runs the agent of a chroot appliance.
 *   node dist/bench/build-benchmark.js first-boot [--policy FILE] [--label TEXT] [PACKAGE...]
 *       Builds an ext2 appliance (default policy, or e.g. bench/defer-all.json5) and times its first
 *       boot with `scriptlet boot --snapshot`, with the agent's per-step seconds from the console.
 * Every mode records the commit, load averages before and after, and each run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readAgentReport } from '../src/appliance/agent-report.js';
import { bootAppliance } from '../src/appliance/boot-appliance.js';
import { renderDeferredPlan, type DeferredStep } from '../src/appliance/deferred-plan.js';
import { writeOverlayTar, type OverlayEntry } from '../src/appliance/overlay-tar.js';
import { cacheHome } from '../src/build/cache-home.js';
import { parseTimeOutput, TIME_FORMAT, type TimeMeasurement } from './time-output.js';

function findRepo(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const repo = findRepo();
const cli = join(repo, 'bin', 'scriptlet.js');

/** The set scripts/setup builds: openssh-server and what its scripts and the appliance need. */
const DEFAULT_SET = ['openssh-server', 'dash', 'mount', 'coreutils', 'base-passwd', 'perl-base', 'sed', 'grep', 'mawk', 'util-linux', 'findutils', 'libc-bin', 'login', 'e2fsprogs'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '3' },
    steps: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    policy: { type: 'string' },
    label: { type: 'string', default: '' },
    note: { type: 'string', default: '' },
    work: { type: 'string' },
  },
});
const [mode, ...rest] = positionals;
const packages = rest.length > 0 ? rest : DEFAULT_SET;
const work = values.work ?? mkdtempSync(join(tmpdir(), 'scriptlet-build-bench-'));
mkdirSync(work, { recursive: true });

function timed(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<TimeMeasurement> {
  const timeFile = join(work, 'time.out');
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', TIME_FORMAT, '-o', timeFile, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', () => {
      const m = parseTimeOutput(readFileSync(timeFile, 'utf8'));
      if (m.exitStatus !== 0) reject(new Error(`${argv.join(' ')} exited ${m.exitStatus}: ${stderr}`));
      else resolve(m);
    });
  });
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const load1 = (): number => loadavg()[0] as number;

function commit(): string {
  try {
    const head = execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', repo, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? ' (work tree has uncommitted changes)' : ''}`;
  } catch {
    // A tree exported with git archive (a clean copy, so other work in progress cannot interfere).
    return process.env.SCRIPTLET_BENCH_COMMIT ?? 'unknown (not a git checkout)';
  }
}

function record(title: string, lines: string[]): void {
  const day = new Date().toISOString().slice(0, 10);
  const file = join(repo, 'bench', 'results', `build-${day}.md`);
  if (!existsSync(file)) appendFileSync(file, `# Build and first-boot benchmarks, ${day}\n\nWritten by bench/build-benchmark.ts; one section per invocation.\n`);
  appendFileSync(file, `\n## ${title}, ${new Date().toISOString().slice(11, 16)} UTC\n\n${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n(recorded in ${file})\n`);
}

function facts(startLoad: string): string[] {
  return [
    `- commit: ${commit()}`,
    `- machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), shared with other jobs`,
    `- load average (1/5/15 min): ${startLoad} at start, ${load()} at end`,
    ...(values.note ? [`- note: ${values.note}`] : []),
  ];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fmt = (n: number): string => n.toFixed(2);

/**
 * A cache home for one kind of scriptlet run: downloaded packages and kernels are the user's (so
 * neither run downloads), earlier classifications its own (`classified/`, see
 * src/build/classification-cache.ts).
 */
function benchCacheHome(name: string): string {
  const home = join(work, name);
  mkdirSync(home, { recursive: true });
  const user = cacheHome(process.env, process.cwd());
  for (const sub of ['debs', 'kernel']) {
    mkdirSync(join(user, sub), { recursive: true });
    if (!existsSync(join(home, sub))) symlinkSync(join(user, sub), join(home, sub));
  }
  return home;
}

async function benchBuild(): Promise<void> {
  const startLoad = load();
  const runs = Number(values.runs);
  const rows: Array<{ tool: string; run: number; m: TimeMeasurement; loadBefore: number }> = [];
  const cold = benchCacheHome('cache-cold');
  const warm = benchCacheHome('cache-warm');
  const scriptletBuild = (out: string, home: string): Promise<TimeMeasurement> =>
    timed(['node', '--no-node-snapshot', cli, 'build', '-q', '-f', 'ext2', '--size', '1G', '--cache-dir', home, '-o', out, ...packages]);
  // One untimed build fills the warm cache (and the page cache, for every tool alike).
  await scriptletBuild(join(work, 'prime'), warm);
  rmSync(join(work, 'prime'), { recursive: true, force: true });
  const tools = ['scriptlet-cold', 'scriptlet-warm', 'supermin'];
  for (let run = 1; run <= runs; run++) {
    // Rotate which goes first, so a load change does not always fall on the same tool.
    const order = [...tools.slice((run - 1) % tools.length), ...tools.slice(0, (run - 1) % tools.length)];
    for (const tool of order) {
      const out = join(work, `${tool}-${run}`);
      rmSync(out, { recursive: true, force: true });
      const loadBefore = load1();
      let m: TimeMeasurement;
      if (tool === 'scriptlet-cold') {
        rmSync(join(cold, 'classified'), { recursive: true, force: true });
        m = await scriptletBuild(out, cold);
      } else if (tool === 'scriptlet-warm') {
        m = await scriptletBuild(out, warm);
      } else {
        // Two commands: time each and add them up, as a user running supermin by hand would wait.
        mkdirSync(out);
        const prep = await timed(['supermin', '--prepare', '-o', join(out, 'supermin.d'), ...packages]);
        const build = await timed(['supermin', '--build', '-f', 'ext2', '--size', '1G', '-o', join(out, 'appliance'), join(out, 'supermin.d')]);
        m = {
          wallSeconds: prep.wallSeconds + build.wallSeconds,
          maxRssKb: Math.max(prep.maxRssKb, build.maxRssKb),
          userSeconds: prep.userSeconds + build.userSeconds,
          systemSeconds: prep.systemSeconds + build.systemSeconds,
          exitStatus: 0,
        };
      }
      rows.push({ tool, run, m, loadBefore });
      rmSync(out, { recursive: true, force: true });
      process.stderr.write(`${tool} run ${run}: ${m.wallSeconds} s\n`);
    }
  }
  const names = {
    'scriptlet-cold': '`scriptlet build -f ext2`, cold',
    'scriptlet-warm': '`scriptlet build -f ext2`, warm',
    supermin: '`supermin --prepare` + `--build -f ext2`',
  } as Record<string, string>;
  const summary = (tool: string) => {
    const r = rows.filter((x) => x.tool === tool);
    return { wall: median(r.map((x) => x.m.wallSeconds)), min: Math.min(...r.map((x) => x.m.wallSeconds)), cpu: median(r.map((x) => x.m.userSeconds + x.m.systemSeconds)) };
  };
  const c = summary('scriptlet-cold');
  const w = summary('scriptlet-warm');
  const b = summary('supermin');
  const ratios = (label: string, s: ReturnType<typeof summary>): string =>
    `${label} ${fmt(s.wall)} s, ratio ${(s.wall / b.wall).toFixed(2)}x wall (min-to-min ${(s.min / b.min).toFixed(2)}x), ${fmt(s.cpu)} CPU-s, ${(s.cpu / b.cpu).toFixed(2)}x CPU`;
  record('scriptlet build against bare supermin', [
    ...facts(startLoad),
    `- packages (${packages.length} named; supermin adds the dependency closure): ${packages.join(' ')}`,
    '- same format (ext2), size (1G) and kernel (supermin\'s choice from /boot) for both; scriptlet reads the scripts from downloaded .debs (cached)',
    '- cold: no earlier classifications (the cache\'s `classified/` removed before each run), every script parsed and classified; warm: the same build done before (one untimed build first), so every analysis and verdict comes from the classification cache',
    '',
    '| tool | run | wall s | user s | sys s | load before |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${names[r.tool]} | ${r.run} | ${fmt(r.m.wallSeconds)} | ${fmt(r.m.userSeconds)} | ${fmt(r.m.systemSeconds)} | ${fmt(r.loadBefore)} |`),
    '',
    `Medians: supermin ${fmt(b.wall)} s wall, ${fmt(b.cpu)} CPU-s (user+sys); ${ratios('scriptlet cold', c)}; ${ratios('scriptlet warm', w)}. Target: at most 1.2x.`,
  ]);
}

/**
 * The bench's init: times the steps run directly and by the agent, alternating, then powers off
 * (in a VM) or just ends (in a chroot).
 */
function agentInit(rounds: number, steps: number, end: 'poweroff' | 'exit' = 'poweroff'): string {
  return `#!/bin/sh
B=/var/lib/scriptlet-bench
ns() { date +%s%N; }
direct() {
  for d in $B/root/usr/lib/scriptlet/deferred/*/; do
    /bin/sh "$d/script" configure '' >>$B/direct.log 2>&1 </dev/null
  done
}
r=1
while [ $r -le ${rounds} ]; do
  t0=$(ns); direct; t1=$(ns)
  rm -rf $B/root/var/lib/scriptlet
  SCRIPTLET_ROOT=$B/root /usr/lib/scriptlet/agent run >/dev/null 2>&1
  rc=$?
  t2=$(ns)
  # What single processes cost here, the same number of times: the durable journal needs one
  # sync per finished step (docs/guest-agent.md), and setsid is one more exec per step.
  i=0; while [ $i -lt ${steps} ]; do sync -f $B/root/var/lib/scriptlet/journal; i=$((i + 1)); done
  t3=$(ns)
  i=0; while [ $i -lt ${steps} ]; do /bin/true; i=$((i + 1)); done
  t4=$(ns)
  echo "BENCH round=$r direct_ns=$((t1 - t0)) agent_ns=$((t2 - t1)) agent_rc=$rc sync_ns=$((t3 - t2)) true_ns=$((t4 - t3))"
  r=$((r + 1))
done
${end === 'poweroff' ? 'sync\necho o > /proc/sysrq-trigger\nsleep 60\n' : 'exit 0\n'}`;
}

function benchSteps(n: number): DeferredStep[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${String(i + 1).padStart(3, '0')}-bench.postinst`,
    package: 'bench',
    phase: 'postinst',
    interpreter: ['/bin/sh'],
    script: '#!/bin/sh\nset -e\n[ "$1" = configure ] || exit 1\n',
    args: ['configure', ''],
    env: { DPKG_MAINTSCRIPT_PACKAGE: 'bench', DPKG_MAINTSCRIPT_NAME: 'postinst' },
    timeoutSeconds: 60,
    reason: 'benchmark',
  }));
}

/**
 * A prepared appliance of a small set whose own install scripts are all dropped (so the image's
 * agent has nothing to do), plus the bench's init and a relocated agent root holding the steps.
 */
async function prepareAgentBench(n: number, rounds: number, end: 'poweroff' | 'exit'): Promise<string> {
  const entries: OverlayEntry[] = [
    { type: 'file', path: 'usr/local/sbin/bench-init', mode: 0o755, content: agentInit(rounds, n, end) },
    ...[...renderDeferredPlan(benchSteps(n))].map(([path, f]): OverlayEntry => ({ type: 'file', path: `var/lib/scriptlet-bench/root/${path.replace(/^\//, '')}`, mode: f.mode, content: typeof f.contents === 'string' ? f.contents : Buffer.from(f.contents) })),
  ];
  const policy = join(work, 'drop-all.json5');
  writeFileSync(policy, "{ name: 'drop-all', family: 'debian', rules: [{ id: 'drop-all', scope: 'script', match: { package: '*' }, outcome: 'drop', reason: 'benchmark' }] }\n");
  const prepared = join(work, 'prepared');
  execFileSync('node', ['--no-node-snapshot', cli, 'prepare', '-q', '--policy', policy, '-o', prepared, 'dash', 'coreutils', 'mount', 'util-linux', 'base-passwd'], { stdio: 'inherit' });
  await writeOverlayTar(join(prepared, 'supermin.d', 'zz-bench.tar'), entries, { mtime: 1700000000 });
  return prepared;
}

interface AgentRound {
  round: number;
  direct: number;
  agent: number;
  rc: number;
  /** All N `sync -f` calls, ms. */
  sync: number;
  /** All N `/bin/true` runs, ms. */
  true: number;
}

function parseAgentRounds(output: string): AgentRound[] {
  const results = [...output.matchAll(/BENCH round=(\d+) direct_ns=(\d+) agent_ns=(\d+) agent_rc=(\d+) sync_ns=(\d+) true_ns=(\d+)/g)].map((m) => ({
    round: Number(m[1]),
    direct: Number(m[2]) / 1e6,
    agent: Number(m[3]) / 1e6,
    rc: Number(m[4]),
    sync: Number(m[5]) / 1e6,
    true: Number(m[6]) / 1e6,
  }));
  if (results.length === 0) throw new Error(`no BENCH lines in the output:\n${output.slice(-3000)}`);
  return results;
}

function recordAgent(title: string, startLoad: string, n: number, where: string, results: AgentRound[], verdict: string): void {
  const per = results.map((r) => (r.agent - r.direct) / n);
  record(title, [
    ...facts(startLoad),
    `- ${n} trivial deferred steps (\`/bin/sh script configure ''\` with DPKG_MAINTSCRIPT_* set; the script tests \`$1\` and exits 0), rendered by renderDeferredPlan and run with \`SCRIPTLET_ROOT\` ${where}`,
    '- baseline: the same scripts run by a sh loop with output appended to a log (what the agent does minus its bookkeeping); agent: `agent run` from an empty state (per step: setsid, and one `sync -f` for the journal append that holds the result and the next step\'s `started`; per run: `date`, one `sha256sum` for all scripts, the first journal write as a rewrite, status.json, done marker; a watchdog `sleep 1` a second)',
    '- times from `date +%s%N` inside',
    `- one process, for scale: ${n} \`sync -f\` of the journal and ${n} runs of \`/bin/true\` in a sh loop after each agent run, per call`,
    '',
    '| round | direct loop ms | agent ms | agent exit | overhead per step ms | one `sync -f` ms | one `/bin/true` ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r, i) => `| ${r.round} | ${fmt(r.direct)} | ${fmt(r.agent)} | ${r.rc} | ${fmt(per[i] as number)} | ${fmt(r.sync / n)} | ${fmt(r.true / n)} |`),
    '',
    `Median overhead per step: ${fmt(median(per))} ms (target: under 20 ms); median cost of one \`sync -f\` process ${fmt(median(results.map((r) => r.sync / n)))} ms, of one \`/bin/true\` ${fmt(median(results.map((r) => r.true / n)))} ms. ${verdict}`,
  ]);
}

async function benchAgent(): Promise<void> {
  const startLoad = load();
  const n = Number(values.steps);
  const prepared = await prepareAgentBench(n, Number(values.rounds), 'poweroff');
  const app = join(work, 'agent-app');
  execFileSync('node', ['--no-node-snapshot', cli, 'build', '-q', '--size', '1G', '-o', app, prepared], { stdio: 'inherit' });
  const boot = await bootAppliance({ kernel: join(app, 'kernel'), initrd: join(app, 'initrd'), root: join(app, 'root'), timeoutMs: 1_800_000, snapshot: true, append: ['scriptlet.init=/usr/local/sbin/bench-init'] });
  recordAgent('guest agent overhead per step', startLoad, n, `inside the booted appliance, qemu ${boot.accel}, 1 vCPU`, parseAgentRounds(boot.console), `Guest under ${boot.accel}: software emulation, many times slower than hardware per fork/exec.`);
}

async function benchAgentChroot(): Promise<void> {
  const startLoad = load();
  const n = Number(values.steps);
  const prepared = await prepareAgentBench(n, Number(values.rounds), 'exit');
  const app = join(work, 'agent-chroot');
  execFileSync('node', ['--no-node-snapshot', cli, 'build', '-q', '-f', 'chroot', '-o', app, prepared], { stdio: 'inherit' });
  const argv = ['--unshare-all', '--uid', '0', '--gid', '0', '--bind', app, '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/run', '--tmpfs', '/tmp', '/usr/local/sbin/bench-init'];
  const out = execFileSync('bwrap', argv, { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, timeout: 600_000 });
  recordAgent('guest agent overhead per step, chroot appliance (native)', startLoad, n, `in a chroot-format appliance under bwrap on the host CPU (${app.startsWith(tmpdir()) ? 'in the temp dir' : app}, ${fsType(app)})`, parseAgentRounds(out), 'Native: the chroot appliance format runs the agent on the host CPU.');
}

function fsType(path: string): string {
  try {
    return `filesystem ${execFileSync('stat', ['-f', '-c', '%T', path], { encoding: 'utf8' }).trim()}`;
  } catch {
    return 'filesystem unknown';
  }
}

async function benchFirstBoot(): Promise<void> {
  const startLoad = load();
  const app = join(work, 'first-boot-app');
  rmSync(app, { recursive: true, force: true });
  const buildM = await timed(['node', '--no-node-snapshot', cli, 'build', '-q', '--size', '1G', ...(values.policy ? ['--policy', values.policy] : []), '-o', app, ...packages]);
  const manifest = JSON.parse(readFileSync(join(app, 'manifest.json'), 'utf8')) as { deferred: unknown[]; scripts: Array<{ outcome: string }> };
  const loadBefore = load1();
  const boot = await bootAppliance({ kernel: join(app, 'kernel'), initrd: join(app, 'initrd'), root: join(app, 'root'), accel: 'tcg', timeoutMs: 3_600_000, snapshot: true });
  const report = readAgentReport(boot.console);
  const stepSeconds = report.ended.reduce((sum, e) => sum + e.seconds, 0);
  const count = (o: string): number => manifest.scripts.filter((s) => s.outcome === o).length;
  record(`first boot: ${values.label || (values.policy ?? 'default policy')}`, [
    ...facts(startLoad),
    `- packages: ${packages.join(' ')}; policy: ${values.policy ?? 'default (debian)'}`,
    `- scripts: ${count('drop')} dropped, ${count('translate')} translated, ${count('defer')} deferred; ${manifest.deferred.length} first-boot steps`,
    `- build: ${fmt(buildM.wallSeconds)} s wall`,
    `- first boot (qemu ${boot.accel}, 512 MiB, 1 vCPU, load ${fmt(loadBefore)} before): ${fmt(boot.durationMs / 1000)} s from qemu start to power-off; ` +
      `agent steps ${report.ended.length}, sum of their seconds ${stepSeconds}; agent: ${report.done ? `result=${report.done.result} ok=${report.done.ok} failed=${report.done.failed}` : 'no done line'}${boot.timedOut ? ' (TIMED OUT)' : ''}`,
    `- failed steps: ${report.ended.filter((e) => e.state !== 'ok').map((e) => `${e.id} (${e.state} rc=${e.rc})`).join(', ') || 'none'}`,
  ]);
}

const modes: Record<string, () => Promise<void>> = { build: benchBuild, agent: benchAgent, 'agent-chroot': benchAgentChroot, 'first-boot': benchFirstBoot };
const run = modes[mode ?? ''];
if (!run) {
  process.stderr.write('usage: build-benchmark.js build|agent|agent-chroot|first-boot [options] [PACKAGE...]\n');
  process.exit(2);
}
try {
  await run();
} finally {
  if (!values.work) rmSync(work, { recursive: true, force: true });
}
