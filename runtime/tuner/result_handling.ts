import { join } from 'node:path';
import type { ResultMessage } from '../../protocol/driver';
import { resultContext, type SchedulerDecision } from '../schedulers/trial_scheduler';
import { buildResultRow, stopCriterionMet } from './result_row';
import type { DriverHandle } from './trial_launcher';
import { applyNewConfig } from './trial_factory';
import * as lifecycle from './trial_lifecycle';
import type { TrialRecord } from './trial_record';
import { isFinished } from './trial_status';
import type { TunerCore } from './tuner_core';

type Ack = (checkpointDirName: string | null, stop: boolean, error?: string) => void;
interface ResultRow {
  row: Record<string, unknown>;
  now: number;
  stopReason: string | undefined;
}

/**
 * A result from a trial's workers: its checkpoint committed, its row on disk, the searcher and
 * scheduler told, and what the scheduler decided (stop, pause, a PBT exploit) acted on.
 */
export class ResultHandling {
  constructor(private readonly core: TunerCore) {}

  /**
   * Synchronous for a result without a checkpoint (most of them): nothing waits, so the Tuner's
   * per-trial queue need not hold a promise for it and the ack leaves at once.
   */
  onResult(trial: TrialRecord, driver: DriverHandle, msg: ResultMessage): void | Promise<void> {
    const ack: Ack = (checkpointDirName, stop, error) => driver.send({ type: 'result_ack', trialId: trial.id, id: msg.id, checkpointDirName, stop, error });
    if (trial.status !== 'RUNNING' || trial.pendingOutcome) return ack(null, true, 'the trial is stopping');
    if (msg.checkpoints.length) return this.onCheckpointedResult(trial, driver, msg, ack);
    try {
      if (msg.metrics === null) return ack(null, false);
      const row = this.appendRow(trial, driver, msg.metrics, null);
      this.conclude(trial, driver, row, null, ack);
    } catch (err) {
      ack(null, false, (err as Error).message);
    }
  }

  private async onCheckpointedResult(trial: TrialRecord, driver: DriverHandle, msg: ResultMessage, ack: Ack): Promise<void> {
    try {
      const checkpointName = await this.core.checkpoints.commit(trial, msg.checkpoints).catch((err: Error) => this.checkpointRefused(trial, err));
      if (msg.metrics === null) {
        // Rank 0 already exited: no result, but a checkpoint the others passed still counts.
        this.core.checkpoints.recorded(trial, checkpointName, trial.lastResult ?? {});
        return ack(checkpointName, false);
      }
      const row = this.appendRow(trial, driver, msg.metrics, checkpointName);
      // A resume restarts from the latest checkpoint, so every row up to it must be on disk
      // before the checkpoint is acknowledged; rows after it are re-reported anyway.
      await this.core.results.get(trial.id)!.flush();
      this.conclude(trial, driver, row, checkpointName, ack);
    } catch (err) {
      ack(null, false, (err as Error).message);
    }
  }

  /** The result's row, with Ray's auto-filled keys, appended to result.json and progress.csv. */
  private appendRow(trial: TrialRecord, driver: DriverHandle, metrics: Record<string, unknown>, checkpointName: string | null): ResultRow {
    const now = this.core.clock.now() / 1000;
    const row = buildResultRow(trial, metrics, now, driver.pid);
    row.checkpoint_dir_name = checkpointName;
    const stopReason =
      trial.extendTo !== undefined
        ? (row.training_iteration as number) >= trial.extendTo
          ? `extended to training_iteration ${trial.extendTo}`
          : undefined
        : stopCriterionMet(row, this.core.spec.run_config.stop);
    if (stopReason) row.done = true;
    this.core.results.get(trial.id)!.append(row);
    return { row, now, stopReason };
  }

  /** The row is recorded: the trial, searcher and scheduler learn of it, and the ack says what was decided. */
  private conclude(trial: TrialRecord, driver: DriverHandle, { row, now, stopReason }: ResultRow, checkpointName: string | null, ack: Ack): void {
    lifecycle.resultRecorded(trial, row, now);
    if (checkpointName) this.core.checkpoints.recorded(trial, checkpointName, row);
    this.core.emit('result', trial, row);
    this.core.searcher.onTrialResult(trial.index, row);
    this.core.searchState.markDirty();
    const decision: SchedulerDecision = stopReason
      ? { action: 'stop', reason: stopReason }
      : trial.extendTo !== undefined
        ? { action: 'continue' }
        : this.core.scheduler.onTrialResult(this.core.schedulerView(trial), row, resultContext(trial.id, this.core.trials));
    this.core.journalSchedulerEvents();
    ack(checkpointName, decision.action !== 'continue');
    if (decision.action !== 'continue') this.act(trial, driver, decision);
  }

  /** The worker hears of a refused checkpoint in its ack; the journal and the views must too. */
  private checkpointRefused(trial: TrialRecord, err: Error): never {
    this.core.record({ type: 'checkpoint_refused', trial_id: trial.id, iteration: trial.iteration + 1, reason: err.message });
    this.core.emit('rejected', trial, `checkpoint refused, so the report was not recorded: ${err.message}`);
    throw err;
  }

  private act(trial: TrialRecord, driver: DriverHandle, decision: Exclude<SchedulerDecision, { action: 'continue' }>): void {
    if (decision.action === 'stop') return this.core.requestGroupEnd(trial, driver, 'stop', decision.reason);
    if (decision.action === 'pause') return this.core.requestGroupEnd(trial, driver, 'pause', decision.reason);
    if (decision.action === 'fail') {
      this.core.failure ??= decision.reason;
      return this.core.stop(this.core.failure);
    }
    const donor = this.core.trials.find((t) => t.id === decision.donorId);
    if (!donor) return;
    const exploited = this.exploit(trial, donor, decision);
    // Counted and warned here, whether or not the group's end still waits for it.
    this.core.background.run(`${trial.name}: ${decision.reason} failed`, exploited);
    this.core.requestGroupEnd(trial, driver, 'requeue', decision.reason, exploited.catch(() => undefined));
  }

  /**
   * PBT: the donor's checkpoint is copied in as this trial's newest checkpoint (so the
   * donor's retention cannot pull it away), and the trial continues from the donor's iteration.
   */
  private async exploit(trial: TrialRecord, donor: TrialRecord, decision: SchedulerDecision & { action: 'exploit' }): Promise<void> {
    const name = await this.core.checkpoints.commit(trial, join(donor.dir, decision.donorCheckpoint));
    // Stopped while the checkpoint was copied: a finished trial never changes.
    if (isFinished(trial.status)) return;
    const oldIteration = trial.iteration;
    lifecycle.exploited(trial, decision.donorIteration);
    applyNewConfig(this.core.spec, trial, decision.newConfig);
    this.core.checkpoints.recorded(trial, name, donor.lastResult ?? {});
    const entry = {
      trial_id: trial.id,
      donor_id: donor.id,
      donor_checkpoint: decision.donorCheckpoint,
      cloned_as: name,
      iteration: oldIteration,
      donor_iteration: decision.donorIteration,
      old_config: decision.oldConfig,
      new_config: decision.newConfig,
    };
    this.core.record({ type: 'pbt_exploit', ...entry });
    this.core.checkpoints.appendPolicyLog(this.core.experimentPath, entry);
    this.core.record({ type: 'trial_restored', trial_id: trial.id, from_checkpoint: name, source: `${donor.name}/${decision.donorCheckpoint}`, after_failure: false, failures: 0, reason: decision.reason });
  }
}
