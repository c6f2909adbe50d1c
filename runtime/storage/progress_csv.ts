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
 * Flattens results, nested plain objects becoming `parent/child` keys. Reusing the
 * previous result's key array when the shape repeats (the usual case) lets header
 * checks and column lookups run once per shape instead of once per result.
 */
export class ResultFlattener {
  private lastKeys: readonly string[] = [];

  flatten(result: Record<string, unknown>): FlatResult {
    const keys: string[] = [];
    const values: unknown[] = [];
    collect(result, '', keys, values);
    const last = this.lastKeys;
    if (keys.length === last.length && keys.every((key, i) => key === last[i])) return { keys: last, values };
    this.lastKeys = keys;
    return { keys, values };
  }
}

function collect(node: Record<string, unknown>, prefix: string, keys: string[], values: unknown[]): void {
  for (const key in node) {
    if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
    const value = node[key];
    if (isPlainObject(value)) collect(value, `${prefix}${key}/`, keys, values);
    else {
      keys.push(prefix + key);
      values.push(value);
    }
  }
}

export function csvLine(cells: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += i === 0 ? csvCell(cells[i]) : `,${csvCell(cells[i])}`;
  return `${line}\n`;
}

/** Formats rows under `header`, which must already hold every key of every row. */
export class CsvRowFormatter {
  private readonly columnsOf = new Map<readonly string[], number[]>();

  constructor(private readonly header: readonly string[]) {}

  format(row: FlatResult): string {
    let columns = this.columnsOf.get(row.keys);
    if (!columns) {
      columns = row.keys.map((key) => this.header.indexOf(key));
      this.columnsOf.set(row.keys, columns);
    }
    const cells = new Array<unknown>(this.header.length);
    for (let i = 0; i < columns.length; i++) cells[columns[i]] = row.values[i];
    return csvLine(cells);
  }
}

/** Keys of `rows` missing from `header`, in order of first appearance. */
export function newColumns(header: readonly string[], rows: readonly FlatResult[]): string[] {
  const known = new Set(header);
  const seen = new Set<readonly string[]>();
  const added: string[] = [];
  for (const { keys } of rows) {
    if (seen.has(keys)) continue;
    seen.add(keys);
    for (const key of keys) {
      if (!known.has(key)) {
        known.add(key);
        added.push(key);
      }
    }
  }
  return added;
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
