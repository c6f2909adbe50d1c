/**
 * The filesystem calls storage makes, passed in so tests can inject faults (ENOSPC, a
 * file vanishing mid-copy) that running as root or on a roomy disk cannot provoke.
 */
import * as fsp from 'node:fs/promises';

export type FileSystem = Pick<
  typeof fsp,
  'open' | 'rename' | 'rm' | 'mkdir' | 'mkdtemp' | 'readdir' | 'lstat' | 'stat' | 'realpath' | 'copyFile' | 'readFile'
>;

export const nodeFileSystem: FileSystem = fsp;

export async function syncFile(path: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  const handle = await fs.open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function syncDirectory(path: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  await syncFile(path, fs);
}
