import t from 'tap';
import { join } from 'node:path';
import { checkPolicy, loadPolicy, policyPath } from '../../src/policy/load-policy.js';
import type { Translator } from '../../src/policy/translator.js';
import { PolicyError } from '../../src/errors.js';
import { defaultPolicyDir } from '../../src/policy/policy-dir.js';

const translators = new Map<string, Translator>([['known', () => []]]);

const rule = (id: string, extra = '') => `{ id: '${id}', match: { command: '${id}' }, outcome: 'drop', reason: 'r'${extra} }`;
const policy = (name: string, family: string, rules: string[], ext?: string | string[]) =>
  `{\n  name: '${name}',\n  family: '${family}',\n${ext === undefined ? '' : `  extends: ${JSON.stringify(ext)},\n`}  rules: [\n    ${rules.join(',\n    ')},\n  ],\n}\n`;

t.test('extends: child rules first, shared ancestor last, each file once', async (t) => {
  const dir = t.testdir({
    'base.json5': policy('base', 'any', [rule('b1')]),
    'left.json5': policy('left', 'debian', [rule('l1')], 'base'),
    'right.json5': policy('right', 'debian', [rule('r1')], 'base'),
    'child.json5': policy('child', 'debian', [rule('c1'), rule('c2')], ['left', 'right']),
  });
  const { policy: p, runtime } = loadPolicy(join(dir, 'child.json5'), { translators });
  t.teardown(() => runtime.dispose());
  t.same(p.rules.map((r) => `${r.policy}:${r.rule.id}`), ['child:c1', 'child:c2', 'left:l1', 'right:r1', 'base:b1']);
  t.same(p.files.map((f) => f.slice(dir.length + 1)), ['child.json5', 'left.json5', 'right.json5', 'base.json5']);
  t.same([p.rules[1]!.line, p.rules[1]!.column], [7, 5], 'rules know where they are written');
});

interface ErrorCase {
  name: string;
  files: Record<string, string>;
  code: string;
  file: string;
  line: number;
  column: number;
  rule?: string;
  message: RegExp;
}

const errorCases: ErrorCase[] = [
  {
    name: 'syntax error in a parent names the parent file',
    files: { 'p.json5': policy('p', 'any', [rule('a')], 'base'), 'base.json5': "{ name: 'base',\n  family: 'any'\n  rules: [] }" },
    code: 'E_POLICY_SYNTAX',
    file: 'base.json5',
    line: 3,
    column: 3,
    message: /invalid character 'r'/,
  },
  {
    name: 'extends cycle',
    files: { 'p.json5': policy('p', 'any', [rule('a')], 'q'), 'q.json5': policy('q', 'any', [rule('b')], 'p') },
    code: 'E_POLICY_REF',
    file: 'q.json5',
    line: 4,
    column: 12,
    message: /extends cycle: p -> q -> p/,
  },
  {
    name: 'a policy extending itself',
    files: { 'p.json5': policy('p', 'any', [rule('a')], 'p') },
    code: 'E_POLICY_REF',
    file: 'p.json5',
    line: 4,
    column: 12,
    message: /extends cycle: p -> p/,
  },
  {
    name: 'missing parent',
    files: { 'p.json5': policy('p', 'any', [rule('a')], ['base', 'nowhere']), 'base.json5': policy('base', 'any', [rule('b')]) },
    code: 'E_POLICY_REF',
    file: 'p.json5',
    line: 4,
    column: 20,
    message: /extends 'nowhere': no file .*nowhere\.json5/,
  },
  {
    name: 'duplicate rule id across the chain',
    files: { 'p.json5': policy('p', 'debian', [rule('x'), rule('dup')], 'base'), 'base.json5': policy('base', 'any', [rule('dup')]) },
    code: 'E_POLICY_SCHEMA',
    file: 'base.json5',
    line: 5,
    column: 11,
    rule: 'dup',
    message: /duplicate rule id 'dup' \(also in .*p\.json5:7\)/,
  },
  {
    name: 'unknown translator',
    files: {
      'p.json5': policy('p', 'any', [rule('a'), "{ id: 't', match: {}, outcome: 'translate', reason: 'r', translate: { translator: 'nope' } }"]),
    },
    code: 'E_POLICY_REF',
    file: 'p.json5',
    line: 6,
    column: 87,
    rule: 't',
    message: /unknown translator 'nope'/,
  },
  {
    name: 'missing JavaScript module',
    files: { 'p.json5': policy('p', 'any', ["{ id: 'j', match: { js: './gone.js' }, outcome: 'drop', reason: 'r' }"]) },
    code: 'E_POLICY_REF',
    file: 'p.json5',
    line: 5,
    column: 29,
    rule: 'j',
    message: /JavaScript module not found: .*gone\.js/,
  },
  {
    name: 'family mismatch with a parent',
    files: { 'p.json5': policy('p', 'fedora', [rule('a')], 'deb'), 'deb.json5': policy('deb', 'debian', [rule('b')]) },
    code: 'E_POLICY_REF',
    file: 'p.json5',
    line: 4,
    column: 12,
    message: /family 'fedora' cannot extend 'deb' \(family 'debian'\)/,
  },
  {
    name: 'JavaScript module that does not compile',
    files: {
      'p.json5': policy('p', 'any', ["{ id: 'j', match: { js: './bad.js' }, outcome: 'drop', reason: 'r' }"]),
      'bad.js': 'export function match( {\n',
    },
    code: 'E_POLICY_SANDBOX',
    file: 'bad.js',
    line: 2,
    column: 1,
    rule: 'j',
    message: /did not compile/,
  },
];

