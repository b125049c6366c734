/**
 * Fenced code blocks of a Markdown file, with the docs-test markers written as HTML comments on the
 * line before a fence (invisible when rendered):
 *   <!-- not-run: REASON -->   the block is not run; REASON says why and which test covers it
 *   <!-- exit: N -->           the block is run and must end with exit status N (a tripped gate)
 *   <!-- same-as: PATH -->     the block shows a file of the repository and must equal it
 *   <!-- slow: REASON -->      the block is run as written only when SCRIPTLET_DOCS_SLOW=1 (CI does, after
 *                              the suite): it takes minutes (an ext2 build, a TCG boot) the suite cannot spend
 * Only ```sh blocks are commands; other fences are output, formats or illustrations.
 */
export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  notRun?: string;
  /** Run only when SCRIPTLET_DOCS_SLOW=1; says why. */
  slow?: string;
  exit: number;
  sameAs?: string;
}

const markerRe = /^<!--\s*(not-run|exit|same-as|slow):\s*(.*?)\s*-->$/;

export function docBlocks(file: string, markdown: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trimStart().startsWith(fence)) body.push(lines[j++]!);
    const block: DocBlock = { file, line: i + 1, lang: open[3] ?? '', text: body.join('\n'), exit: 0 };
    // Markers sit directly above the fence; several may be stacked.
    for (let k = i - 1; k >= 0; k--) {
      const m = markerRe.exec(lines[k]!.trim());
      if (!m) break;
      if (m[1] === 'not-run') block.notRun = m[2]!;
      else if (m[1] === 'same-as') block.sameAs = m[2]!;
      else if (m[1] === 'slow') block.slow = m[2]!;
      else block.exit = Number(m[2]);
    }
    blocks.push(block);
    i = j;
  }
  return blocks;
}

/**
 * Lines of a block that look like a scriptlet command a reader would type, so a command cannot hide
 * in an untagged fence and escape the docs test.
 */
export function commandLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s*(\$\s+)?(\.\/bin\/scriptlet\.js|scriptlet)\s+(audit|policy|plan|prepare|build|boot|trace|verify)\b/.test(l));
}
