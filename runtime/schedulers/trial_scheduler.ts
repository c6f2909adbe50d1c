/**
 * The contract between the Tuner and a trial scheduler (FIFO, ASHA, median stopping, PBT).
 * Schedulers are pure decision makers: they see results and answer; the Tuner acts
 * (stops, pauses, restores from checkpoints) and journals every non-trivial decision.
 */
import type { DecisionKind } from '../../protocol/trial';

/** What a scheduler may know about a trial. */
export interface SchedulerTrial {
  id: string;
  /** Creation order; ties are broken by it so decisions are reproducible. */
  index: number;
  /** The trial's sampled param_space (e.g. {train_loop_config: {lr: 0.01}}). */
  config: Record<string, unknown>;
  /** Directory name of the latest committed checkpoint, if any. */
  latestCheckpoint?: string;
}

export type SchedulerDecision =
  | { action: 'continue' }
  /** End the trial now as TERMINATED ("stopped early"), with a reason in words. */
  | { action: 'stop'; reason: string }
  /** Stop the worker group and keep the trial PAUSED (resources released) until resumed. */
  | { action: 'pause'; reason: string }
  /** End the whole experiment as failed, as Ray's run ends when a scheduler raises (PBT without a required value). */
  | { action: 'fail'; reason: string }
  /**
   * PBT: stop this trial, then restart it from `donorId`'s checkpoint `donorCheckpoint`
   * with `newConfig`, continuing the donor's iteration count.
   */
  | {
      action: 'exploit';
      reason: string;
      donorId: string;
      donorCheckpoint: string;
      donorIteration: number;
      oldConfig: Record<string, unknown>;
      newConfig: Record<string, unknown>;
    };

/** A decision worth drawing in the views (journaled as `scheduler_decision`). */
export interface SchedulerEvent {
  trialId: string;
  kind: DecisionKind;
  reason: string;
  /** e.g. the rung milestone, the cutoff, the donor. */
  detail?: Record<string, unknown>;
}

/** What the Tuner knows and a scheduler cannot see, given with each result. */
export interface ResultContext {
  /**
   * Some other trial is PENDING (for whatever reason: resources, max_concurrent_trials) or
   * PAUSED. Ray's median stopping rule and PBT then pause ("yield") the reporting trial so
   * the population takes turns.
   */
  trialsWaiting: boolean;
}

/** The context of a result of `reportingId`, from the statuses of every trial (Ray looks at them all). */
export function resultContext(reportingId: string, trials: ReadonlyArray<{ id: string; status: string }>): ResultContext {
  return new LazyResultContext(reportingId, trials);
}

/**
 * Asked by few schedulers, for few results: a scan of every trial per result would not be free
 * at 1,000 trials. A class, not an object literal with a getter, which V8 builds slowly.
 */
class LazyResultContext implements ResultContext {
  constructor(
    private readonly reportingId: string,
    private readonly trials: ReadonlyArray<{ id: string; status: string }>,
  ) {}

  get trialsWaiting(): boolean {
    return this.trials.some((t) => t.id !== this.reportingId && (t.status === 'PENDING' || t.status === 'PAUSED'));
  }
}

export interface TrialScheduler {
  readonly name: string;
  /**
   * Once for a new trial, before it is journaled or started: its config with what the
   * scheduler adds (PBT: mutated keys the trial lacks, sampled) and the added leaves, or
   * undefined when nothing is added.
   */
  completeConfig?(trial: SchedulerTrial): { config: Record<string, unknown>; added: Array<{ path: string; value: unknown }> } | undefined;
  onTrialAdd(trial: SchedulerTrial): void;
  /** Called for every rank-0 result, in order, with Ray's auto-filled keys present. */
  onTrialResult(trial: SchedulerTrial, result: Record<string, unknown>, context?: ResultContext): SchedulerDecision;
  /** The trial ended on its own (TERMINATED) or by error; it leaves the scheduler's bookkeeping. */
  onTrialComplete(trial: SchedulerTrial, result: Record<string, unknown> | undefined): void;
  onTrialError(trial: SchedulerTrial): void;
  /**
   * Asked whenever resources free up: which PAUSED trial to resume now, if any
   * (ASHA with promotion). `noMorePending` is true when no new trial remains to start,
   * so paused trials that will never be promoted must be given `stop` now.
   */
  choosePaused?(
    paused: SchedulerTrial[],
    noMorePending: boolean,
  ): { resume?: { id: string; reason: string }; stop?: Array<{ id: string; reason: string }> };
  /** Decisions made since the last call, for the journal and the views. */
  drainEvents(): SchedulerEvent[];
  /** JSON-serialisable state, saved with the experiment and restored on resume. */
  saveState(): unknown;
  restoreState(state: unknown): void;
}
