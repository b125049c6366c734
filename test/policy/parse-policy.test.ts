import t from 'tap';
import { parsePolicyText } from '../../src/policy/parse-policy.js';

const file = '/p/test.json5';

const good = `{
  name: 'test',
  family: 'debian',
  rules: [
    { id: 'a', match: { command: 'true' }, outcome: 'drop', reason: 'no-op' },
  ],
}`;

t.test('a valid policy parses without problems', async (t) => {
  const p = parsePolicyText(good, file);
  t.same(p.problems, []);
  t.equal(p.doc?.rules[0]?.id, 'a');
});

interface Case {
  name: string;
  text: string;
  code: string;
  line: number;
  column: number;
  rule?: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'JSON5 syntax error carries line and column',
    text: `{\n  name: 'x',\n  family: 'any'\n  rules: [],\n}`,
    code: 'E_POLICY_SYNTAX',
    line: 4,
    column: 3,
    message: /JSON5 syntax error: invalid character 'r'/,
  },
  {
    name: 'bad outcome points at the value, names the rule',
    text: `{
  name: 'x', family: 'any',
  rules: [
    { id: 'first', match: {}, outcome: 'drop', reason: 'r' },
    { id: 'second', match: {},
      outcome: 'dorp', reason: 'r' },
  ],
}`,
    code: 'E_POLICY_SCHEMA',
    line: 6,
    column: 16,
    rule: 'second',
    message: /outcome must be one of drop, translate, defer/,
  },
  {
    name: 'unknown match field points at its key, with a suggestion',
    text: `{ name: 'x', family: 'any', rules: [
  { id: 'r1', match: { comand: 'ls' }, outcome: 'drop', reason: 'r' } ] }`,
    code: 'E_POLICY_SCHEMA',
    line: 2,
    column: 24,
    rule: 'r1',
    message: /unknown property 'comand' \(did you mean 'command'\?\)/,
  },
  {
    name: 'missing reason points at the rule',
    text: `{ name: 'x', family: 'any', rules: [
  { id: 'r1', match: {}, outcome: 'drop' },
] }`,
    code: 'E_POLICY_SCHEMA',
    line: 2,
    column: 3,
    rule: 'r1',
    message: /missing required property 'reason'/,
  },
  {
    name: 'bad phase in a list points at the element',
    text: `{ name: 'x', family: 'any', rules: [
  { id: 'r1', match: { phase: ['postinst',
      'postinstt'] }, outcome: 'drop', reason: 'r' },
] }`,
    code: 'E_POLICY_SCHEMA',
    line: 3,
    column: 7,
    rule: 'r1',
    message: /must be one of preinst, postinst/,
  },
  {
    name: 'rule id pattern',
    text: `{ name: 'x', family: 'any', rules: [ { id: 'Bad Id', match: {}, outcome: 'drop', reason: 'r' } ] }`,
    code: 'E_POLICY_SCHEMA',
    line: 1,
    column: 44,
    rule: 'Bad Id',
    message: /id must match pattern/,
  },
  {
    name: 'duplicate id in one file',
    text: `{ name: 'x', family: 'any', rules: [
  { id: 'a', match: {}, outcome: 'drop', reason: 'r' },
  { id: 'a', match: {}, outcome: 'defer', reason: 'r' },
] }`,
    code: 'E_POLICY_SCHEMA',
    line: 3,
    column: 9,
    rule: 'a',
    message: /duplicate rule id 'a' \(first at line 2\)/,
  },
  {
    name: 'translate outcome without translate entry',
    text: `{ name: 'x', family: 'any', rules: [
  { id: 'a', match: {}, outcome: 'translate', reason: 'r' },
] }`,
    code: 'E_POLICY_SCHEMA',
    line: 2,
    column: 25,
    rule: 'a',
    message: /outcome 'translate' needs a `translate` entry/,
  },
  {
    name: 'translate with both translator and js',
    text: `{ name: 'x', family: 'any', rules: [
  { id: 'a', match: {}, outcome: 'translate', reason: 'r', translate: { translator: 'x', js: './x.js' } },
] }`,
    code: 'E_POLICY_SCHEMA',
    line: 2,
    column: 71,
    rule: 'a',
    message: /exactly one of `translator` and `js`/,
  },
  {
    name: 'translate entry on a drop rule',
    text: `{ name: 'x', family: 'any', rules: [
  { id: 'a', match: {}, outcome: 'drop', reason: 'r', translate: { translator: 'x' } },
] }`,
    code: 'E_POLICY_SCHEMA',
    line: 2,
    column: 55,
    rule: 'a',
    message: /needs outcome 'translate', not 'drop'/,
  },
  {
    name: 'empty on a part rule',
    text: `{ name: 'x', family: 'any', rules: [
  { id: 'a', match: { empty: true }, outcome: 'drop', reason: 'r' },
] }`,
    code: 'E_POLICY_SCHEMA',
    line: 2,
    column: 23,
    rule: 'a',
    message: /`empty` only applies to rules with scope 'script'/,
  },
  {
    name: 'missing top-level field',
    text: `{ name: 'x', rules: [] }`,
    code: 'E_POLICY_SCHEMA',
    line: 1,
    column: 1,
    message: /missing required property 'family'/,
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const p = parsePolicyText(c.text, file);
    t.ok(p.problems.length >= 1, 'a problem is reported');
    const e = p.problems[0]!;
    t.equal(e.code, c.code);
    t.match(e.message, c.message);
    t.same(
      { file: e.context.file, line: e.context.line, column: e.context.column, rule: e.context.rule },
      { file, line: c.line, column: c.column, rule: c.rule },
    );
    t.match(e.toOneLine(), new RegExp(`^/p/test\\.json5:${c.line}:${c.column}: `));
  });
}

t.test('every schema problem is reported, in line order', async (t) => {
  const p = parsePolicyText(
    `{ name: 'x', family: 'any', rules: [
  { id: 'a', match: {}, outcome: 'nope', reason: 'r' },
  { id: 'b', match: { package: 3 }, outcome: 'drop', reason: 'r' },
] }`,
    file,
  );
  t.same(
    p.problems.map((e) => [e.context.line, e.context.rule]),
    [
      [2, 'a'],
      [3, 'b'],
    ],
  );
  t.match(p.problems[1]!.message, /package must be string/);
});
