/** What a Tuner is given (its options, a replayed experiment) and what it tells (its events, its outcome). */
import type { DriverToTuner } from '../../protocol/driver';
import type { ExperimentSpec } from '../../protocol/spec';
import type { TrialLedger } from '../resources/machine_ledger';
import type { SchedulerEvent } from '../schedulers/trial_scheduler';
import type { Clock } from './clock';
import type { LauncherFactory } from './trial_launcher';
import type { RestoreContext } from './trial_lifecycle';
import type { TrialRecord } from './trial_record';

export interface Capacity {
  CPU: number;
  gpus: number[];
  simulated: boolean;
}

/** An experiment rebuilt from disk (see experiment_replay.ts), to continue where it stopped. */
export interface ResumeState {
  experimentId: string;
  trials: TrialRecord[];
  searchState?: { searcher: { name: string; state: unknown }; scheduler: { name: string; state: unknown } };
  superseded: Array<{ trialId: string; fromIteration: number; toIteration: number }>;
}

export interface TunerOptions {
  spec: ExperimentSpec;
  resume?: ResumeState;
  capacity: Capacity;
  /** Described in experiment.json. */
  machine: unknown;
  env?: NodeJS.ProcessEnv;
  stopGraceS?: number;
  /** A seat on a ledger shared with other experiments; by default the machine is this experiment's alone. */
  ledger?: TrialLedger;
  /** Where trials run (a Slurm backend); the local driver pool by default. */
  launcher?: LauncherFactory;
  /** The system clock by default. */
  clock?: Clock;
}

/** What a Tuner tells its shells (the CLI's session, the daemon's hosted run); the names are theirs to listen to. */
export interface TunerEvents {
  /** A trial's status, waiting reason or job changed. */
  trial: [trial: TrialRecord];
  /** A result row is on its way to disk. */
  result: [trial: TrialRecord, row: Record<string, unknown>];
  /** Worker output lines. */
  log: [trial: TrialRecord, lines: Extract<DriverToTuner, { type: 'log' }>['lines']];
  /** A report the Tuner or the driver refused. */
  rejected: [trial: TrialRecord, what: string];
  /** A trial restarted after a failure (its workers, or the whole trial). */
  restore: [trial: TrialRecord, context: RestoreContext];
  /** The scheduler stopped, paused, promoted or cloned a trial. */
  decision: [event: SchedulerEvent];
  /** Something went wrong that did not end the experiment (a journal write, a flush). */
  warning: [message: string];
}

export interface ExperimentOutcome {
  status: 'finished' | 'stopped' | 'failed';
  reason: string;
  experimentPath: string;
  trials: TrialRecord[];
}
