/**
 * Language features of `*.tune.yaml` / `*.tune.json`: diagnostics from the validator the CLI
 * uses, key completion from the schema at the cursor's path, search-space primitives in
 * param_space, and hover with the schema's words. Text in, LSP shapes out; no connection here.
 */
import { isMap, parseDocument } from 'yaml';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type Position,
  type Range,
} from 'vscode-languageserver/node';
import type { SpecDiagnosticData } from '../../protocol/runtime_api';
import { PRIMITIVE_NAMES, type PrimitiveName } from '../search/domain';
import { checkSpecText, type CheckOptions } from '../spec/load';
import { readSpecSchema } from '../spec/schema_file';
import { exampleArgs, PRIMITIVE_DOCS } from './primitive_docs';
import { documentation, isObjectOnly, ITEM, SpecSchema, type SchemaNode } from './schema_lookup';
import { cursorContext, keyAt, type CursorContext } from './yaml_cursor';

const SPEC_NAME = /\.tune\.(ya?ml|json)$/i;

export function isSpecFile(name: string): boolean {
  return SPEC_NAME.test(name);
}

export type Flavour = 'yaml' | 'json';

export function flavourOf(name: string): Flavour {
  return /\.json$/i.test(name) ? 'json' : 'yaml';
}

/** Line and column (both 0-based, UTF-16) ⇄ string offset. */
export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + position.character, lineEnd < 0 ? text.length : lineEnd);
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/**
 * Every problem `tunekit validate` reports for the text, at the same places, with LSP's 0-based
 * ranges: both call checkSpecText, so the editor cannot show less than the CLI (issue #12).
 */
export async function specDiagnostics(text: string, file: string, options: CheckOptions = {}): Promise<Diagnostic[]> {
  const { problems } = await checkSpecText(text, file, options);
  return problems.map((p) => ({
    range: { start: { line: p.line - 1, character: p.column - 1 }, end: { line: p.endLine - 1, character: p.endColumn - 1 } },
    severity: p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
    source: 'tunekit',
    message: p.message,
    ...(p.replacement === undefined ? {} : { data: { replacement: p.replacement } satisfies SpecDiagnosticData }),
  }));
}

/**
 * The quick fixes for the diagnostics the editor sends back: a "did you mean" carries its
 * replacement in `data`, so the fix is an edit of the diagnostic's range, not a reading of its words.
 */
export function specQuickFixes(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  return diagnostics.flatMap((diagnostic) => {
    const replacement = (diagnostic.data as SpecDiagnosticData | undefined)?.replacement;
    if (diagnostic.source !== 'tunekit' || typeof replacement !== 'string') return [];
    return [
      {
        title: `Change to ${replacement}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [uri]: [{ range: diagnostic.range, newText: replacement }] } },
      },
    ];
  });
}

let schema: SpecSchema | undefined;
function specSchema(): SpecSchema {
  schema ??= new SpecSchema(readSpecSchema() as ConstructorParameters<typeof SpecSchema>[0]);
  return schema;
}

function markdown(value: string | undefined) {
  return value ? { kind: MarkupKind.Markdown, value } : undefined;
}

/** A hyperparameter's value (or the mapping under it) inside param_space takes a primitive. */
function takesPrimitive(path: readonly string[]): boolean {
  return path[0] === 'param_space' && path.length >= 3 && !path.includes(ITEM);
}

function primitiveItem(name: PrimitiveName, form: 'key' | 'flow', flavour: Flavour, range: Range): CompletionItem {
  const doc = PRIMITIVE_DOCS[name];
  const quoted = flavour === 'json' ? `"${name}"` : name;
  const body = `${quoted}: ${doc.args}`;
  return {
    label: name,
    kind: CompletionItemKind.Function,
    detail: 'search space',
    documentation: markdown(`${doc.meaning}\n\n\`{${name}: ${exampleArgs(doc)}}\``),
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: form === 'flow' ? `{${body}}` : body },
  };
}

function keyItem(key: string, node: SchemaNode, ctx: CursorContext, flavour: Flavour, range: Range): CompletionItem {
  let newText: string;
  if (flavour === 'json') newText = `"${key}": `;
  else if (!ctx.flow && isObjectOnly(node)) newText = `${key}:\n${' '.repeat(ctx.keyColumn + 2)}`;
  else newText = `${key}: `;
  return {
    label: key,
    kind: CompletionItemKind.Property,
    documentation: markdown(documentation(node)),
    textEdit: { range, newText },
    insertTextMode: InsertTextMode.asIs,
  };
}

function valueItems(node: SchemaNode | undefined, flavour: Flavour, range: Range): CompletionItem[] {
  const values = node?.enum ?? (node?.type === 'boolean' ? [true, false] : []);
  return values.map((v) => ({
    label: String(v),
    kind: CompletionItemKind.EnumMember,
    documentation: markdown(documentation(node)),
    textEdit: { range, newText: flavour === 'json' && typeof v === 'string' ? `"${v}"` : String(v) },
  }));
}

/** Keys already present in the mapping at `path`, so completion does not offer them twice. */
function presentKeys(text: string, path: readonly string[], typing: string): Set<string> {
  if (path.includes(ITEM)) return new Set();
  const node = path.length ? parseDocument(text).getIn(path, true) : parseDocument(text).contents;
  if (!isMap(node)) return new Set();
  const keys = new Set(node.items.map((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key)));
  keys.delete(typing);
  return keys;
}

export function specCompletions(text: string, offset: number, flavour: Flavour): CompletionItem[] {
  const ctx = cursorContext(text, offset);
  if (!ctx) return [];
  // An editor's auto-closed quote after the cursor belongs to what is replaced.
  const end = /^["']/.test(ctx.prefix) && text[offset] === ctx.prefix[0] ? offset + 1 : offset;
  const range: Range = { start: positionAt(text, ctx.prefixStart), end: positionAt(text, end) };
  if (takesPrimitive(ctx.path)) {
    const form = ctx.at === 'value' ? 'flow' : 'key';
    return PRIMITIVE_NAMES.map((name) => primitiveItem(name, form, flavour, range));
  }
  const node = specSchema().at(ctx.path);
  if (ctx.at === 'value') return valueItems(node, flavour, range);
  const present = presentKeys(text, ctx.path, ctx.prefix.replace(/^["']|["']$/g, ''));
  return Object.entries(node?.properties ?? {})
    .filter(([key]) => !present.has(key))
    .map(([key, child]) => keyItem(key, specSchema().resolve(child), ctx, flavour, range));
}

export function specHover(text: string, offset: number): Hover | null {
  const found = keyAt(text, offset);
  if (!found) return null;
  const range = { start: positionAt(text, found.start), end: positionAt(text, found.end) };
  const name = found.path[found.path.length - 1];
  if (takesPrimitive(found.path.slice(0, -1)) && (PRIMITIVE_NAMES as readonly string[]).includes(name)) {
    const doc = PRIMITIVE_DOCS[name as PrimitiveName];
    return { contents: { kind: MarkupKind.Markdown, value: `**${name}**: ${doc.meaning}\n\n\`{${name}: ${exampleArgs(doc)}}\`` }, range };
  }
  const words = documentation(specSchema().at(found.path));
  return words ? { contents: { kind: MarkupKind.Markdown, value: words }, range } : null;
}
