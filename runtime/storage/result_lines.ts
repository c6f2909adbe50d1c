/**
 * A trial's result.json as a resume reads it: complete lines, parsed only where a row is
 * needed. A resume needs each trial's row count, its last row, the rows that name a
 * checkpoint, and whatever progress.csv lacks; parsing all 100,000 rows of a large
 * experiment to get those took a third of the resume (issue 16's resume figure, measured).
 *
 * Every line is still checked to be one JSON object in form (`{` … `}`), so a file that is
 * not a JSON-lines file of objects is refused as before; a line that is never parsed is not
 * checked further, and one that is parsed and fails says which line it is.
 */
import { readFile } from 'node:fs/promises';
import { StorageError, codeOf } from './storage_error';

type Row = Record<string, unknown>;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NULL_CHECKPOINT_END = '"checkpoint_dir_name":null}';
const NEWLINE = 0x0a;

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

/**
 * The file's text with the bounds of each non-blank line: no string is made per line until a
 * row is parsed, and the searches below run over the whole text at once.
 */
export class ResultLines {
  private readonly parsed = new Map<number, Row>();

  private constructor(
    private readonly text: string,
    /** Start and end (exclusive, surrounding spaces dropped) of each non-blank line. */
    private readonly starts: readonly number[],
    private readonly ends: readonly number[],
    readonly path: string,
  ) {}

  /** `text` holds complete lines only (it ends at a newline or is empty). */
  static of(text: string, path: string): ResultLines {
    const starts: number[] = [];
    const ends: number[] = [];
    let lineNumber = 0;
    for (let at = 0; at < text.length; ) {
      let next = text.indexOf('\n', at);
      if (next === -1) next = text.length;
      lineNumber++;
      let start = at;
      let end = next;
      while (start < end && isJsonSpace(text.charCodeAt(start))) start++;
      while (end > start && isJsonSpace(text.charCodeAt(end - 1))) end--;
      if (end > start) {
        if (text.charCodeAt(start) !== OPEN_BRACE || text.charCodeAt(end - 1) !== CLOSE_BRACE) {
          throw new StorageError(`Line ${lineNumber} of ${path} is not a JSON object`, path);
        }
        starts.push(start);
        ends.push(end);
      }
      at = next + 1;
    }
    return new ResultLines(text, starts, ends, path);
  }

  get length(): number {
    return this.starts.length;
  }

  /** The row at `index` (0-based), parsed once. */
  row(index: number): Row {
    let row = this.parsed.get(index);
    if (row) return row;
    try {
      row = JSON.parse(this.text.slice(this.starts[index], this.ends[index])) as Row;
    } catch (err) {
      throw new StorageError(`Line ${this.lineNumberOf(index)} of ${this.path} is not valid JSON`, this.path, err);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new StorageError(`Line ${this.lineNumberOf(index)} of ${this.path} is not a JSON object`, this.path);
    }
    this.parsed.set(index, row);
    return row;
  }

  last(): Row | undefined {
    return this.length ? this.row(this.length - 1) : undefined;
  }

  /** Rows from `index` on, in order. */
  from(index: number): Row[] {
    const rows: Row[] = [];
    for (let i = Math.max(0, index); i < this.length; i++) rows.push(this.row(i));
    return rows;
  }

  /** Every checkpoint a row names, in file order (only rows that can name one are parsed). */
  checkpointNames(): string[] {
    const names: string[] = [];
    for (const i of this.mayNameCheckpoint()) {
      const name = this.row(i).checkpoint_dir_name;
      if (typeof name === 'string') names.push(name);
    }
    return names;
  }

  /** The last row that names checkpoint `name`. */
  lastNaming(name: string): Row | undefined {
    const candidates = this.mayNameCheckpoint();
    for (let k = candidates.length - 1; k >= 0; k--) {
      const row = this.row(candidates[k]);
      if (row.checkpoint_dir_name === name) return row;
    }
    return undefined;
  }

  private candidates: number[] | undefined;

  /**
   * The rows that may name a checkpoint: all but those ending in `"checkpoint_dir_name":null}`,
   * as every row the Tuner writes without a checkpoint does. That ending is the outermost
   * object's last member (a string cannot hold its unescaped quotes), and JSON.parse keeps a
   * key's last value, so such a row's checkpoint is null whatever precedes it. Any other row is
   * parsed, so spacing or a nested key of that name cannot hide a checkpoint: the repair
   * deletes checkpoints no row names.
   */
  private mayNameCheckpoint(): number[] {
    if (this.candidates) return this.candidates;
    const found: number[] = [];
    for (let i = 0; i < this.ends.length; i++) {
      if (!this.text.startsWith(NULL_CHECKPOINT_END, this.ends[i] - NULL_CHECKPOINT_END.length)) found.push(i);
    }
    this.candidates = found;
    return found;
  }

  private lineNumberOf(index: number): number {
    let newlines = 0;
    for (let at = this.text.indexOf('\n'); at !== -1 && at < this.starts[index]; at = this.text.indexOf('\n', at + 1)) newlines++;
    return newlines + 1;
  }
}

/** A result.json's complete lines, read-only; a missing file has none. */
export async function readResultLines(path: string): Promise<ResultLines> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return ResultLines.of('', path);
    throw new StorageError(`Could not read ${path}`, path, err);
  }
  return ResultLines.of(bytes.subarray(0, bytes.lastIndexOf(NEWLINE) + 1).toString('utf8'), path);
}
