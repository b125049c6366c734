import type { ShStmt, ShWord } from './sh-ast.js';

/** Where a statement sits: inside which function (innermost) and whether inside a subshell-like scope. */
export interface VisitPlace {
  inFunction: string | null;
  /** Inside `( )`, a pipeline element or a command substitution: changes there do not escape. */
  nested: boolean;
}

function wordsOf(stmt: ShStmt): ShWord[] {
  const node = stmt.node;
  const redirectWords = stmt.redirects.flatMap((r) => (r.target ? [r.target] : []));
  switch (node.type) {
    case 'simple':
      return [...node.assigns, ...node.words, ...redirectWords];
    case 'decl':
      return [...node.args, ...redirectWords];
    case 'test':
      return [...node.words, ...redirectWords];
    case 'case':
      return [node.subject, ...node.arms.flatMap((a) => a.patterns), ...redirectWords];
    case 'for':
      return [...node.items, ...redirectWords];
    default:
      return redirectWords;
  }
}

/** Visit every statement of a script, substitutions included, in source order. */
export function visitStatements(stmts: ShStmt[], visit: (stmt: ShStmt, place: VisitPlace) => void, place: VisitPlace = { inFunction: null, nested: false }): void {
  for (const stmt of stmts) {
    visit(stmt, place);
    for (const w of wordsOf(stmt)) for (const sub of w.subs) visitStatements(sub, visit, { ...place, nested: true });
    const node = stmt.node;
    switch (node.type) {
      case 'pipeline':
        visitStatements(node.stmts, visit, node.stmts.length > 1 ? { ...place, nested: true } : place);
        break;
      case 'andor':
        visitStatements([node.left, node.right], visit, place);
        break;
      case 'if':
        for (const c of node.clauses) {
          visitStatements(c.cond, visit, place);
          visitStatements(c.body, visit, place);
        }
        if (node.elseBody) visitStatements(node.elseBody, visit, place);
        break;
      case 'case':
        for (const arm of node.arms) visitStatements(arm.body, visit, place);
        break;
      case 'loop':
        visitStatements(node.cond, visit, place);
        visitStatements(node.body, visit, place);
        break;
      case 'for':
        visitStatements(node.body, visit, place);
        break;
      case 'block':
        visitStatements(node.body, visit, node.subshell ? { ...place, nested: true } : place);
        break;
      case 'function':
        visitStatements([node.body], visit, { inFunction: node.name, nested: false });
        break;
      case 'other':
        for (const sub of node.subs) visitStatements(sub, visit, { ...place, nested: true });
        break;
      default:
        break;
    }
  }
}

/** The statements directly inside `stmt` (not their descendants), substitutions included. */
export function childStatements(stmt: ShStmt): ShStmt[] {
  const node = stmt.node;
  const subs = wordsOf(stmt).flatMap((w) => w.subs.flat());
  switch (node.type) {
    case 'pipeline':
      return [...subs, ...node.stmts];
    case 'andor':
      return [...subs, node.left, node.right];
    case 'if':
      return [...subs, ...node.clauses.flatMap((c) => [...c.cond, ...c.body]), ...(node.elseBody ?? [])];
    case 'case':
      return [...subs, ...node.arms.flatMap((a) => a.body)];
    case 'loop':
      return [...subs, ...node.cond, ...node.body];
    case 'for':
    case 'block':
      return [...subs, ...node.body];
    case 'function':
      return [...subs, node.body];
    case 'other':
      return [...subs, ...node.subs.flat()];
    default:
      return subs;
  }
}
