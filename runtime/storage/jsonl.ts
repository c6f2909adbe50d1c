/**
 * JSON-lines files as storage writes them: a record counts only once its newline is on
 * disk, so whatever follows the last newline is the remains of an interrupted append.
 */
import { FileSystem, nodeFileSystem } from './file_system';
import { StorageError, codeOf } from './storage_error';

const NEWLINE = 0x0a;
const TAIL_CHUNK = 64 * 1024;

export interface ReadJsonLinesOptions {
  /** Also cut the torn last line off the file, so the next append starts on a fresh line. */
  repair: boolean;
  fs?: FileSystem;
}

/** The complete records of a JSON-lines file; a missing file has none. */
export async function readJsonLines<T = unknown>(path: string, options: ReadJsonLinesOptions): Promise<T[]> {
  const fs = options.fs ?? nodeFileSystem;
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return [];
    throw new StorageError(`Could not read ${path}`, path, err);
  }
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  const records: T[] = [];
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    try {
      records.push(JSON.parse(lines[i]) as T);
    } catch (err) {
      throw new StorageError(`Line ${i + 1} of ${path} is not valid JSON`, path, err);
    }
  }
  if (options.repair && end < bytes.length) await truncateTo(path, end, fs);
  return records;
}

/**
 * Cuts whatever follows the last newline, reading only the file's tail; returns the
 * number of bytes removed. Used before appending to a file a crash may have torn.
 */
export async function trimTornLine(path: string, fs: FileSystem = nodeFileSystem): Promise<number> {
  let handle;
  try {
    handle = await fs.open(path, 'r+');
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return 0;
    throw new StorageError(`Could not open ${path}`, path, err);
  }
  try {
    const { size } = await handle.stat();
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

async function truncateTo(path: string, length: number, fs: FileSystem): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
