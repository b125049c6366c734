/** `1 script`, `2 scripts`: counts in the human-readable reports. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
