/** One trial's directory inside the experiment directory, and its small atomic files. */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic_write';
import { FileSystem, nodeFileSystem, syncDirectory } from './file_system';
import { resolveInside } from './safe_path';
import { StorageError } from './storage_error';

export const PARAMS_FILE = 'params.json';
export const RESULT_FILE = 'result.json';
export const PROGRESS_FILE = 'progress.csv';
export const ERROR_FILE = 'error.txt';

/** Creates `<experimentDir>/<dirName>` with its `params.json`; returns the trial dir path. */
export async function createTrialDir(
  experimentDir: string,
  dirName: string,
  params: Record<string, unknown>,
  fs: FileSystem = nodeFileSystem,
): Promise<string> {
  const dir = resolveInside(experimentDir, dirName);
  try {
    await fs.mkdir(dir, { recursive: true });
    await syncDirectory(experimentDir, fs);
  } catch (err) {
    throw new StorageError(`Could not create the trial directory ${dir}`, dir, err);
  }
  await writeJsonAtomic(join(dir, PARAMS_FILE), params, fs);
  return dir;
}

/** `error.txt`: why the trial failed, for a person to read. */
export async function writeTrialError(trialDir: string, text: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  await writeFileAtomic(join(trialDir, ERROR_FILE), text.endsWith('\n') ? text : `${text}\n`, fs);
}
