/**
 * Reads runtime/spec/schema.json by path, for completion and hover: `$ref`, `allOf` and the
 * string-or-mapping `if/then/else` of scheduler and search_alg are merged into one node.
 */
export interface SchemaNode {
  description?: string;
  markdownDescription?: string;
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  $ref?: string;
  allOf?: SchemaNode[];
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
}

/** A list item in a path. */
export const ITEM = '[]';

export class SpecSchema {
  constructor(private readonly root: SchemaNode & { definitions?: Record<string, SchemaNode> }) {}

  /** The merged node at `path` (keys, and ITEM for list items), or undefined where the schema says nothing. */
  at(path: readonly string[]): SchemaNode | undefined {
    let node: SchemaNode | undefined = this.resolve(this.root);
    for (const step of path) {
      if (!node) return undefined;
      const next: SchemaNode | undefined =
        step === ITEM ? node.items : (node.properties?.[step] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined));
      node = next && this.resolve(next);
    }
    return node;
  }

  /** The node with its references and alternatives merged; its own words win. */
  resolve(node: SchemaNode, depth = 0): SchemaNode {
    if (depth > 8) return node;
    const parts: SchemaNode[] = [];
    if (node.$ref) parts.push(this.resolve(this.definition(node.$ref), depth + 1));
    for (const part of node.allOf ?? []) parts.push(this.resolve(part, depth + 1));
    for (const part of [node.then, node.else]) if (part) parts.push(this.resolve(part, depth + 1));
    if (parts.length === 0) return node;
    const merged: SchemaNode = {};
    for (const part of [...parts, node]) {
      const { properties, ...rest } = part;
      for (const [k, v] of Object.entries(rest)) if (v !== undefined && !['$ref', 'allOf', 'if', 'then', 'else'].includes(k)) (merged as Record<string, unknown>)[k] = v;
      if (properties) merged.properties = { ...merged.properties, ...properties };
    }
    return merged;
  }

  private definition(ref: string): SchemaNode {
    const name = ref.replace(/^#\/definitions\//, '');
    return this.root.definitions?.[name] ?? {};
  }
}

/** The words to show for a node: the richer markdown when there is one. */
export function documentation(node: SchemaNode | undefined): string | undefined {
  if (!node) return undefined;
  const text = node.markdownDescription ?? node.description;
  if (!text) return undefined;
  return node.default !== undefined ? `${text}\n\nDefault: \`${JSON.stringify(node.default)}\`` : text;
}

export function isObjectOnly(node: SchemaNode | undefined): boolean {
  return node?.type === 'object' || (node?.type === undefined && node?.properties !== undefined);
}
