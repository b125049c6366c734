/**
 * A short, deterministic fuzz run of every reader (bench/fuzz): each input must be accepted or
 * refused with a ScriptletError whose one-line form names the file; an escaped exception, a hang or
 * a heap blow-up fails the test with the minimised input. The long run is `npm run fuzz`.
 */
import t from 'tap';
import { TARGET_NAMES } from '../../bench/fuzz/fuzz-targets.js';
import { FuzzExecutor } from '../../bench/fuzz/fuzz-executor.js';
import { runFuzzTarget } from '../../bench/fuzz/run-fuzz-target.js';

// CI budget for mutants, shared by every target (worker start-up and seeds come on top); the long
// documented run is in docs/fuzzing.md.
const TOTAL_SECONDS = 22.5;
const SECONDS_PER_TARGET = TOTAL_SECONDS / TARGET_NAMES.length;
const SEED = 20251125;

t.test('the oracle catches each planted kind of bug and minimises its input', async (t) => {
  const report = await runFuzzTarget({
    target: 'canary',
    seconds: 0,
    seed: SEED,
    workdir: t.testdir(),
    timeoutMs: 1000,
    heapMb: 64,
    minimiseAttempts: 40,
    minimiseKillingAttempts: 1,
  });
  const byKind = new Map(report.bugs.map((b) => [b.bug, b]));
  t.same([...byKind.keys()].sort(), ['exception', 'memory', 'message', 'timeout']);
  t.equal(Buffer.from(byKind.get('exception')?.input ?? []).toString(), 'BOOM', 'exception input minimised to its trigger');
  t.equal(Buffer.from(byKind.get('message')?.input ?? []).toString(), 'MULTI');
  t.match(byKind.get('message')?.message, /spans lines/);
  t.match(Buffer.from(byKind.get('timeout')?.input ?? []).toString(), /HANG/);
  t.match(Buffer.from(byKind.get('memory')?.input ?? []).toString(), /HOG/);
  t.equal(report.refused, 1, 'a well-formed refusal is not a bug');
  t.equal(report.accepted, 1);
});

t.test('every reader survives a short fuzz run', async (t) => {
  const workdir = t.testdir();
  // FUZZ_TARGETS=a,b narrows the run when chasing one finding.
  const only = process.env.FUZZ_TARGETS?.split(',');
  // One worker for every target: starting one per target cost more than the fuzzing itself.
  const executor = new FuzzExecutor({ target: 'ar', timeoutMs: 5000, heapMb: 256, memoryBoundBytes: 192 * 1024 * 1024 });
  t.teardown(() => executor.close());
  for (const target of TARGET_NAMES.filter((n) => !only || only.includes(n))) {
    t.test(target, async (t) => {
      // Seeds run before the clock starts, and one real maintainer script took up to 4 s through
      // both shell parsers on a loaded machine: the shell target gets its two hand-written seeds
      // (Debian postinst, Arch .install), and mutants of at most 8 KiB (the deadline is only
      // checked between inputs); the long run uses every seed and 64 KiB.
      const shell = target === 'shell' ? { maxInputBytes: 8192, maxSeeds: 2 } : {};
      const report = await runFuzzTarget({ target, seconds: SECONDS_PER_TARGET, seed: SEED, workdir, executor, ...shell });
      t.comment(`${target}: ${report.executions} executions, slowest ${Math.round(report.slowestMs)} ms`);
      t.ok(report.executions > report.seeds, `${report.executions} executions from ${report.seeds} seeds`);
      t.ok(report.accepted > 0, 'some seeds are accepted');
      if (target !== 'shell') t.ok(report.refused > 0, 'some mutants are refused');
      t.same(
        report.bugs.map((b) => ({ kind: b.bug, message: b.message, input: Buffer.from(b.input).toString('base64') })),
        [],
        'no bugs',
      );
    });
  }
});
