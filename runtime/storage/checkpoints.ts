/**
 * Checkpoint directories of a trial, `checkpoint_000000` upward. A commit copies into a
 * hidden temp directory and renames it into place, so a `checkpoint_*` directory is
 * always complete; leftovers of an interrupted commit are `.tmp_checkpoint_*`.
 */
import { constants } from 'node:fs';
import { join } from 'node:path';
import { planCheckpointCopy } from './checkpoint_copy_plan';
import { FileSystem, nodeFileSystem, syncDirectory, syncFile } from './file_system';
import { resolveInside } from './safe_path';
import { StorageError, codeOf } from './storage_error';

export const TEMP_PREFIX = '.tmp_checkpoint_';
const NAME_PATTERN = /^checkpoint_(\d{6,})$/;
const PARALLEL_COPIES = 8;

export interface CheckpointDir {
  name: string;
  index: number;
}

export function checkpointDirName(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new Error(`checkpoint index must be a whole number >= 0, got ${index}`);
  return `checkpoint_${String(index).padStart(6, '0')}`;
}

/** The index in a `checkpoint_NNNNNN` name, or undefined for any other name. */
export function checkpointIndex(name: string): number | undefined {
  const match = NAME_PATTERN.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Copies the sources' contents (see checkpoint_copy_plan for merging and symlinks) into
 * `trialDir/checkpoint_<index>` and returns that name once it is durable. The sources are
 * left alone: the worker deletes them only after this resolves. On failure nothing new
 * is left behind and earlier checkpoints are untouched.
 */
export async function commitCheckpoint(
  trialDir: string,
  sources: readonly string[],
  index: number,
  fs: FileSystem = nodeFileSystem,
): Promise<string> {
  const name = checkpointDirName(index);
  const target = resolveInside(trialDir, name);
  if (await exists(fs, target)) throw new StorageError(`${name} already exists in ${trialDir}`, target);
  const plan = await planCheckpointCopy(sources, fs);
  let temp: string | undefined;
  let renamed = false;
  try {
    temp = await fs.mkdtemp(join(trialDir, TEMP_PREFIX));
    const into = temp;
    for (const dir of plan.dirs) await fs.mkdir(join(into, dir));
    await eachLimited(plan.files, PARALLEL_COPIES, async ({ from, to }) => {
      await fs.copyFile(from, join(into, to), constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      await syncFile(join(into, to), fs);
    });
    for (const dir of [...plan.dirs].reverse()) await syncDirectory(join(into, dir), fs);
    await syncDirectory(into, fs);
    await fs.rename(into, target);
    renamed = true;
    await syncDirectory(trialDir, fs);
    return name;
  } catch (err) {
    // A checkpoint the caller was told failed must not linger, even if the rename went through.
    if (temp !== undefined) await fs.rm(renamed ? target : temp, { recursive: true, force: true }).catch(() => undefined);
    throw new StorageError(`Could not commit ${name} in ${trialDir}`, target, err);
  }
}

/** Complete checkpoints, oldest first; a missing trial directory has none. */
export async function listCheckpoints(trialDir: string, fs: FileSystem = nodeFileSystem): Promise<CheckpointDir[]> {
  let entries;
  try {
    entries = await fs.readdir(trialDir, { withFileTypes: true });
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return [];
    throw new StorageError(`Could not list the checkpoints of ${trialDir}`, trialDir, err);
  }
  const found: CheckpointDir[] = [];
  for (const entry of entries) {
    const index = entry.isDirectory() ? checkpointIndex(entry.name) : undefined;
    if (index !== undefined) found.push({ name: entry.name, index });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The highest-numbered complete checkpoint's directory name. */
export async function latestCheckpoint(trialDir: string, fs: FileSystem = nodeFileSystem): Promise<string | undefined> {
  const all = await listCheckpoints(trialDir, fs);
  return all[all.length - 1]?.name;
}

/** Removes what interrupted commits left; run at startup, before any new commit. */
export async function removeTempCheckpoints(trialDir: string, fs: FileSystem = nodeFileSystem): Promise<string[]> {
  let names: string[];
  try {
    names = (await fs.readdir(trialDir)).filter((name) => name.startsWith(TEMP_PREFIX));
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return [];
    throw new StorageError(`Could not list ${trialDir}`, trialDir, err);
  }
  for (const name of names) await fs.rm(resolveInside(trialDir, name), { recursive: true, force: true });
  return names;
}

async function exists(fs: FileSystem, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return false;
    throw err;
  }
}

/** Runs `task` over `items`, `limit` at a time; after a failure, lets the running ones end, then throws. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++];
      await task(item).catch((error: unknown) => {
        failure ??= { error };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}
