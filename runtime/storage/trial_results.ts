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
import { LineBuffer } from './line_buffer';
import { trimTornLine } from './jsonl';
import { CsvColumns, FlatResult, ResultFlattener, csvLine, parseCsvLine, widenCsv } from './progress_csv';
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
  columns: CsvColumns;
}

export class TrialResults {
  private readonly fs: FileSystem;
  private readonly flushIntervalMs: number;
  private readonly maxBufferedBytes: number;
  private readonly flattener = new ResultFlattener();
  private readonly jsonLines = new LineBuffer();
  /** CSV lines formatted at append time, all as wide as the columns are now. */
  private readonly rows = new LineBuffer();
  private pendingResults = 0;
  /** Results appended before an existing progress.csv's header was read. */
  private unformatted: FlatResult[] = [];
  private diskWidth = 0;
  private opening: Promise<OpenFiles> | undefined;
  private files: OpenFiles | undefined;
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private earlyFlush: Promise<void> | undefined;
  private closed = false;

  /** Opens on the first append, continuing what an earlier run left. */
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
    this.jsonLines.write(`${JSON.stringify(result)}\n`);
    this.pendingResults++;
    const flat = this.flattener.flatten(result);
    if (this.files) this.addRow(this.files.columns, flat);
    else this.unformatted.push(flat);
    if (!this.opening) {
      this.opening = this.open();
      this.opening.catch(() => undefined);
      this.timer = setInterval(() => void this.flush().catch(() => undefined), this.flushIntervalMs);
      this.timer.unref();
    }
    if (!this.earlyFlush && this.jsonLines.byteLength >= this.maxBufferedBytes) {
      this.earlyFlush = this.flush()
        .catch(() => undefined)
        .finally(() => {
          this.earlyFlush = undefined;
        });
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

  private addRow(columns: CsvColumns, flat: FlatResult): void {
    const added = columns.add(flat.keys);
    if (columns.width === 0) return;
    if (added > 0 && this.rows.byteLength > 0) {
      const pad = ','.repeat(added);
      const pending = Buffer.concat(this.rows.take()).toString('utf8');
      this.rows.write(pending.replace(/\n/g, `${pad}\n`));
    }
    this.rows.write(columns.format(flat));
  }

  private async writeBuffered(): Promise<void> {
    if (!this.opening || this.pendingResults === 0) return;
    const files = await this.opening;
    const lines = this.jsonLines.take();
    const rows = this.rows.take();
    const header = files.columns.header.slice();
    this.pendingResults = 0;
    await files.json.append(lines, true);
    await this.writeRows(files, rows, header);
  }

  private async writeRows(files: OpenFiles, rows: Buffer[], header: readonly string[]): Promise<void> {
    if (header.length === 0) return;
    if (this.diskWidth === 0) {
      await files.csv.append([Buffer.from(csvLine(header)), ...rows], true);
    } else if (header.length === this.diskWidth) {
      await files.csv.append(rows, true);
    } else {
      // A new key: rewrite the whole file under the wider header, atomically, so the
      // CSV is never seen with rows that disagree with its header.
      const path = join(this.trialDir, PROGRESS_FILE);
      await files.csv.close();
      const old = await this.fs.readFile(path, 'utf8');
      const widened = Buffer.from(widenCsv(old, header, header.length - this.diskWidth));
      await writeFileAtomic(path, Buffer.concat([widened, ...rows]), this.fs);
      files.csv = await AppendOnlyFile.open(path, this.fs);
    }
    this.diskWidth = header.length;
  }

  private async open(): Promise<OpenFiles> {
    const csvPath = join(this.trialDir, PROGRESS_FILE);
    const json = await AppendOnlyFile.open(join(this.trialDir, RESULT_FILE), this.fs);
    await trimTornLine(csvPath, this.fs);
    const header = await this.readHeader(csvPath);
    const files = { json, csv: await AppendOnlyFile.open(csvPath, this.fs), columns: new CsvColumns(header) };
    this.diskWidth = header.length;
    for (const flat of this.unformatted) this.addRow(files.columns, flat);
    this.unformatted = [];
    this.files = files;
    return files;
  }

  private async readHeader(path: string): Promise<string[]> {
    let text: string;
    try {
      text = await this.fs.readFile(path, 'utf8');
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return [];
      throw new StorageError(`Could not read ${path}`, path, err);
    }
    const first = text.slice(0, Math.max(0, text.indexOf('\n')));
    return first === '' ? [] : parseCsvLine(first);
  }
}
