/**
 * Which checkpoints to delete after a commit, under `checkpoint_config`, and the deletion.
 * Kept: the best `num_to_keep` (by score, or newest without a score attribute), plus,
 * always, the latest checkpoint, so that a restarted trial resumes where it stopped (as
 * in Ray, this may keep num_to_keep + 1), and every protected one (e.g. the checkpoint a
 * trial resumed from).
 */
import type { CheckpointConfig } from '../../protocol/spec';
import { TEMP_PREFIX, checkpointIndex } from './checkpoints';
import { FileSystem, nodeFileSystem } from './file_system';
import { resolveInside } from './safe_path';
import { StorageError, codeOf } from './storage_error';

export interface ScoredCheckpoint {
  /** `checkpoint_NNNNNN`. */
  name: string;
  /** The result reported with the checkpoint; scores are read from it. */
  metrics?: Record<string, unknown>;
}

/** Names to delete, oldest first. Pure. */
export function checkpointsToDelete(
  checkpoints: readonly ScoredCheckpoint[],
  config: CheckpointConfig,
  protectedNames: ReadonlySet<string> = new Set(),
): string[] {
  const keep = config.num_to_keep;
  if (keep === undefined) return [];
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`checkpoint_config.num_to_keep must be at least 1, got ${keep}`);
  const indexed = checkpoints.map((c) => ({ ...c, index: indexOf(c.name) }));
  const newestFirst = [...indexed].sort((a, b) => b.index - a.index);
  const attribute = config.checkpoint_score_attribute;
  const ranked = attribute === undefined ? newestFirst : rankByScore(newestFirst, attribute, config.checkpoint_score_order);
  const kept = new Set(ranked.slice(0, keep).map((c) => c.name));
  if (newestFirst.length > 0) kept.add(newestFirst[0].name);
  return indexed
    .filter((c) => !kept.has(c.name) && !protectedNames.has(c.name))
    .sort((a, b) => a.index - b.index)
    .map((c) => c.name);
}

/** Removes checkpoint directories of `trialDir`; refuses anything that is not one. */
export async function deleteCheckpoints(
  trialDir: string,
  names: readonly string[],
  fs: FileSystem = nodeFileSystem,
): Promise<void> {
  for (const name of names) {
    indexOf(name);
    const path = resolveInside(trialDir, name);
    try {
      if (!(await fs.lstat(path)).isDirectory()) {
        throw new StorageError(`Refusing to delete ${path}: not a checkpoint directory`, path);
      }
      // Renamed out of the checkpoint namespace first: a crash mid-delete leaves a temp
      // leftover (cleaned on resume), never a half-deleted checkpoint that looks complete.
      const doomed = resolveInside(trialDir, `${TEMP_PREFIX}deleted_${name}`);
      await fs.rename(path, doomed);
      await fs.rm(doomed, { recursive: true, force: true });
    } catch (err) {
      if (codeOf(err) === 'ENOENT') continue;
      if (err instanceof StorageError) throw err;
      throw new StorageError(`Could not delete ${path}`, path, err);
    }
  }
}

/** The score under `attribute`, flat (`eval/loss` as one key) or nested; NaN and non-numbers count as missing. */
export function checkpointScore(metrics: Record<string, unknown> | undefined, attribute: string): number | undefined {
  if (!metrics) return undefined;
  let value: unknown = metrics[attribute];
  if (value === undefined && attribute.includes('/')) {
    value = attribute.split('/').reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), metrics);
  }
  return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
}

/** Best first; a missing score ranks below every present one; ties go to the newer. */
function rankByScore<T extends ScoredCheckpoint & { index: number }>(
  newestFirst: readonly T[],
  attribute: string,
  order: 'min' | 'max',
): T[] {
  const sign = order === 'max' ? -1 : 1;
  const scored = newestFirst.map((c, position) => ({ c, position, score: checkpointScore(c.metrics, attribute) }));
  scored.sort((a, b) => {
    if (a.score === undefined || b.score === undefined) {
      if (a.score === b.score) return a.position - b.position;
      return a.score === undefined ? 1 : -1;
    }
    return a.score === b.score ? a.position - b.position : sign * (a.score - b.score);
  });
  return scored.map((s) => s.c);
}

function indexOf(name: string): number {
  const index = checkpointIndex(name);
  if (index === undefined) throw new Error(`${JSON.stringify(name)} is not a checkpoint directory name`);
  return index;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
