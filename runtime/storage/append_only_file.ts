/**
 * An append-only file that never keeps half of a failed append: after a failed write
 * (ENOSPC mid-chunk) it cuts the file back to its last good length, so the lines before
 * stay whole and the next append starts on a fresh line.
 */
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { FileSystem, nodeFileSystem, syncDirectory } from './file_system';
import { trimTornLine } from './jsonl';
import { StorageError, codeOf } from './storage_error';

const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

export class AppendOnlyFile {
  private broken: StorageError | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private length: number,
  ) {}

  /**
   * Opens (creating if needed) after trimming a line torn by an earlier crash. Only a
   * regular file is opened: a symlink in its place is refused, never followed.
   */
  static async open(path: string, fs: FileSystem = nodeFileSystem): Promise<AppendOnlyFile> {
    try {
      const existed = await fs.lstat(path).then(
        () => true,
        (err) => (codeOf(err) === 'ENOENT' ? false : Promise.reject(err)),
      );
      if (existed) await trimTornLine(path, fs);
      const handle = await fs.open(path, APPEND_FLAGS, 0o644);
      try {
        const stats = await handle.stat();
        if (!stats.isFile()) throw new Error('it is not a regular file');
        const { size } = stats;
        if (!existed) await syncDirectory(dirname(path), fs);
        return new AppendOnlyFile(path, handle, size);
      } catch (err) {
        await handle.close();
        throw err;
      }
    } catch (err) {
      if (err instanceof StorageError) throw err;
      throw new StorageError(`Could not open ${path} for appending`, path, err);
    }
  }

  /** Appends all of `data` or nothing of it; `durable` waits for the disk as well. */
  async append(data: string | readonly Uint8Array[], durable: boolean): Promise<void> {
    if (this.broken) throw this.broken;
    const chunks = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data;
    try {
      let appended = 0;
      for (const chunk of chunks) {
        let written = 0;
        while (written < chunk.length) {
          const { bytesWritten } = await this.handle.write(chunk, written, chunk.length - written);
          written += bytesWritten;
        }
        appended += written;
      }
      // fdatasync is enough for appends: it also flushes the size that makes them readable.
      if (durable) await this.handle.datasync();
      this.length += appended;
    } catch (err) {
      const failure = new StorageError(`Could not append to ${this.path}`, this.path, err);
      await this.handle.truncate(this.length).catch(() => {
        this.broken = failure;
      });
      throw failure;
    }
  }

  private closed = false;

  /** Safe to call twice: a writer that failed mid-rewrite may close it again. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}
