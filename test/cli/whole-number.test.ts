import t from 'tap';
import { InvalidArgumentError } from 'commander';
import { wholeNumber } from '../../src/cli/whole-number.js';

const cases: { value: string; max: number; unit?: string; result?: number; error?: string }[] = [
  { value: '1', max: 64, result: 1 },
  { value: '64', max: 64, result: 64 },
  { value: '65', max: 64, error: 'a whole number from 1 to 64' },
  { value: '0', max: 64, error: 'a whole number from 1 to 64' },
  { value: '1.5', max: 64, error: 'a whole number from 1 to 64' },
  { value: '1e2', max: 1000, error: 'a whole number from 1 to 1000' },
  { value: '-3', max: 64, error: 'a whole number from 1 to 64' },
  { value: '', max: 64, error: 'a whole number from 1 to 64' },
  { value: '600', max: 86400, unit: 'seconds', result: 600 },
  { value: 'abc', max: 86400, unit: 'seconds', error: 'a whole number of seconds from 1 to 86400' },
];

for (const c of cases) {
  t.test(`${JSON.stringify(c.value)} (max ${c.max})`, async (t) => {
    const parse = wholeNumber(c.max, c.unit);
    if (c.error === undefined) t.equal(parse(c.value), c.result);
    else t.throws(() => parse(c.value), new InvalidArgumentError(c.error));
  });
}
