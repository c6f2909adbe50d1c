/**
 * Where the cursor is in a spec, as a path of keys. Completion reads the text before the
 * cursor (a half-typed key is not yet a key to the parser): block indentation, and flow
 * `{…}`/`[…]` (so JSON works too). Hover reads the parsed document, where keys are whole.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { ITEM } from './schema_lookup';

export interface CursorContext {
  /** Keys from the root: to the mapping holding the key (at 'key'), or to the value itself (at 'value'). */
  path: string[];
  at: 'key' | 'value';
  /** What is typed so far, which a completion replaces; starts at `prefixStart`. */
  prefix: string;
  prefixStart: number;
  /** Column where the key starts (block style), for indenting what a completion inserts. */
  keyColumn: number;
  /** Inside `{…}` or `[…]`: what is inserted stays on one line. */
  flow: boolean;
}

interface Level {
  kind: '{' | '[';
  /** Key of this collection in its parent (ITEM inside a list); unset for the outermost. */
  key?: string;
  pendingKey?: string;
  afterColon: boolean;
  token: string;
  tokenStart: number;
}

function unquote(text: string): string {
  return text.replace(/^["']/, '').replace(/["']$/, '');
}

/** Scans `before` for open flow collections; returns them outermost first, and where the outermost opened. */
function openFlow(before: string): { levels: Level[]; start: number } {
  const levels: Level[] = [];
  let start = -1;
  let quote: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    const top = levels[levels.length - 1];
    if (quote) {
      if (ch === '\\' && quote === '"') {
        if (top) top.token += ch + (before[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === quote) quote = undefined;
      if (top) top.token += ch;
      continue;
    }
    const prev = before[i - 1];
    const atTokenStart = i === 0 || /[\s{}[\],:]/.test(prev);
    if (ch === '#' && (i === 0 || /\s/.test(prev))) {
      const newline = before.indexOf('\n', i);
      if (newline < 0) break;
      i = newline - 1;
      continue;
    }
    if ((ch === '"' || ch === "'") && atTokenStart) {
      quote = ch;
      if (top) {
        if (!top.token.trim()) top.tokenStart = i;
        top.token += ch;
      }
      continue;
    }
    if (ch === '{' || ch === '[') {
      if (!top) start = i;
      const key = top ? (top.kind === '[' ? ITEM : top.pendingKey) : undefined;
      levels.push({ kind: ch, key, afterColon: false, token: '', tokenStart: i + 1 });
      continue;
    }
    if (!top) continue;
    if (ch === '}' || ch === ']') {
      levels.pop();
      const parent = levels[levels.length - 1];
      // The parent's value is complete: nothing to complete right after it.
      if (parent) parent.token = ch;
      continue;
    }
    if (ch === ',') {
      Object.assign(top, { afterColon: false, pendingKey: undefined, token: '', tokenStart: i + 1 });
      continue;
    }
    if (ch === ':' && top.kind === '{' && !top.afterColon) {
      Object.assign(top, { afterColon: true, pendingKey: unquote(top.token.trim()), token: '', tokenStart: i + 1 });
      continue;
    }
    if (!top.token.trim() && /\s/.test(ch)) top.tokenStart = i + 1;
    else if (!top.token.trim()) top.tokenStart = i;
    top.token += ch;
  }
  return { levels, start };
}

interface BlockLine {
  indent: number;
  keyColumn: number;
  dashed: boolean;
  key?: string;
  /** Text after `key:`, comments and anchors aside. */
  value?: string;
}

const LINE = /^(\s*)((?:-(?:\s+|$))*)(.*)$/;
const KEY = /^(?:"([^"]*)"|'([^']*)'|([^\s#'"{}[\],][^#]*?))\s*:(?:\s+(.*))?$/;

function readLine(raw: string): BlockLine | undefined {
  const m = LINE.exec(raw)!;
  const rest = m[3];
  const dashed = m[2].length > 0;
  if (!dashed && (rest === '' || rest.startsWith('#'))) return undefined;
  const line: BlockLine = { indent: m[1].length, keyColumn: m[1].length + m[2].length, dashed };
  const key = KEY.exec(rest.trimEnd());
  if (key) {
    line.key = (key[1] ?? key[2] ?? key[3]).trim();
    const value = (key[4] ?? '').replace(/(^|\s)#.*$/, '').trim();
    if (value && !/^[&!]\S*$/.test(value)) line.value = value;
  }
  return line;
}

/** Keys of the block mappings enclosing a node whose key starts at `column` on line `lineIndex`. */
function blockAncestors(lines: readonly string[], lineIndex: number, column: number, inListAtStart: boolean): string[] | undefined {
  const path: string[] = [];
  let limit = column;
  let inList = inListAtStart;
  for (let j = lineIndex - 1; j >= 0 && (limit > 0 || inList); j--) {
    const line = readLine(lines[j]);
    if (!line) continue;
    if (inList && line.dashed && line.indent >= limit) continue;
    if (line.keyColumn > limit || (!inList && line.keyColumn === limit && !line.dashed)) continue;
    if (!inList && line.keyColumn === limit) {
      path.unshift(ITEM);
      limit = line.indent;
      inList = true;
      continue;
    }
    if (line.key === undefined || line.value !== undefined) return undefined;
    path.unshift(line.key);
    inList = line.dashed;
    if (inList) path.unshift(ITEM);
    limit = inList ? line.indent : line.keyColumn;
  }
  return path;
}

/** The completion context at `offset`, or undefined where nothing sensible can be offered. */
export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const before = text.slice(0, offset);
  const lines = text.split('\n');
  const flow = openFlow(before);
  if (flow.levels.length > 0) {
    const lineIndex = before.slice(0, flow.start).split('\n').length - 1;
    const lineStart = before.lastIndexOf('\n', flow.start - 1) + 1;
    const head = readLine(`${before.slice(lineStart, flow.start)}x`);
    const outer = blockPathOfLine(lines, lineIndex, head);
    if (!outer) return undefined;
    const path = [...outer, ...flow.levels.slice(1).map((l) => l.key ?? ITEM)];
    const top = flow.levels[flow.levels.length - 1];
    const prefix = top.token.trim();
    const keyColumn = offset - (before.lastIndexOf('\n') + 1);
    const prefixStart = prefix ? top.tokenStart : offset;
    const common = { prefix, prefixStart, keyColumn, flow: true };
    if (top.kind === '[') return { path: [...path, ITEM], at: 'value', ...common };
    if (top.afterColon) return { path: [...path, top.pendingKey ?? ''], at: 'value', ...common };
    return { path, at: 'key', ...common };
  }
  const lineIndex = before.split('\n').length - 1;
  const lineStart = before.lastIndexOf('\n') + 1;
  const linePrefix = before.slice(lineStart);
  const m = LINE.exec(linePrefix)!;
  const rest = m[3];
  const keyColumn = m[1].length + m[2].length;
  const dashes = (m[2].match(/-/g) ?? []).length;
  const ancestors = blockAncestors(lines, lineIndex, dashes ? m[1].length : keyColumn, dashes > 0);
  if (!ancestors) return undefined;
  const path = [...ancestors, ...Array<string>(dashes).fill(ITEM)];
  const key = KEY.exec(rest);
  if (key && key[4] !== undefined) {
    const value = key[4];
    if (/(^|\s)#/.test(value)) return undefined;
    return { path: [...path, (key[1] ?? key[2] ?? key[3]).trim()], at: 'value', prefix: value, prefixStart: offset - value.length, keyColumn, flow: false };
  }
  if (rest.includes(':') || rest.startsWith('#')) return undefined;
  return { path, at: 'key', prefix: rest, prefixStart: offset - rest.length, keyColumn, flow: false };
}

/** The block path of the value that a flow collection opening on `head`'s line belongs to. */
function blockPathOfLine(lines: readonly string[], lineIndex: number, head: BlockLine | undefined): string[] | undefined {
  if (!head) return [];
  const ancestors = blockAncestors(lines, lineIndex, head.dashed ? head.indent : head.keyColumn, head.dashed);
  if (!ancestors) return undefined;
  const path = head.dashed ? [...ancestors, ITEM] : ancestors;
  return head.key !== undefined ? [...path, head.key] : path;
}

/** The key under the cursor in a parsed document, with the path to it. */
export function keyAt(text: string, offset: number): { path: string[]; start: number; end: number } | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  const walk = (node: unknown, path: string[]): { path: string[]; start: number; end: number } | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        const range = pair.key.range;
        if (range && offset >= range[0] && offset <= range[1]) return { path: [...path, name], start: range[0], end: range[1] };
        const value = pair.value as Node | null;
        if (value?.range && offset >= value.range[0] && offset <= value.range[1]) return walk(value, [...path, name]);
      }
    } else if (isSeq(node)) {
      for (const item of node.items as Node[]) {
        if (item?.range && offset >= item.range[0] && offset <= item.range[1]) return walk(item, [...path, ITEM]);
      }
    }
    return undefined;
  };
  return walk(doc.contents, []);
}
