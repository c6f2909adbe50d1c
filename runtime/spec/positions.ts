import { isAlias, isCollection, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { SpecProblem } from './spec_error';

/** Keys and list indices from the document root down to one value. */
export type SpecPath = (string | number)[];

/** A problem located by its path in the data, before it is given a place in the file. */
export interface PathProblem {
  path: SpecPath;
  message: string;
  severity?: 'error' | 'warning';
  /** 'key' underlines the key itself: for keys that should not be there at all. */
  at?: 'key' | 'value';
  /** What the writer most likely meant ("did you mean"): it replaces the underlined key or value. */
  suggestion?: string;
}

type Range = readonly [number, number];

/** Turns data paths and source offsets of one parsed spec into SpecProblems. */
export class SpecLocator {
  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  place(problem: PathProblem): SpecProblem {
    const range = this.rangeOf(problem.path, problem.at ?? 'value');
    const placed = this.atOffsets(range, problem.message, problem.severity);
    if (problem.suggestion !== undefined) {
      // A key the locator could not find falls back to its parent's, which the word must not replace.
      const old = this.text.slice(range[0], range[1]);
      const quote = /^(["'])[^]*\1$/.exec(old)?.[1];
      const word = quote ? old.slice(1, -1) : old;
      const exact = problem.at !== 'key' || word === String(problem.path[problem.path.length - 1]);
      if (exact && !old.includes('\n')) placed.replacement = quoted(problem.suggestion, quote);
    }
    return placed;
  }

  atOffsets(range: Range, message: string, severity: SpecProblem['severity'] = 'error'): SpecProblem {
    const start = this.lines.linePos(range[0]);
    const end = this.lines.linePos(Math.max(range[1], range[0]));
    return { file: this.file, line: start.line, column: start.col, endLine: end.line, endColumn: end.col, message, severity };
  }

  /** The value at `path` when it is there, else the deepest key on the way to it. */
  private rangeOf(path: SpecPath, at: 'key' | 'value'): Range {
    let node: unknown = this.doc.contents;
    let key: Range | undefined;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return key ?? this.firstLine();
        key = isScalar(pair.key) && pair.key.range ? [pair.key.range[0], pair.key.range[1]] : key;
        node = pair.value;
      } else if (isSeq(node) && node.items[Number(segment)] !== undefined) {
        node = node.items[Number(segment)];
      } else {
        return key ?? this.firstLine();
      }
    }
    if (at === 'key' && key) return key;
    const value = (node as { range?: [number, number, number] } | null)?.range;
    // An empty value has no width, and a block collection spans many lines: the key reads better.
    const awkward = !value || value[1] <= value[0] || (isCollection(node) && !node.flow);
    if (awkward || !value) return key ?? this.firstLine();
    return [value[0], value[1]];
  }

  private firstLine(): Range {
    const newline = this.text.indexOf('\n');
    return [0, newline < 0 ? this.text.length : newline];
  }
}

/** A replacement keeps the quotes of what it replaces (JSON keys, quoted YAML values). */
function quoted(word: string, quote: string | undefined): string {
  if (quote === '"') return JSON.stringify(word);
  return quote === "'" ? `'${word.replace(/'/g, "''")}'` : word;
}
