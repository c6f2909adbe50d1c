/**
 * The experiment directory, `<storage_path>/<name>/`: its header file and journal, and
 * where its trial directories go.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { ExperimentRecord } from '../../protocol/journal';
import { writeJsonAtomic } from './atomic_write';
import { FileSystem, nodeFileSystem, syncDirectory } from './file_system';
import { resolveInside } from './safe_path';
import { StorageError } from './storage_error';

export const EXPERIMENT_FILE = 'experiment.json';
export const JOURNAL_FILE = 'events.jsonl';

export function newExperimentId(): string {
  return randomBytes(3).toString('hex').slice(0, 5);
}

/** Where an experiment lives; refuses names that would leave the storage path. */
export function experimentDirPath(storagePath: string, name: string): string {
  return resolveInside(storagePath, name);
}

/** Creates the directory (or reuses it, on resume) and writes `experiment.json` atomically. */
export async function createExperimentDir(
  dir: string,
  record: ExperimentRecord,
  fs: FileSystem = nodeFileSystem,
): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    await syncDirectory(dirname(dir), fs);
  } catch (err) {
    throw new StorageError(`Could not create the experiment directory ${dir}`, dir, err);
  }
  await writeJsonAtomic(join(dir, EXPERIMENT_FILE), record, fs);
}

export async function readExperimentRecord(dir: string, fs: FileSystem = nodeFileSystem): Promise<ExperimentRecord> {
  const path = join(dir, EXPERIMENT_FILE);
  try {
    return JSON.parse(await fs.readFile(path, 'utf8')) as ExperimentRecord;
  } catch (err) {
    throw new StorageError(`Could not read ${path}`, path, err);
  }
}
