/**
 * A trial's reported results, persisted to `result.json` (one JSON object per line) and
 * `progress.csv`. Appends are buffered and written (and fdatasync'd) every
 * `flushIntervalMs`: a crash loses at most that much, a torn last line is trimmed on the
 * next open, and a failed write (ENOSPC) never leaves half a line behind.
 */
import { join } from 'node:path';
import { AppendOnlyFile } from './append_only_file';
import { writeFileAtomic } from './atomic_write';
import { FileSystem, nodeFileSystem } from './file_system';
import { trimTornLine } from './jsonl';
import { CsvRowFormatter, FlatResult, ResultFlattener, csvLine, newColumns, parseCsvLine, widenCsv } from './progress_csv';
import { StorageError, codeOf } from './storage_error';
import { PROGRESS_FILE, RESULT_FILE } from './trial_dir';

export interface TrialResultsOptions {
  flushIntervalMs?: number;
  /** Flush early once this much JSON is waiting, to bound memory under bursts. */
  maxBufferedBytes?: number;
  fs?: FileSystem;
}

interface OpenFiles {
  json: AppendOnlyFile;
  csv: AppendOnlyFile;
}

export class TrialResults {
  private readonly fs: FileSystem;
  private readonly flushIntervalMs: number;
  private readonly maxBufferedBytes: number;
  private jsonLines: string[] = [];
  private bufferedBytes = 0;
  private rows: FlatResult[] = [];
  private readonly flattener = new ResultFlattener();
  private formatter = new CsvRowFormatter([]);
  private header: string[] = [];
  private files: OpenFiles | undefined;
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Opens lazily, on the first flush, appending to what an earlier run left. */
  constructor(
    readonly trialDir: string,
    options: TrialResultsOptions = {},
  ) {
    this.fs = options.fs ?? nodeFileSystem;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  }

  /** Buffers one result; throws the write failure that broke this writer, if any. */
  append(result: Record<string, unknown>): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`The results of ${this.trialDir} are closed`);
    const line = `${JSON.stringify(result)}\n`;
    this.jsonLines.push(line);
    this.rows.push(this.flattener.flatten(result));
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= this.maxBufferedBytes) void this.flush().catch(() => undefined);
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush().catch(() => undefined), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Resolves once everything appended so far is on disk; a failure breaks the writer for good. */
  flush(): Promise<void> {
    const run = this.queue.then(() => {
      if (this.failure) throw this.failure;
      return this.writeBuffered();
    });
    this.queue = run.catch((err: Error) => {
      this.failure ??= err;
    });
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      const files = this.files;
      this.files = undefined;
      await files?.json.close();
      await files?.csv.close();
    }
  }

  private async writeBuffered(): Promise<void> {
    if (this.jsonLines.length === 0) return;
    const lines = this.jsonLines;
    const rows = this.rows;
    this.jsonLines = [];
    this.rows = [];
    this.bufferedBytes = 0;
    const files = await this.open();
    await files.json.append(lines.join(''), true);
    await this.writeRows(files, rows);
  }

  private async writeRows(files: OpenFiles, rows: FlatResult[]): Promise<void> {
    const added = newColumns(this.header, rows);
    const header = added.length === 0 ? this.header : [...this.header, ...added];
    if (header.length === 0) return;
    const formatter = added.length === 0 ? this.formatter : new CsvRowFormatter(header);
    let text = '';
    for (const row of rows) text += formatter.format(row);
    if (this.header.length === 0) {
      await files.csv.append(csvLine(header) + text, true);
    } else if (added.length === 0) {
      await files.csv.append(text, true);
    } else {
      // A new key: rewrite the whole file under the wider header, atomically, so the
      // CSV is never seen with rows that disagree with its header.
      const path = join(this.trialDir, PROGRESS_FILE);
      await files.csv.close();
      const old = await this.fs.readFile(path, 'utf8');
      await writeFileAtomic(path, widenCsv(old, header, added.length) + text, this.fs);
      files.csv = await AppendOnlyFile.open(path, this.fs);
    }
    this.header = header;
    this.formatter = formatter;
  }

  private async open(): Promise<OpenFiles> {
    if (this.files) return this.files;
    const csvPath = join(this.trialDir, PROGRESS_FILE);
    const json = await AppendOnlyFile.open(join(this.trialDir, RESULT_FILE), this.fs);
    await trimTornLine(csvPath, this.fs);
    this.header = await this.readHeader(csvPath);
    this.formatter = new CsvRowFormatter(this.header);
    this.files = { json, csv: await AppendOnlyFile.open(csvPath, this.fs) };
    return this.files;
  }

  private async readHeader(path: string): Promise<string[]> {
    let text: string;
    try {
      text = await this.fs.readFile(path, 'utf8');
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return [];
      throw new StorageError(`Could not read ${path}`, path, err);
    }
    const first = text.slice(0, text.indexOf('\n') + 1).replace(/\n$/, '');
    return first === '' ? [] : parseCsvLine(first);
  }
}
