import t from 'tap';
import { PolicyError } from '../../src/errors.js';
import { compileSandboxModule } from '../../src/policy/sandbox.js';
import { builtinRuntime, createPolicyRuntime } from '../../src/policy/policy-runtime.js';
import type { ResolvedPolicy, ResolvedRule } from '../../src/policy/resolved-policy.js';

const limits = { memoryMb: 16, timeoutMs: 100 };

t.test('a predicate sees the copied input and returns a boolean', async (t) => {
  const m = compileSandboxModule(
    'export function match(input) { return input.command.name === "adduser" && input.command.args.length === 2; }',
    '/p/pred.js',
    ['match'],
    'r1',
    limits,
  );
  t.teardown(() => m.dispose());
  t.equal(m.call('match', { command: { name: 'adduser', args: ['a', 'b'] } }, 'r1'), true);
  t.equal(m.call('match', { command: { name: 'useradd', args: [] } }, 'r1'), false);
});

interface Hostile {
  name: string;
  source: string;
  /** Fails at compile/evaluate time rather than at the call. */
  atLoad?: boolean;
  message: RegExp;
  limits?: { memoryMb: number; timeoutMs: number };
}

const hostile: Hostile[] = [
  { name: 'require', source: 'export function match() { return require("fs") !== undefined; }', message: /require is not defined/ },
  { name: 'process.exit', source: 'export function match() { process.exit(3); return true; }', message: /process is not defined/ },
  { name: 'dynamic import', source: 'export function match() { return import("fs"); }', message: /could not be cloned/ },
  { name: 'static import', source: 'import fs from "fs";\nexport function match() { return true; }', atLoad: true, message: /may not import anything \(imports 'fs'\)/ },
  {
    name: 'Function constructor reaching for host objects',
    source: `export function match() {
      const g = Function.constructor("return this")();
      const p = (new Function("return typeof process + typeof require + typeof globalThis.process"))();
      if (p !== "undefinedundefinedundefined") return true;
      return g.process.exit(1);
    }`,
    message: /Cannot read properties of undefined \(reading 'exit'\)/,
  },
  { name: 'endless loop', source: 'export function match() { while (true) {} }', message: /timed out/ },
  { name: 'endless loop at top level', source: 'while (true) {}\nexport function match() { return true; }', atLoad: true, message: /timed out/ },
  {
    name: 'memory bomb',
    source: 'export function match() { const a = []; for (;;) a.push(new Array(1e6).fill(0.5)); }',
    message: /memory limit/,
    // A generous time limit so the memory limit, not the clock, stops it even on a loaded machine.
    limits: { memoryMb: 16, timeoutMs: 10_000 },
  },
  { name: 'promise that never settles', source: 'export function match() { return new Promise(() => {}); }', message: /could not be cloned/ },
  { name: 'syntax error', source: 'export function match( { return true; }', atLoad: true, message: /did not compile/ },
  { name: 'throw', source: 'export function match() { throw new Error("boom"); }', message: /boom/ },
  { name: 'missing export', source: 'export function other() { return true; }', atLoad: true, message: /must export a function named 'match'/ },
  { name: 'returns a function', source: 'export function match() { return () => 1; }', message: /could not be cloned/ },
];

for (const h of hostile) {
  t.test(`hostile module: ${h.name}`, async (t) => {
    let caught: unknown;
    try {
      const m = compileSandboxModule(h.source, '/p/hostile.js', ['match'], 'bad-rule', h.limits ?? limits);
      t.notOk(h.atLoad, 'compiles');
      t.teardown(() => m.dispose());
      m.call('match', { command: { name: 'x' } }, 'bad-rule');
    } catch (e) {
      caught = e;
    }
    t.type(caught, PolicyError);
    const e = caught as PolicyError;
    t.equal(e.code, 'E_POLICY_SANDBOX');
    t.equal(e.context.rule, 'bad-rule');
    t.equal(e.context.file, '/p/hostile.js');
    t.match(e.message, h.message);
    t.match(e.toOneLine(), /^\/p\/hostile\.js.*\[rule bad-rule\]$/);
  });
}

