import { mvdanParseFailure, parseWithMvdan, type MvdanVariant } from './mvdan-parse.js';
import type { ShNode, ShScript, ShStmt, ShWord } from './sh-ast.js';
import { readWithTreeSitter, type TreeSitterReading } from './tree-sitter-parse.js';

/**
 * Parse a script that tree-sitter cannot read whole by giving mvdan-sh only the lines it cannot
 * read, instead of the whole script (mvdan-sh costs seconds on a 100 KB script).
 *
 * A region is a run of whole lines that mvdan-sh parses on its own as a complete list of
 * commands. In a copy of the script each region is replaced by one placeholder command `: MARK`
 * followed by blank lines (so every line keeps its number), and tree-sitter parses the copy. The
 * result is used only when that copy parses with no error and every placeholder is found as an
 * element of a statement list (not inside a string or heredoc, not an operand of `&&`, `|` or `!`,
 * not the body of a function): the shell reads a complete command that ends a line the same way
 * wherever a list allows one, so putting each region's commands in place of its placeholder gives
 * the tree of the original script. A region ending in a backslash (a line continuation) is never
 * cut there. Anything else, or a search that grows past its budget, returns null and the caller
 * parses the whole script with mvdan-sh as before: slower, never wrong.
 */

const MARK = '__scriptlet_region_';

/** Lines searched above and below a problem row, and the parses a search may spend. */
const REACH = 400;
const TREE_SITTER_PARSES = 24;
const MVDAN_CHARS_PER_SOURCE_CHAR = 6;
const MVDAN_CHARS_PER_SEARCH = 200_000;

interface Region {
  /** 0-based rows, inclusive. */
  first: number;
  last: number;
  variant: MvdanVariant;
}

function marker(first: number): string {
  return `${MARK}${first}__`;
}

function withPlaceholders(lines: string[], regions: Region[]): string {
  const out = lines.slice();
  for (const r of regions) {
    out[r.first] = `: ${marker(r.first)}`;
    for (let row = r.first + 1; row <= r.last; row++) out[row] = '';
  }
  return out.join('\n');
}

/** mvdan-sh errors that more lines could cure (an unclosed quote, `if` without `fi`, a trailing `&&`). */
function incomplete(message: string): boolean {
  return /EOF|must end with|must be followed by|unclosed|must be closed/.test(message);
}

function blankOrComment(line: string | undefined): boolean {
  const text = (line ?? '').trim();
  return text === '' || text.startsWith('#');
}

interface Budget {
  treeSitter: number;
  mvdanChars: number;
}

/**
 * Candidate regions around `row` (which tree-sitter flagged): each starts at or above it and ends
 * at or below it, nearest first, and parses on its own under mvdan-sh.
 */
function* candidates(lines: string[], row: number, taken: Region[], language: 'sh' | 'bash', budget: Budget): Generator<Region> {
  const floor = Math.max(0, ...taken.filter((r) => r.last < row).map((r) => r.last + 1));
  const ceiling = Math.min(lines.length - 1, ...taken.filter((r) => r.first > row).map((r) => r.first - 1));
  let allowance = MVDAN_CHARS_PER_SEARCH;
  for (let first = row; first >= Math.max(floor, row - REACH); first--) {
    // A region starting or ending at a blank or comment line parses as a shorter one.
    if (blankOrComment(lines[first])) continue;
    if (first > 0 && (lines[first - 1] ?? '').endsWith('\\')) continue;
    for (let last = first; last <= Math.min(ceiling, first + REACH); last++) {
      if (last < row || blankOrComment(lines[last]) || (lines[last] ?? '').endsWith('\\')) continue;
      const text = lines.slice(first, last + 1).join('\n');
      budget.mvdanChars -= text.length;
      allowance -= text.length;
      if (budget.mvdanChars < 0 || allowance < 0) return;
      let variant: MvdanVariant = language === 'bash' ? 'bash' : 'posix';
      let failure = mvdanParseFailure(text, variant);
      if (failure?.langError && variant === 'posix') {
        variant = 'bash';
        failure = mvdanParseFailure(text, variant);
      }
      if (failure === null) yield { first, last, variant };
      else if (!incomplete(failure.error.message)) break;
    }
  }
}

/**
 * Rows that start a command substitution with nothing in it, split over lines (`"text $(` then
 * `)more text"`: a way to wrap a long string). tree-sitter-bash has no empty command substitution,
 * and after the first one its error recovery hides the others, so found one error at a time they
 * cost a parse of the whole script each. Only a hint where to look: every region found this way
 * is checked like any other.
 */
export function emptySubstitutionRows(lines: readonly string[]): number[] {
  const rows: number[] = [];
  for (let row = 0; row + 1 < lines.length; row++) {
    if (/\$\(\s*$/.test(lines[row]!) && /^\s*\)/.test(lines[row + 1]!)) rows.push(row);
  }
  return rows;
}

