/**
 * The text of `progress.csv`: results flattened to `a/b` columns, one record per line.
 * Line breaks inside values are written as `\n` so that every record is exactly one
 * line; `result.json` keeps the exact values.
 */

/** A result's flattened keys and values; results of the same shape share one `keys` array. */
export interface FlatResult {
  keys: readonly string[];
  values: unknown[];
}

/**
 * Flattens results, nested plain objects becoming `parent/child` keys. Results of a
 * recently seen shape (the usual case) reuse that shape's key array, so that column
 * lookups run once per shape instead of once per result.
 */
export class ResultFlattener {
  private recent: (readonly string[])[] = [];
  /** Reused for every result: a result of a known shape allocates no key list. */
  private readonly scratch: string[] = [];
  private readonly names = new NestedNames();

  flatten(result: Record<string, unknown>): FlatResult {
    const keys = this.scratch;
    keys.length = 0;
    const values: unknown[] = [];
    collect(result, '', keys, values, this.names);
    for (const shape of this.recent) {
      if (sameKeys(shape, keys)) return { keys: shape, values };
    }
    const own = keys.slice();
    this.recent = [own, ...this.recent.slice(0, RECENT_SHAPES - 1)];
    return { keys: own, values };
  }
}

const RECENT_SHAPES = 8;
const MAX_NESTED_NAMES = 4096;

/** `parent/child` names made once, not once per result (every row repeats its config's). */
class NestedNames {
  /** By suffix ('' for a leaf's column, '/' for a nested object's prefix), then prefix, then key. */
  private readonly bySuffix = new Map<string, Map<string, Map<string, string>>>();
  private size = 0;

