/**
 * The small Markdown subset the hand-written man page sections use, as man macros: `## HEADING`,
 * paragraphs, `- ` bullet items, `- term: text` definitions (when the term is `code`), fenced code
 * blocks, inline `code` (bold) and *emphasis* (italic). HTML comments (docs-test markers) are dropped.
 * Anything else is kept as text, never interpreted, so a page cannot carry stray roff requests.
 */

/** Text safe in a roff line: backslashes escaped, no line starting with a control character. */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    // Non-ASCII as groff/mandoc Unicode escapes: readable whatever input encoding the formatter assumes.
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

function inline(text: string): string {
  return roffText(text)
    .replace(/`([^`]+)`/g, (_, c: string) => `\\fB${c.replace(/-/g, '\\-')}\\fR`)
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, '$1\\fI$2\\fR');
}

export function markdownToRoff(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.replace(/<!--[\s\S]*?-->\n?/g, '').split('\n');
  let para: string[] = [];
  const flush = (): void => {
    if (para.length > 0) out.push('.PP', inline(para.join(' ')));
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^(`{3,})/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith(fence[1]!); i++) body.push(lines[i]!);
      out.push('.PP', '.RS 4', '.nf', ...body.map((l) => roffText(l).replace(/-/g, '\\-')), '.fi', '.RE');
      continue;
    }
    const heading = /^#{1,3}\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      out.push(`.SH ${heading[1]!.toUpperCase()}`);
      continue;
    }
    const item = /^-\s+(.*)$/.exec(line);
    if (item) {
      flush();
      // Continuation lines of the item are indented.
      let text = item[1]!;
      while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]!)) text += ` ${lines[++i]!.trim()}`;
      const def = /^(`[^`]+`):\s+(.*)$/.exec(text);
      if (def) out.push('.TP', inline(def[1]!), inline(def[2]!));
      else out.push('.IP \\(bu 2', inline(text));
      continue;
    }
    if (line.trim() === '') flush();
    else para.push(line.trim());
  }
  flush();
  return out.join('\n');
}
