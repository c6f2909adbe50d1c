import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointConfig } from '../../protocol/spec';
import { checkpointIndex, commitCheckpoint, listCheckpoints } from '../storage/checkpoints';
import { checkpointsToDelete, deleteCheckpoints } from '../storage/checkpoint_retention';
import type { UnstampedJournalEvent } from '../storage/journal';
import type { TrialRecord } from './trial_record';

/** Commits workers' checkpoints into trial directories and applies checkpoint_config. */
export class CheckpointKeeper {
  /** Per trial, commits run one after another, so two never take the same number. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly config: CheckpointConfig,
    private readonly record: (event: UnstampedJournalEvent) => void,
    private readonly warn: (message: string) => void,
  ) {}

  /** Copies (merges) `sources` in as the trial's next `checkpoint_NNNNNN`; resolves once durable. */
  commit(trial: TrialRecord, sources: string | string[]): Promise<string> {
    const run = async () => {
      // Numbered after everything on disk: a trial restarted from scratch keeps its old directories.
      const last = trial.checkpoints[trial.checkpoints.length - 1];
      const known = last ? (checkpointIndex(last.name) ?? -1) : -1;
      const onDisk = (await listCheckpoints(trial.dir)).reduce((max, c) => Math.max(max, c.index), -1);
      return commitCheckpoint(trial.dir, Array.isArray(sources) ? sources : [sources], Math.max(known, onDisk) + 1);
    };
    const next = (this.queues.get(trial.id) ?? Promise.resolve()).then(run, run);
    this.queues.set(trial.id, next.catch(() => undefined));
    return next;
  }

  /** Notes a committed checkpoint and deletes the ones checkpoint_config no longer keeps. */
  recorded(trial: TrialRecord, name: string, metrics: Record<string, unknown>): void {
    trial.checkpoints.push({ name, iteration: trial.iteration, metrics });
    this.record({ type: 'checkpoint_committed', trial_id: trial.id, checkpoint_dir_name: name, iteration: trial.iteration });
    // Trials resume from their latest checkpoint, which retention always keeps.
    const doomed = checkpointsToDelete(trial.checkpoints, this.config);
    if (doomed.length === 0) return;
    trial.checkpoints = trial.checkpoints.filter((c) => !doomed.includes(c.name));
    deleteCheckpoints(trial.dir, doomed).then(
      () => doomed.forEach((d) => this.record({ type: 'checkpoint_deleted', trial_id: trial.id, checkpoint_dir_name: d })),
      (err: Error) => this.warn(`could not delete old checkpoints of ${trial.name}: ${err.message}`),
    );
  }

  /** PBT's per-experiment policy log: one line per exploit, append-only. */
  appendPolicyLog(experimentPath: string, entry: Record<string, unknown>): void {
    try {
      appendFileSync(join(experimentPath, 'pbt_policy_log.jsonl'), JSON.stringify({ ts: Date.now() / 1000, ...entry }) + '\n');
    } catch (err) {
      this.warn(`could not append to the PBT policy log: ${(err as Error).message}`);
    }
  }
}
