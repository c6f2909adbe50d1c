/** Replaces a file so that readers see either the old content or the new, never a mix. */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { FileSystem, nodeFileSystem, syncDirectory } from './file_system';
import { StorageError } from './storage_error';

export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  fs: FileSystem = nodeFileSystem,
): Promise<void> {
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.tmp-${randomBytes(4).toString('hex')}`);
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
    await syncDirectory(dir, fs);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new StorageError(`Could not write ${target}`, target, err);
  }
}

/** Pretty-printed, newline-terminated, so the file reads well by hand too. */
export async function writeJsonAtomic(target: string, value: unknown, fs: FileSystem = nodeFileSystem): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`, fs);
}