t.test('prototype pollution stays inside the sandbox', async (t) => {
  const m = compileSandboxModule(
    `export function match() {
      Object.prototype.polluted = "yes";
      Array.prototype.push = function () { return "hijacked"; };
      return ({}).polluted === "yes";
    }
    export function translate() { return JSON.parse('{"__proto__": {"polluted": "yes"}}'); }`,
    '/p/pollute.js',
    ['match', 'translate'],
    'r',
    limits,
  );
  t.teardown(() => m.dispose());
  t.equal(m.call('match', {}, 'r'), true, 'the module sees its own pollution');
  const out = m.call('translate', {}, 'r') as Record<string, unknown>;
  t.equal((({}) as Record<string, unknown>).polluted, undefined, 'the host Object.prototype is clean');
  t.equal(Object.getPrototypeOf(out), Object.prototype, 'the copied result has a plain prototype');
  t.equal((out as { polluted?: unknown }).polluted, undefined, 'no inherited polluted key');
  const a: number[] = [];
  a.push(1);
  t.same(a, [1], 'host Array.prototype.push is untouched');
});

t.test('after a memory bomb the module gets a fresh isolate', async (t) => {
  const m = compileSandboxModule(
    `let n = 0;
    export function match(input) {
      if (input.bomb) { const a = []; for (;;) a.push(new Array(1e5).fill(1)); }
      n++;
      return n === 1;
    }`,
    '/p/reuse.js',
    ['match'],
    'r',
    limits,
  );
  t.teardown(() => m.dispose());
  t.throws(() => m.call('match', { bomb: true }, 'r'), { code: 'E_POLICY_SANDBOX' });
  t.equal(m.call('match', { bomb: false }, 'r'), true, 'state starts over in the new isolate');
});

function rule(id: string, extra: Partial<ResolvedRule>): ResolvedRule {
  return {
    rule: { id, match: {}, outcome: 'drop', reason: 'r' },
    policy: 'p',
    file: '/p/p.json5',
    line: 1,
    column: 1,
    ...extra,
  };
}

t.test('runtime: predicates must return booleans, translators actions or null', async (t) => {
  const sources: Record<string, string> = {
    '/p/pred.js': 'export function match(i) { return i.want; }',
    '/p/tr.js': 'export function translate(i) { return i.params.out; }',
  };
  const pred = rule('pred', { matchModule: '/p/pred.js' });
  const tr = rule('tr', { translateModule: '/p/tr.js' });
  const policy: ResolvedPolicy = { name: 'p', family: 'any', file: '/p/p.json5', rules: [pred, tr], files: ['/p/p.json5'] };
  const rt = createPolicyRuntime(policy, new Map(), (path) => sources[path]!, limits);
  t.teardown(() => rt.dispose());
  t.equal(rt.predicate(pred, { want: true }), true);
  t.throws(() => rt.predicate(pred, { want: 'yes' }), { code: 'E_POLICY_SANDBOX', message: /must return true or false, not string "yes"/ });
  t.same(rt.translate(tr, { params: { out: [{ kind: 'group', name: 'g', system: true }] } }), [
    { kind: 'group', name: 'g', system: true },
  ]);
  t.equal(rt.translate(tr, { params: { out: null } }), null);
  t.throws(() => rt.translate(tr, { params: { out: {} } }), { message: /got an object/ });
  t.throws(() => rt.translate(tr, { params: { out: [{ kind: 'teleport' }] } }), { message: /action 0 has no known kind \("teleport"\)/ });
  t.throws(() => rt.translate(tr, { params: { out: [{ kind: 'group', name: 'g' }] } }), {
    message: /action 0 \(group\): must have required property 'system'/,
  });
  t.throws(() => rt.translate(tr, { params: { out: [{ kind: 'group', name: 'g', system: true, extra: 1 }] } }), {
    message: /must NOT have additional properties 'extra'/,
  });
  t.throws(() => rt.translate(tr, { params: { out: [{ kind: 'directory', path: 'relative' }] } }), {
    message: /action 0 \(directory\): path must match pattern/,
  });
});

t.test('runtime without modules refuses JavaScript rules', async (t) => {
  const rt = builtinRuntime(new Map());
  t.throws(() => rt.predicate(rule('x', { matchModule: '/p/x.js' }), {}), { code: 'E_POLICY_REF' });
});

t.test('a compile error reports the line in the module', async (t) => {
  try {
    compileSandboxModule('export function match() {\n  return 1 +;\n}', '/p/err.js', ['match'], 'r', limits);
    t.fail('should throw');
  } catch (e) {
    t.equal((e as PolicyError).context.line, 2);
  }
});