  of(prefix: string, key: string, suffix: '' | '/'): string {
    let byPrefix = this.bySuffix.get(suffix);
    if (!byPrefix) this.bySuffix.set(suffix, (byPrefix = new Map()));
    let names = byPrefix.get(prefix);
    if (!names) byPrefix.set(prefix, (names = new Map()));
    let name = names.get(key);
    if (name === undefined) {
      // Bounds memory when keys never repeat; names are cheap to make again.
      if (++this.size > MAX_NESTED_NAMES) {
        this.bySuffix.clear();
        this.size = 0;
        return `${prefix}${key}${suffix}`;
      }
      name = `${prefix}${key}${suffix}`;
      names.set(key, name);
    }
    return name;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const hasOwn = Object.prototype.hasOwnProperty;

function collect(node: Record<string, unknown>, prefix: string, keys: string[], values: unknown[], names: NestedNames): void {
  // for-in with an own-property check, not Object.keys: no key array per object per result.
  for (const key in node) {
    if (!hasOwn.call(node, key)) continue;
    const value = node[key];
    if (isPlainObject(value)) collect(value, names.of(prefix, key, '/'), keys, values, names);
    else {
      keys.push(prefix === '' ? key : names.of(prefix, key, ''));
      values.push(value);
    }
  }
}

export function csvLine(cells: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += i === 0 ? csvCell(cells[i]) : `,${csvCell(cells[i])}`;
  return `${line}\n`;
}

/**
 * The columns of `progress.csv`. Columns are only ever added, at the end, so a row
 * formatted earlier stays aligned once padded with empty cells for the new ones.
 */
const MAX_SHAPES = 256;

export class CsvColumns {
  private readonly names: string[];
  private readonly known: Set<string>;
  private readonly positionsOf = new Map<readonly string[], number[]>();
  /** Each column's last primitive value and its cell: most columns (config, ids, host) repeat row after row. */
  private readonly lastValues: unknown[] = [];
  private readonly lastCells: string[] = [];
  /** One row's cells, reused from row to row. */
  private readonly cells: string[] = [];

  constructor(header: readonly string[] = []) {
    this.names = [...header];
    this.known = new Set(header);
  }

  get header(): readonly string[] {
    return this.names;
  }

  get width(): number {
    return this.names.length;
  }

  /** Adds the keys not yet known as new last columns; returns how many were added. */
  add(keys: readonly string[]): number {
    if (this.positionsOf.has(keys)) return 0;
    // Bounds memory when shapes never repeat; positions are cheap to recompute.
    if (this.positionsOf.size >= MAX_SHAPES) this.positionsOf.clear();
    const before = this.names.length;
    for (const key of keys) {
      if (!this.known.has(key)) {
        this.known.add(key);
        this.names.push(key);
      }
    }
    this.positionsOf.set(
      keys,
      keys.map((key) => this.names.indexOf(key)),
    );
    return this.names.length - before;
  }

  /** One line under the current columns; `add` must have seen the row's keys. */
  format(row: FlatResult): string {
    const positions = this.positionsOf.get(row.keys);
    if (!positions) throw new Error('CsvColumns.format called before add for this row shape');
    const width = this.names.length;
    const cells = this.cells;
    cells.length = width;
    cells.fill('');
    for (let i = 0; i < positions.length; i++) cells[positions[i]] = this.cellOf(positions[i], row.values[i]);
    return `${cells.join(',')}\n`;
  }

  private cellOf(column: number, value: unknown): string {
    if (typeof value === 'object' && value !== null) return csvCell(value);
    if (value === this.lastValues[column] && this.lastCells[column] !== undefined) return this.lastCells[column];
    const cell = csvCell(value);
    this.lastValues[column] = value;
    this.lastCells[column] = cell;
    return cell;
  }
}

/**
 * progress.csv holding one record per row of `results` (result.json's, in order), or
 * undefined when `text` already does. A crash between the two appends leaves the CSV rows
 * short: the missing ones are added as the writer would have (new columns last, earlier
 * rows padded), keeping what is there. A CSV with more records than results cannot come
 * from the writer, and is rebuilt from the results.
 */
export interface ResultRowsFrom {
  readonly length: number;
  /** The rows from `index` on; only rows progress.csv lacks are asked for. */
  from(index: number): readonly Record<string, unknown>[];
}

export function reconciledProgressCsv(text: string, results: ResultRowsFrom): string | undefined {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete === '' ? 0 : complete.split('\n').length - 1;
  const records = Math.max(0, lines - 1);
  if (records === results.length && complete === text) return undefined;
  const keep = records <= results.length ? complete : '';
  const header = keep === '' ? [] : parseCsvLine(keep.slice(0, keep.indexOf('\n')));
  const missing = results.from(keep === '' ? 0 : records);
  const flattener = new ResultFlattener();
  const columns = new CsvColumns(header);
  const flat = missing.map((result) => flattener.flatten(result));
  for (const row of flat) columns.add(row.keys);
  if (columns.width === 0) return text === '' ? undefined : '';
  let out = keep === '' ? csvLine(columns.header) : columns.width > header.length ? widenCsv(keep, columns.header, columns.width - header.length) : keep;
  for (const row of flat) {
    // add() changes nothing for known keys, but restores the shape's positions should they have been evicted.
    columns.add(row.keys);
    out += columns.format(row);
  }
  return out;
}

/**
 * The same file under a wider header: new columns go last, so each old record only
 * needs empty cells appended to stay aligned.
 */
export function widenCsv(text: string, header: readonly string[], added: number): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const pad = ','.repeat(added);
  return csvLine(header) + lines.slice(1).map((line) => `${line}${pad}\n`).join('');
}

/** Cells of one CSV line as csvLine writes them (quotes, doubled quotes inside). */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

function csvCell(value: unknown): string {
  switch (typeof value) {
    case 'number':
      if (Number.isFinite(value)) return String(value);
      return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
    case 'string':
      return quoted(value);
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return '';
    default:
      return value === null ? '' : quoted(JSON.stringify(value) ?? '');
  }
}

function quoted(text: string): string {
  if (!/[",\r\n]|^\s|\s$/.test(text)) return text;
  return `"${text.replace(/\r\n|\r|\n/g, '\\n').replace(/"/g, '""')}"`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
