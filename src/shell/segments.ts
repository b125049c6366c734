import type { Command, Segment } from './analysis.js';

/**
 * Lay generated regions and the hand-written text between them out as the script's segments, in
 * line order, and give every command the index of the segment its line falls in. Text between
 * regions becomes a plain segment only when a command lives there.
 */
export function assignSegments(regions: Segment[], commands: Command[], lineCount: number): Segment[] {
  const sorted = [...regions].sort((a, b) => a.startLine - b.startLine);
  const layout: Segment[] = [];
  let next = 1;
  const addGap = (from: number, to: number): void => {
    if (to < from) return;
    if (commands.some((c) => c.line >= from && c.line <= to)) layout.push({ kind: 'plain', startLine: from, endLine: to });
  };
  for (const region of sorted) {
    if (region.startLine < next) continue; // overlapping regions cannot come from well-formed input
    addGap(next, region.startLine - 1);
    layout.push(region);
    next = region.endLine + 1;
  }
  addGap(next, Math.max(lineCount, ...commands.map((c) => c.line)));
  for (const c of commands) {
    c.segment = layout.findIndex((s) => c.line >= s.startLine && c.line <= s.endLine);
  }
  return layout;
}
