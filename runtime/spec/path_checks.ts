/**
 * The directories a spec names, checked before anything is written: trainer.working_dir must be
 * a directory the workers can enter, and the results folder (storage_path/name) must be one the
 * runtime can create or write. Each problem is a sentence; no errno text reaches the user.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ExperimentSpec } from '../../protocol/spec';
import type { PathProblem } from './positions';
import { fileErrorWords } from './wording';

const RELATIVE = "relative paths start at the spec's directory";

export async function pathProblems(spec: ExperimentSpec): Promise<PathProblem[]> {
  const problems = [await workingDirProblem(spec.trainer.working_dir), await storageProblem(spec)];
  return problems.filter((p): p is PathProblem => p !== undefined);
}

async function workingDirProblem(dir: string): Promise<PathProblem | undefined> {
  const path = ['trainer', 'working_dir'];
  const found = await kindOf(dir);
  if (found === 'missing') return { path, message: `trainer.working_dir is ${dir}, which does not exist; create it or fix the path (${RELATIVE})` };
  if (found === 'file') return { path, message: `trainer.working_dir is ${dir}, which is a file; name a directory (${RELATIVE})` };
  if (typeof found === 'object') return { path, message: `trainer.working_dir is ${dir}, which cannot be used: ${fileErrorWords(found)}` };
  if (!(await allowed(dir, constants.R_OK | constants.X_OK))) {
    return { path, message: `trainer.working_dir is ${dir}, which the workers cannot enter: permission denied` };
  }
  return undefined;
}

/** The experiment's folder, or the nearest folder above it that exists, must take new files. */
async function storageProblem(spec: ExperimentSpec): Promise<PathProblem | undefined> {
  const storage = spec.run_config.storage_path;
  const experiment = join(storage, spec.run_config.name);
  const storagePath = ['run_config', 'storage_path'];
  const named = `run_config.storage_path is ${storage}`;
  for (let dir = experiment; ; dir = dirname(dir)) {
    const found = await kindOf(dir);
    if (found === 'missing' && dir !== dirname(dir)) continue;
    if (found === 'file') {
      if (dir === experiment) {
        return { path: ['run_config', 'name'], message: `the results folder ${experiment} is a file; remove it or choose another run_config.name` };
      }
      const where = dir === storage ? 'which is a file' : `but ${dir} is a file, so no folder can be made under it`;
      return { path: storagePath, message: `${named}, ${where}; name a directory (${RELATIVE})` };
    }
    if (typeof found === 'object') return { path: storagePath, message: `${named}, which cannot be used: ${fileErrorWords(found)}` };
    if (found === 'missing') return undefined;
    if (!(await allowed(dir, constants.W_OK | constants.X_OK))) {
      const what = dir === experiment ? `the results folder ${experiment}` : `${dir}, where the results folder would be created,`;
      return { path: storagePath, message: `${named}, but ${what} is not writable: ${await writeRefusal(dir)}` };
    }
    return undefined;
  }
}

async function kindOf(path: string): Promise<'dir' | 'file' | 'missing' | NodeJS.ErrnoException> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (err) {
    const error = err as NodeJS.ErrnoException;
    // ENOTDIR: a file above it; the walk up finds that file and names it.
    return error.code === 'ENOENT' || error.code === 'ENOTDIR' ? 'missing' : error;
  }
}

async function allowed(path: string, mode: number): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

async function writeRefusal(dir: string): Promise<string> {
  try {
    await access(dir, constants.W_OK);
    return 'permission denied';
  } catch (err) {
    return fileErrorWords(err as NodeJS.ErrnoException);
  }
}