/** Tree-sitter's statements with each placeholder replaced by its region's statements; null if one is misplaced. */
function splice(script: ShScript, regions: Region[], lines: string[]): ShScript | null {
  const byMarker = new Map(regions.map((r) => [marker(r.first), r]));
  const originals = regions.map((r) => ({
    placeholder: `: ${marker(r.first)}${'\n'.repeat(r.last - r.first)}`,
    text: lines.slice(r.first, r.last + 1).join('\n'),
  }));
  const found = new Set<Region>();
  let misplaced = false;

  const restoreText = (text: string): string => {
    if (!text.includes(MARK)) return text;
    let out = text;
    for (const o of originals) out = out.split(o.placeholder).join(o.text);
    if (out.includes(MARK)) misplaced = true;
    return out;
  };
  const placeholderOf = (stmt: ShStmt): Region | undefined => {
    const n = stmt.node;
    if (n.type !== 'simple' || n.assigns.length !== 0 || n.words.length !== 2 || stmt.redirects.length !== 0 || stmt.background) return undefined;
    if (n.words[0]?.raw !== ':') return undefined;
    const region = byMarker.get(n.words[1]?.raw ?? '');
    return region !== undefined && stmt.line === region.first + 1 ? region : undefined;
  };
  const word = (w: ShWord): void => {
    w.raw = restoreText(w.raw);
    w.subs = w.subs.map(list);
  };
  const list = (stmts: ShStmt[]): ShStmt[] =>
    stmts.flatMap((s) => {
      const region = placeholderOf(s);
      if (region === undefined) {
        single(s);
        return [s];
      }
      if (found.has(region)) misplaced = true;
      found.add(region);
      const parsed = parseWithMvdan('\n'.repeat(region.first) + lines.slice(region.first, region.last + 1).join('\n'), region.variant);
      if (!parsed.ok) {
        misplaced = true;
        return [];
      }
      return parsed.script.stmts;
    });
  const single = (s: ShStmt): void => {
    if (placeholderOf(s) !== undefined) misplaced = true;
    s.text = restoreText(s.text);
    for (const r of s.redirects) if (r.target) word(r.target);
    node(s.node);
  };
  const node = (n: ShNode): void => {
    switch (n.type) {
      case 'simple':
        n.assigns.forEach(word);
        n.words.forEach(word);
        return;
      case 'decl':
        n.args.forEach(word);
        return;
      case 'test':
        n.words.forEach(word);
        return;
      case 'pipeline':
        n.stmts.forEach(single);
        return;
      case 'andor':
        single(n.left);
        single(n.right);
        return;
      case 'if':
        for (const c of n.clauses) {
          c.cond = list(c.cond);
          c.body = list(c.body);
        }
        if (n.elseBody) n.elseBody = list(n.elseBody);
        return;
      case 'case':
        word(n.subject);
        for (const arm of n.arms) {
          arm.patterns.forEach(word);
          arm.body = list(arm.body);
        }
        return;
      case 'loop':
        n.cond = list(n.cond);
        n.body = list(n.body);
        return;
      case 'for':
        n.items.forEach(word);
        n.body = list(n.body);
        return;
      case 'block':
        n.body = list(n.body);
        return;
      case 'function':
        single(n.body);
        return;
      case 'other':
        n.subs = n.subs.map(list);
        return;
    }
  };

  const stmts = list(script.stmts);
  return misplaced || found.size !== regions.length ? null : { stmts };
}

/**
 * The tree of `source` from tree-sitter with mvdan-sh regions where tree-sitter fails, with
 * `regions` > 0; or `regions` 0 when tree-sitter read it whole; or null (parse it whole with mvdan-sh).
 */
export async function parseWithRegionFallback(
  source: string,
  language: 'sh' | 'bash',
): Promise<{ script: ShScript; regions: number; /** Whole-script tree-sitter parses it took. */ parses: number } | null> {
  if (source.includes(MARK)) {
    const plain = await readWithTreeSitter(source);
    return plain.ok ? { script: plain.script, regions: 0, parses: 1 } : null;
  }
  let reading: TreeSitterReading = await readWithTreeSitter(source, MARK);
  if (reading.ok) return { script: reading.script, regions: 0, parses: 1 };
  const lines = source.split('\n');
  let hinted = emptySubstitutionRows(lines);
  const budget: Budget = { treeSitter: TREE_SITTER_PARSES, mvdanChars: MVDAN_CHARS_PER_SOURCE_CHAR * source.length };
  let regions: Region[] = [];
  // The search each region came from, so a region that lands outside a statement list can give way
  // to its next candidate.
  const searches = new Map<Region, Generator<Region>>();
  const inside = (row: number): boolean => regions.some((g) => g.first <= row && row <= g.last);
  const replace = (old: Region): boolean => {
    const search = searches.get(old);
    searches.delete(old);
    regions = regions.filter((r) => r !== old);
    const next = search?.next().value;
    if (!search || !next) return false;
    searches.set(next, search);
    regions.push(next);
    return true;
  };
  for (;;) {
    if (reading.ok) {
      const script = splice(reading.script, regions, lines);
      if (script) return { script, regions: regions.length, parses: TREE_SITTER_PARSES - budget.treeSitter + 1 };
      return null;
    }
    const { markerRows } = reading;
    for (const region of regions.filter((r) => !markerRows.has(r.first))) if (!replace(region)) return null;
    // The most precise signs first, all of them in one round. An ERROR node can cover a whole
    // function around the statement at fault, and those after the first are often echoes of it:
    // they are mended one at a time, and only when no other sign is left.
    const open = (rows: number[]): number[] => rows.filter((row) => !inside(row));
    const rows = [open(reading.rows), open(reading.shapeRows), open(reading.errorRows).slice(0, 1)].find((r) => r.length > 0) ?? [];
    // The hints go with the first round's signs, once: a hint whose search finds nothing is not retried.
    rows.push(...open(hinted).filter((row) => !rows.includes(row)));
    hinted = [];
    let added = 0;
    for (const row of rows) {
      if (inside(row)) continue;
      const search = candidates(lines, row, regions, language, budget);
      const next = search.next().value;
      if (!next) continue;
      searches.set(next, search);
      regions.push(next);
      added++;
    }
    if (added === 0) return null;
    regions.sort((a, b) => a.first - b.first);
    if (--budget.treeSitter < 0) return null;
    reading = await readWithTreeSitter(withPlaceholders(lines, regions), MARK);

  }
}
