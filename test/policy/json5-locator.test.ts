import t from 'tap';
import JSON5 from 'json5';
import { locateJson5, positionAt } from '../../src/policy/json5-locator.js';

const text = `// leading comment
{
  name: 'x', /* block
  comment */ "quoted key": "a\\"b",
  list: [1, -2.5e3, 0x1F, Infinity, 'it\\'s',],
  nested: { deep: [ { id: "r1" }, { id: 'r2', outcome: "dorp" } ] },
  'slash/key~tilde': true,
}
`;

t.test('the text is valid JSON5 (the locator only runs on parsed text)', async (t) => {
  t.doesNotThrow(() => JSON5.parse(text));
});

const cases: [pointer: string, key: string | undefined, line: number, column: number][] = [
  ['', undefined, 2, 1],
  ['/name', undefined, 3, 9],
  ['/quoted key', undefined, 4, 28],
  ['/list', undefined, 5, 9],
  ['/list/1', undefined, 5, 13],
  ['/list/4', undefined, 5, 37],
  ['/nested/deep/1/outcome', undefined, 6, 56],
  ['/nested/deep/1', 'outcome', 6, 47],
  ['/slash~1key~0tilde', undefined, 7, 22],
  // Missing paths fall back to the nearest existing ancestor.
  ['/nested/deep/7/id', undefined, 6, 19],
  ['/nested/missing', undefined, 6, 11],
];

for (const [pointer, key, line, column] of cases) {
  t.test(`position of ${pointer || '(root)'}${key ? ` key ${key}` : ''}`, async (t) => {
    t.same(positionAt(locateJson5(text), pointer, key), { line, column });
  });
}
