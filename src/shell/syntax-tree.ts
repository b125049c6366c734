import type { Node, Tree } from 'web-tree-sitter';

/**
 * A tree-sitter tree seen through plain objects holding the part of web-tree-sitter's Node
 * interface that the converter uses. Every property of a web-tree-sitter Node (type, a child, its
 * end) is a call into wasm that first copies the node into wasm memory, and a child is a new object
 * each time; the converter asks for most of them several times per node. Here each is read once,
 * when the node is first reached, and the children of a node in one call.
 */
export interface SyntaxTree {
  /** The text that was parsed; node offsets index into it. */
  source: string;
  rootNode: SyntaxNode;
  /** Whether any node has an error: if not, no node's hasError needs asking. */
  hasError: boolean;
}

export interface Point {
  row: number;
  column: number;
}

/** tree-sitter's symbol for ERROR nodes ((TSSymbol)-1). */
const ERROR_SYMBOL = 0xffff;

export class SyntaxNode {
  readonly type: string;
  readonly isNamed: boolean;
  readonly isError: boolean;
  readonly startIndex: number;
  readonly startPosition: Point;
  #isMissing: boolean | undefined;
  #endIndex: number | undefined;
  #endPosition: Point | undefined;
  #kids: SyntaxNode[] | undefined;
  #fields: (string | null)[] | undefined;
  #hasError: boolean | undefined;

  constructor(
    readonly tree: SyntaxTree,
    private readonly node: Node,
  ) {
    const typeId = node.typeId;
    this.type = node.tree.language.types[typeId] || 'ERROR';
    this.isError = typeId === ERROR_SYMBOL;
    this.isNamed = node.isNamed;
    // Free: web-tree-sitter unpacks these with the node.
    this.startIndex = node.startIndex;
    this.startPosition = node.startPosition;
  }

  // Each of these is a call into wasm, and many nodes are never asked.
  get isMissing(): boolean {
    this.#isMissing ??= this.tree.hasError && this.node.isMissing;
    return this.#isMissing;
  }

  get endIndex(): number {
    this.#endIndex ??= this.node.endIndex;
    return this.#endIndex;
  }

  get endPosition(): Point {
    this.#endPosition ??= this.node.endPosition;
    return this.#endPosition;
  }

  get hasError(): boolean {
    this.#hasError ??= this.tree.hasError && this.node.hasError;
    return this.#hasError;
  }

  get text(): string {
    return this.tree.source.slice(this.startIndex, this.endIndex);
  }

  private get kids(): SyntaxNode[] {
    this.#kids ??= this.node.children.filter((c): c is Node => c !== null).map((c) => new SyntaxNode(this.tree, c));
    return this.#kids;
  }

  get childCount(): number {
    return this.kids.length;
  }

  child(index: number): SyntaxNode | null {
    return this.kids[index] ?? null;
  }

  get namedChildCount(): number {
    let n = 0;
    for (const k of this.kids) if (k.isNamed) n++;
    return n;
  }

  namedChild(index: number): SyntaxNode | null {
    let n = 0;
    for (const k of this.kids) {
      if (!k.isNamed) continue;
      if (n === index) return k;
      n++;
    }
    return null;
  }

  fieldNameForChild(index: number): string | null {
    this.#fields ??= this.kids.map((_, i) => this.node.fieldNameForChild(i));
    return this.#fields[index] ?? null;
  }

  childForFieldName(name: string): SyntaxNode | null {
    for (let i = 0; i < this.kids.length; i++) if (this.fieldNameForChild(i) === name) return this.kids[i]!;
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.kids.filter((_, i) => this.fieldNameForChild(i) === name);
  }

  equals(other: SyntaxNode): boolean {
    return this === other;
  }
}

/** The tree as SyntaxNodes; valid while `tree` is. */
export function syntaxTree(tree: Tree, source: string): SyntaxTree {
  const out: SyntaxTree = { source, hasError: tree.rootNode.hasError, rootNode: undefined as unknown as SyntaxNode };
  out.rootNode = new SyntaxNode(out, tree.rootNode);
  return out;
}
