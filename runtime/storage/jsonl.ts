/**
 * JSON-lines files as storage writes them: a record counts only once its newline is on
 * disk, so whatever follows the last newline is the remains of an interrupted append.
 * Reading skips such a remainder and never writes; cutting it off is trimTornLine's job,
 * for the process that holds the run lock (issue 12).
 */
import { constants } from 'node:fs';
import { FileSystem, nodeFileSystem } from './file_system';
import { StorageError, codeOf } from './storage_error';

const NEWLINE = 0x0a;
const TAIL_CHUNK = 64 * 1024;

export interface ReadJsonLinesOptions {
  fs?: FileSystem;
}

/** The complete records of a JSON-lines file, read-only; a missing file has none. */
export async function readJsonLines<T = unknown>(path: string, options: ReadJsonLinesOptions = {}): Promise<T[]> {
  const fs = options.fs ?? nodeFileSystem;
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return [];
    throw new StorageError(`Could not read ${path}`, path, err);
  }
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  return parseJsonLines<T>(bytes.subarray(0, end).toString('utf8'), path);
}

/** The records of complete JSON lines (`text` ends at a newline or is empty); `path` names them in errors. */
export function parseJsonLines<T = unknown>(text: string, path: string): T[] {
  const records: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    try {
      records.push(JSON.parse(lines[i]) as T);
    } catch (err) {
      throw new StorageError(`Line ${i + 1} of ${path} is not valid JSON`, path, err);
    }
  }
  return records;
}

/**
 * Cuts whatever follows the last newline, reading only the file's tail; returns the
 * number of bytes removed. Used before appending to a file a crash may have torn. Only a
 * regular file is cut, never the target of a symlink.
 */
export async function trimTornLine(path: string, fs: FileSystem = nodeFileSystem): Promise<number> {
  let handle;
  try {
    handle = await fs.open(path, constants.O_RDWR | constants.O_NOFOLLOW);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return 0;
    if (codeOf(err) === 'ELOOP') throw new StorageError(`Refusing to trim ${path}: it is a symlink`, path);
    throw new StorageError(`Could not open ${path}`, path, err);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('it is not a regular file');
    const { size } = stats;
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - TAIL_CHUNK);
      const chunk = Buffer.alloc(end - start);
      await handle.read(chunk, 0, chunk.length, start);
      const at = chunk.lastIndexOf(NEWLINE);
      if (at >= 0) {
        end = start + at + 1;
        break;
      }
      end = start;
    }
    if (end < size) {
      await handle.truncate(end);
      await handle.sync();
    }
    return size - end;
  } catch (err) {
    throw new StorageError(`Could not trim the torn last line of ${path}`, path, err);
  } finally {
    await handle.close();
  }
}
