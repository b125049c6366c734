/**
 * Hostile policy JavaScript not already in sandbox.test.ts: blocking the thread with Atomics.wait,
 * a memory bomb and unbounded recursion at load or call time, async predicates, and writes to the
 * input's prototype. Each must end in E_POLICY_SANDBOX naming the file and rule, and the host must
 * carry on (its objects untouched, a fresh module still working).
 */
import t from 'tap';
import { PolicyError } from '../../src/errors.js';
import { compileSandboxModule } from '../../src/policy/sandbox.js';

const limits = { memoryMb: 16, timeoutMs: 150 };

interface Case {
  name: string;
  source: string;
  atLoad?: boolean;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'Atomics.wait blocking forever',
    source: 'export function match() { const a = new Int32Array(new SharedArrayBuffer(4)); Atomics.wait(a, 0, 0); return true; }',
    message: /timed out/,
  },
  {
    name: 'memory bomb at top level',
    source: 'const hoard = []; for (;;) hoard.push(new Array(1e5).fill(1));\nexport function match() { return true; }',
    atLoad: true,
    // Whichever limit comes first on a busy machine: both stop the module.
    message: /memory limit|timed out/,
  },
  { name: 'unbounded recursion', source: 'function f(n) { return f(n + 1) + 1; }\nexport function match() { return f(0) > 0; }', message: /call stack/ },
  { name: 'async predicate', source: 'export async function match() { return true; }', message: /could not be cloned/ },
  {
    name: 'a string that grows without end',
    source: 'export function match() { let s = "x"; for (;;) s += s; }',
    message: /memory limit|Invalid string length|timed out/,
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const started = Date.now();
    let caught: unknown;
    try {
      const m = compileSandboxModule(c.source, '/p/hostile.js', ['match'], 'hostile-rule', limits);
      t.teardown(() => m.dispose());
      t.notOk(c.atLoad, 'compiles');
      m.call('match', { command: { name: 'x' } }, 'hostile-rule');
    } catch (e) {
      caught = e;
    }
    t.type(caught, PolicyError);
    const e = caught as PolicyError;
    t.equal(e.code, 'E_POLICY_SANDBOX');
    t.equal(e.context.rule, 'hostile-rule');
    t.match(e.message, c.message);
    t.match(e.toOneLine(), /^\/p\/hostile\.js.*\[rule hostile-rule\]$/);
    t.notMatch(e.toOneLine(), /\n/);
    t.ok(Date.now() - started < 10_000, 'stopped promptly');
    const fresh = compileSandboxModule('export function match(i) { return i.ok === true; }', '/p/fresh.js', ['match'], 'r', limits);
    t.equal(fresh.call('match', { ok: true }, 'r'), true, 'the host still runs policy code afterwards');
    fresh.dispose();
  });
}

t.test('writes to the input and its prototype stay inside the sandbox', async (t) => {
  const m = compileSandboxModule(
    `export function match(input) {
      Object.getPrototypeOf(input).polluted = "yes";
      input.command.name = "changed";
      input.command.args.push("added");
      return ({}).polluted === "yes";
    }`,
    '/p/input.js',
    ['match'],
    'r',
    limits,
  );
  t.teardown(() => m.dispose());
  const input = { command: { name: 'useradd', args: ['-r'] } };
  t.equal(m.call('match', input, 'r'), true, 'the module sees its own change');
  t.same(input, { command: { name: 'useradd', args: ['-r'] } }, 'the host input is unchanged');
  t.equal((({}) as Record<string, unknown>).polluted, undefined, 'the host Object.prototype is clean');
});
