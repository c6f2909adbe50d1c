/**
 * What a checkpoint commit will copy, worked out and checked before anything is written.
 * Several sources (one per rank, in rank order) merge into one checkpoint: directories of
 * the same name merge, and when two ranks hold the same file the lowest rank's copy is kept
 * (ranks that all save the same replicated model must not fail the report; ranks with
 * distinct data name their files apart, as Ray asks). A file against a directory of the
 * same name is an error. Regular files and directories are copied; a symlink is
 * copied as the file it points to when that file lies inside the same source, and
 * refused otherwise (pointing outside, dangling, or to a directory).
 */
import { join, relative, isAbsolute, sep } from 'node:path';
import { FileSystem, nodeFileSystem } from './file_system';
import { StorageError } from './storage_error';

export interface CopyPlan {
  /** Relative paths, each after its parent. */
  dirs: string[];
  files: Array<{ from: string; to: string }>;
}

type Owner = { kind: 'dir' | 'file'; source: string };

export async function planCheckpointCopy(sources: readonly string[], fs: FileSystem = nodeFileSystem): Promise<CopyPlan> {
  if (sources.length === 0) throw new StorageError('A checkpoint needs at least one source directory', '');
  const plan: CopyPlan = { dirs: [], files: [] };
  const owners = new Map<string, Owner>();
  for (const source of sources) {
    let root: string;
    try {
      root = await fs.realpath(source);
      if (!(await fs.stat(root)).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new StorageError(`Checkpoint source ${source} is not a readable directory`, source, err);
    }
    await walk(fs, { root, source }, root, '', plan, owners);
  }
  return plan;
}

async function walk(
  fs: FileSystem,
  origin: { root: string; source: string },
  dir: string,
  rel: string,
  plan: CopyPlan,
  owners: Map<string, Owner>,
): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const from = join(dir, entry.name);
    const to = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const kind = entry.isSymbolicLink() ? await symlinkKind(fs, origin, from, to) : plainKind(entry, origin, to);
    const earlier = owners.get(to);
    if (earlier && earlier.kind === 'file' && kind === 'file') continue;
    if (earlier && !(earlier.kind === 'dir' && kind === 'dir')) {
      throw new StorageError(
        `Checkpoint sources ${earlier.source} and ${origin.source} both contain ${to}, once as a file and once as a directory; rename one of them`,
        origin.source,
      );
    }
    if (kind === 'file') {
      owners.set(to, { kind, source: origin.source });
      plan.files.push({ from, to });
      continue;
    }
    if (!earlier) {
      owners.set(to, { kind, source: origin.source });
      plan.dirs.push(to);
    }
    await walk(fs, origin, from, to, plan, owners);
  }
}

function plainKind(entry: { isDirectory(): boolean; isFile(): boolean }, origin: { source: string }, to: string): 'dir' | 'file' {
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  throw new StorageError(`${to} in checkpoint source ${origin.source} is neither a file nor a directory`, origin.source);
}

async function symlinkKind(fs: FileSystem, origin: { root: string; source: string }, from: string, to: string): Promise<'file'> {
  const refuse = (why: string, cause?: unknown): never => {
    throw new StorageError(`Symlink ${to} in checkpoint source ${origin.source} ${why}`, origin.source, cause);
  };
  let target = '';
  try {
    target = await fs.realpath(from);
  } catch (err) {
    refuse('points nowhere', err);
  }
  const rel = relative(origin.root, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) refuse(`points outside it (to ${target})`);
  if (!(await fs.stat(target)).isFile()) refuse('points to a directory; only symlinks to files are copied');
  return 'file';
}
