/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same mutation sequence on every
 * machine, so a fuzz run is reproducible from its seed and execution count alone.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Integer in [0, n); n must be positive. */
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  /** A pick from a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }

  chance(numerator: number, denominator: number): boolean {
    return this.below(denominator) < numerator;
  }
}

/** A stable 32-bit seed from a text (the target name and the run seed), FNV-1a. */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
