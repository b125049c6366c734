/**
 * What applying one action did. `done` changed the staging tree (or found it already in the
 * wanted state); `nothing` means the action has no build-time effect, with the reason; `defer`
 * means it cannot be realised faithfully at build time and becomes first-boot work.
 */
export type ApplyOutcome =
  | { kind: 'done'; notes: string[] }
  | { kind: 'nothing'; reason: string }
  | { kind: 'defer'; reason: string; /** argv to run on the image at first boot, when one command does it */ command?: string[] };

export const done = (...notes: string[]): ApplyOutcome => ({ kind: 'done', notes });
export const nothing = (reason: string): ApplyOutcome => ({ kind: 'nothing', reason });
export const defer = (reason: string, command?: string[]): ApplyOutcome =>
  command ? { kind: 'defer', reason, command } : { kind: 'defer', reason };
