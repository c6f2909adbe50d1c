/**
 * What an experiment directory records, as the views read it back: the `experiment.json`
 * header and the events of `events.jsonl`. Each journal line is one JournalEvent.
 * Readers must skip event types they do not know, so new ones can be added without
 * breaking older views.
 */
import type { ExperimentSpec } from './spec';
import type { DecisionKind, TrialGrant } from './trial';

/** `experiment.json`: written once when the experiment starts, before any event. */
export interface ExperimentRecord {
  /** Five lowercase hex digits; appears in every trial directory name. */
  experiment_id: string;
  name: string;
  spec: ExperimentSpec;
  seed: number;
  /** The detected (or overridden) machine, as the hardware probe describes it. */
  machine: Record<string, unknown>;
  /** Epoch seconds. */
  started_at: number;
  tunekit_version: string;
}

export type FinishedTrialStatus = 'TERMINATED' | 'ERROR';

/** stopped: by the user, a signal or the time budget before every trial ran; failed: fail_fast or a runtime fault. */
export type ExperimentStatus = 'finished' | 'stopped' | 'failed';

interface EventBase {
  /** Epoch seconds, fractional. */
  ts: number;
}

export interface ExperimentStartedEvent extends EventBase {
  type: 'experiment_started';
  experiment_id: string;
  name: string;
  /** True when an interrupted experiment is picked up again in the same directory. */
  resumed?: boolean;
}

export interface TrialCreatedEvent extends EventBase {
  type: 'trial_created';
  trial_id: string;
  trial_name: string;
  /** Directory name inside the experiment directory. */
  trial_dir_name: string;
  index: number;
  config: Record<string, unknown>;
}

export interface TrialWaitingEvent extends EventBase {
  type: 'trial_waiting';
  trial_id: string;
  /** Human-readable, e.g. "needs 2 GPU, 1 free". */
  reason: string;
}

export interface TrialStartedEvent extends EventBase {
  type: 'trial_started';
  trial_id: string;
  grant: TrialGrant;
  /** Worker processes in rank order. */
  pids: number[];
  /** Their start times (/proc clock ticks), so a resume never mistakes a reused PID for ours. */
  pid_start_times?: Array<number | null>;
  master_port?: number;
}

export interface TrialPausedEvent extends EventBase {
  type: 'trial_paused';
  trial_id: string;
  reason: string;
}

/** After a failure: Ray Train restarts the trial's worker group ('trainer'), Ray Tune the whole trial ('tuner'). */
export type RestoreLevel = 'trainer' | 'tuner';

export interface TrialRestoredEvent extends EventBase {
  type: 'trial_restored';
  trial_id: string;
  /** Checkpoint directory name the trial resumes from; absent when it restarts from scratch. */
  from_checkpoint?: string;
  after_failure: boolean;
  /** Failures of this trial so far. */
  failures: number;
  /** Which restart a failure caused; absent when not after a failure, and in journals older than the field (read it from `reason`). */
  level?: RestoreLevel;
  /** Why: a promotion, a PBT exploit, a failure. */
  reason?: string;
  /** Where the checkpoint came from when it is another trial's (`<trial dir>/<checkpoint>`, PBT). */
  source?: string;
}

/** A scheduler's decision worth drawing: an early stop, a pause or pass at a rung, a promotion. */
export interface SchedulerDecisionEvent extends EventBase {
  type: 'scheduler_decision';
  trial_id: string;
  kind: DecisionKind;
  reason: string;
  detail: Record<string, unknown>;
}

/** PBT: `trial_id` cloned `donor_id`'s checkpoint and a mutated config. */
export interface PbtExploitEvent extends EventBase {
  type: 'pbt_exploit';
  trial_id: string;
  donor_id: string;
  donor_checkpoint: string;
  /** The copy's name inside the exploiting trial's directory. */
  cloned_as: string;
  iteration: number;
  donor_iteration: number;
  old_config: Record<string, unknown>;
  new_config: Record<string, unknown>;
}

/** Results from `from_iteration` to `to_iteration` are superseded by a restore from `checkpoint_dir_name`. */
export interface ResultsSupersededEvent extends EventBase {
  type: 'results_superseded';
  trial_id: string;
  from_iteration: number;
  to_iteration: number;
  checkpoint_dir_name: string;
}

export interface CheckpointCommittedEvent extends EventBase {
  type: 'checkpoint_committed';
  trial_id: string;
  checkpoint_dir_name: string;
  iteration: number;
}

/**
 * A report's checkpoint could not be committed (its source was refused: a symlink out of it,
 * not a directory, gone; or the copy failed), so that report was not recorded either.
 */
export interface CheckpointRefusedEvent extends EventBase {
  type: 'checkpoint_refused';
  trial_id: string;
  /** training_iteration the refused report would have had. */
  iteration: number;
  reason: string;
}

/** One line about how a trial ran that is neither a failure nor a decision (e.g. its workers started cold). */
export interface TrialNoteEvent extends EventBase {
  type: 'trial_note';
  trial_id: string;
  note: string;
}

export interface CheckpointDeletedEvent extends EventBase {
  type: 'checkpoint_deleted';
  trial_id: string;
  checkpoint_dir_name: string;
}

export interface TrialFinishedEvent extends EventBase {
  type: 'trial_finished';
  trial_id: string;
  status: FinishedTrialStatus;
  reason: string;
  /** Absent or null when the trial ended without a process exiting (e.g. it never started). */
  exit_code?: number | null;
  signal?: string | null;
  /** The rank whose failure ended the trial. */
  failed_rank?: number | null;
}

/**
 * A trial's Slurm job. Written twice: before sbatch with the deterministic name alone (so a
 * Tuner killed mid-submit finds the job by name), then with the id sbatch answered.
 */
export interface TrialSubmittedEvent extends EventBase {
  type: 'trial_submitted';
  trial_id: string;
  job_name: string;
  job_id: string | null;
  /** The job's private folder (its batch script and the driver's message files). */
  channel_dir: string;
  /** training_iteration when the job was submitted; results it reports continue from there. */
  iteration: number;
}

export interface ExperimentFinishedEvent extends EventBase {
  type: 'experiment_finished';
  status: ExperimentStatus;
  reason?: string;
}

export type JournalEvent =
  | ExperimentStartedEvent
  | TrialCreatedEvent
  | TrialWaitingEvent
  | TrialStartedEvent
  | TrialPausedEvent
  | TrialRestoredEvent
  | CheckpointCommittedEvent
  | CheckpointRefusedEvent
  | CheckpointDeletedEvent
  | TrialNoteEvent
  | TrialFinishedEvent
  | SchedulerDecisionEvent
  | PbtExploitEvent
  | ResultsSupersededEvent
  | TrialSubmittedEvent
  | ExperimentFinishedEvent;

export type JournalEventType = JournalEvent['type'];

/** Every type this version writes; a reader skips lines whose type is not listed. */
export const JOURNAL_EVENT_TYPES: readonly JournalEventType[] = [
  'experiment_started',
  'trial_created',
  'trial_waiting',
  'trial_started',
  'trial_paused',
  'trial_restored',
  'checkpoint_committed',
  'checkpoint_refused',
  'checkpoint_deleted',
  'trial_note',
  'trial_finished',
  'scheduler_decision',
  'pbt_exploit',
  'results_superseded',
  'trial_submitted',
  'experiment_finished',
];
