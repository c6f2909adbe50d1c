import type { GroupExit, TrialJob } from '../../protocol/driver';
import { afterGroupFailure, afterTrialFailure, restartDelayMs } from './restart_policy';
import type { DriverHandle } from './trial_launcher';
import * as lifecycle from './trial_lifecycle';
import type { TrialRecord } from './trial_record';
import { isFinished } from './trial_status';
import type { TunerCore } from './tuner_core';

/**
 * What follows a worker group's end: the trial finishes, pauses or goes back to the queue as
 * asked, or, after a failure, restarts its workers (Ray Train) or is retried (Ray Tune).
 */
export class TrialRecovery {
  constructor(private readonly core: TunerCore) {}

  onEnded(trial: TrialRecord, driver: DriverHandle, exit: GroupExit): void {
    this.core.driverOf.delete(trial.id);
    this.core.trialOf.delete(driver);
    this.core.pool.release(driver);
    const outcome = lifecycle.ended(trial, exit);
    if (exit.neverStarted && this.core.stopping) {
      // A queued cluster job cancelled before it ran: the trial never ran, so it stays runnable.
      this.core.background.run(`closing the results of ${trial.name}`, this.core.closeResults(trial));
      this.core.unadmit(trial);
      return this.core.maybeFinish();
    }
    if (!outcome) {
      if (exit.preempted) return this.core.stopping ? this.core.endTrial(trial, 'TERMINATED', this.core.stopping) : this.requeuePreempted(trial, exit);
      if (exit.status !== 'ERROR') return this.core.endTrial(trial, 'TERMINATED', exit.reason);
      if (this.core.stopping) return this.core.endTrial(trial, 'ERROR', exit.reason);
      if (afterGroupFailure(this.core.spec, trial) === 'restart-workers') return this.restartWorkers(trial, exit);
      return this.failTrial(trial, exit);
    }
    if (outcome.kind === 'stop' || this.core.stopping) return this.core.endTrial(trial, 'TERMINATED', this.core.stopping ?? outcome.reason);
    // A failed exploit (warned where it started) still requeues the trial, from its own checkpoint.
    this.core.background.run(`${trial.name}: ${outcome.reason} failed`, outcome.ready ?? Promise.resolve(), () => this.requeue(trial, outcome));
  }

  /** A cluster job's queue state: a job waiting in the cluster's queue shows the cluster's reason. */
  onJobSeen(trial: TrialRecord, job: TrialJob): void {
    lifecycle.jobSeen(trial, job);
    if (trial.status !== 'RUNNING') return;
    if (job.state === 'PENDING') this.core.setWaiting(trial, `queued in Slurm as job ${job.id} (${job.reason ?? 'pending'})`);
    else {
      lifecycle.wait(trial, undefined);
      this.core.emit('trial', trial);
    }
  }

  /** Preempted or near its time limit: back to the queue from the latest checkpoint, not a failure. */
  private requeuePreempted(trial: TrialRecord, exit: GroupExit): void {
    this.core.record({
      type: 'trial_restored',
      trial_id: trial.id,
      from_checkpoint: trial.checkpoints.at(-1)?.name,
      after_failure: false,
      failures: trial.trainFailures + trial.tuneFailures,
      reason: exit.reason,
    });
    this.requeue(trial, { kind: 'requeue', reason: exit.reason });
  }

  private requeue(trial: TrialRecord, outcome: NonNullable<TrialRecord['pendingOutcome']>): void {
    if (isFinished(trial.status)) return;
    if (this.core.stopping) return this.core.endTrial(trial, 'TERMINATED', this.core.stopping);
    // Pausing and requeueing give the trial's slots back (ray-project/ray#17720).
    this.core.ledger.release(trial.id);
    this.core.background.run(`closing the results of ${trial.name}`, this.core.closeResults(trial));
    if (outcome.kind === 'pause') {
      lifecycle.pause(trial, outcome.reason);
      this.core.record({ type: 'trial_paused', trial_id: trial.id, reason: outcome.reason });
    } else {
      lifecycle.requeue(trial);
    }
    this.core.emit('trial', trial);
    this.core.kick();
  }

  onDriverDeath(trial: TrialRecord, driver: DriverHandle, code: number | null, signal: NodeJS.Signals | null): void {
    this.core.driverOf.delete(trial.id);
    this.core.trialOf.delete(driver);
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    const exit: GroupExit = { status: 'ERROR', reason: `the Trainer driver ${how}`, exitCode: code, signal };
    const outcome = lifecycle.ended(trial, exit);
    if (outcome?.kind === 'stop' || this.core.stopping) return this.core.endTrial(trial, 'TERMINATED', outcome?.reason ?? this.core.stopping!);
    this.failTrial(trial, exit);
  }

  /** What a restore records: the journal event, and the context the next result row carries. */
  private noteRestore(trial: TrialRecord, exit: GroupExit, context: lifecycle.RestoreContext): void {
    this.core.record({
      type: 'trial_restored',
      trial_id: trial.id,
      from_checkpoint: context.from_checkpoint ?? undefined,
      after_failure: true,
      failures: context.failures,
      level: context.level,
      reason: `${context.level === 'trainer' ? 'worker group restarted' : 'trial restarted'} after: ${exit.reason}`,
    });
    this.core.emit('restore', trial, context);
  }

  /** Ray Train: the whole worker group restarts from the latest checkpoint, keeping the trial's slots. */
  private restartWorkers(trial: TrialRecord, exit: GroupExit): void {
    const { context, failuresInARow } = lifecycle.restartWorkers(trial, exit);
    this.noteRestore(trial, exit, context);
    const restarted = this.core.closeResults(trial)
      .then(() => new Promise<void>((resolve) => this.core.clock.after(restartDelayMs(failuresInARow), resolve)))
      .then(() => (this.core.stopping ? this.core.endTrial(trial, 'TERMINATED', this.core.stopping) : this.core.launch(trial)));
    this.core.background.run(`could not restart the workers of ${trial.name}`, restarted, () => this.core.maybeFinish());
  }

  /** Ray Tune: a failed trial is retried from its latest checkpoint while max_failures allows. */
  private failTrial(trial: TrialRecord, exit: GroupExit): void {
    if (this.core.stopping || afterTrialFailure(this.core.spec, trial) === 'fail') return this.core.endTrial(trial, 'ERROR', exit.reason);
    const { context, delay } = lifecycle.retry(trial, exit, this.core.clock.now(), restartDelayMs);
    this.core.ledger.release(trial.id);
    this.noteRestore(trial, exit, context);
    if (delay > 0) this.core.clock.after(delay, () => this.core.kick());
    this.core.background.run(`closing the results of ${trial.name}`, this.core.closeResults(trial), () => {
      this.core.emit('trial', trial);
      this.core.kick();
    });
  }
}
