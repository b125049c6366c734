import { InvalidArgumentError } from 'commander';

/**
 * Commander option parser for a count or duration: a whole number from 1 to `max` (no signs,
 * fractions or exponents, which Number() would accept), with the unit named in the usage error.
 */
export function wholeNumber(max: number, unit?: string): (value: string) => number {
  const what = unit === undefined ? 'a whole number' : `a whole number of ${unit}`;
  return (value) => {
    const n = Number(value);
    if (!/^[0-9]+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`${what} from 1 to ${max}`);
    return n;
  };
}