for (const c of errorCases) {
  t.test(c.name, async (t) => {
    const dir = t.testdir(c.files);
    let caught: unknown;
    try {
      loadPolicy(join(dir, 'p.json5'), { translators }).runtime.dispose();
    } catch (e) {
      caught = e;
    }
    t.type(caught, PolicyError);
    const e = caught as PolicyError;
    t.equal(e.code, c.code);
    t.match(e.message, c.message);
    t.same(
      { file: e.context.file, line: e.context.line, column: e.context.column, rule: e.context.rule },
      { file: join(dir, c.file), line: c.line, column: c.column, rule: c.rule },
    );
    t.ok(checkPolicy(join(dir, 'p.json5'), { translators }).length >= 1, 'check reports it too');
  });
}

t.test('a missing root file is an IoError', async (t) => {
  const dir = t.testdir({});
  t.throws(() => loadPolicy(join(dir, 'none.json5'), { translators }), { code: 'E_IO', message: /policy file not found/ });
});

t.test('names resolve in the policy directory, paths against cwd', async (t) => {
  t.equal(policyPath('debian', { policyDir: '/x' }), '/x/debian.json5');
  t.equal(policyPath('./my.json5', { cwd: '/w' }), '/w/my.json5');
  t.equal(policyPath('my.json5', { cwd: '/w' }), '/w/my.json5');
  t.equal(policyPath('/abs/p.json5'), '/abs/p.json5');
});

t.test('the shipped base policy loads and is valid', async (t) => {
  t.same(checkPolicy('base', { translators }), []);
  t.equal(defaultPolicyDir().endsWith('/policies'), true);
});

t.test('a JavaScript rule module loads and runs', async (t) => {
  const dir = t.testdir({
    'p.json5': policy('p', 'any', ["{ id: 'j', match: { js: './m.js' }, outcome: 'drop', reason: 'r' }"]),
    'm.js': 'export function match(input) { return input.part.kind === "command"; }\n',
  });
  const { policy: p, runtime } = loadPolicy(join(dir, 'p.json5'), { translators });
  t.teardown(() => runtime.dispose());
  t.equal(runtime.predicate(p.rules[0]!, { part: { kind: 'command' } }), true);
});
