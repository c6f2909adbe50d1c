/**
 * What the Tuner's parts share: its state and the few moves every part may make. The Tuner
 * implements it; admission (trial_admission.ts), result handling (result_handling.ts), recovery
 * (trial_recovery.ts) and starting trials (trial_start.ts) each get it. Shells use the Tuner's
 * own surface (run, stop, stopTrial, counts, its events), never this.
 */
import type { EventEmitter } from 'node:events';
import type { ExperimentSpec } from '../../protocol/spec';
import type { TrialLedger } from '../resources/machine_ledger';
import type { SchedulerTrial, TrialScheduler } from '../schedulers/trial_scheduler';
import type { Searcher } from '../search/searcher';
import type { UnstampedJournalEvent } from '../storage/journal';
import type { TrialResults } from '../storage/trial_results';
import type { BackgroundWork } from './background_work';
import type { CheckpointKeeper } from './checkpoint_keeper';
import type { Clock } from './clock';
import type { SearchStateSaver } from './search_state_saver';
import type { DriverHandle, TrialLauncher } from './trial_launcher';
import type { EndKind } from './trial_lifecycle';
import type { TrialRecord } from './trial_record';
import type { TunerEvents, TunerOptions } from './tuner_contract';

export interface TunerCore {
  readonly options: TunerOptions;
  readonly spec: ExperimentSpec;
  readonly trials: TrialRecord[];
  readonly experimentPath: string;
  readonly ledger: TrialLedger;
  readonly searcher: Searcher;
  readonly scheduler: TrialScheduler;
  readonly clock: Clock;
  readonly pool: TrialLauncher;
  readonly checkpoints: CheckpointKeeper;
  readonly searchState: SearchStateSaver;
  /** Everything started and not awaited; the experiment ends only once it has settled. */
  readonly background: BackgroundWork;
  /** Open result files of the trials that run. */
  readonly results: Map<string, TrialResults>;
  readonly driverOf: Map<string, DriverHandle>;
  readonly trialOf: Map<DriverHandle, TrialRecord>;
  /** Trials between admission and their driver taking them. */
  readonly launching: Set<string>;
  /** Where the trials' report sockets live. */
  readonly socketDir: string;
  /** Why the experiment is stopping, once it is. */
  readonly stopping: string | undefined;
  /** Why it failed (fail_fast, a deadlock, a scheduler's verdict), once it has. */
  failure: string | undefined;
  readonly searchDone: boolean;
  emit: EventEmitter<TunerEvents>['emit'];
  record(event: UnstampedJournalEvent): void;
  /** Schedules again; a failure is warned. */
  kick(): void;
  stop(reason: string): void;
  createNextTrial(): TrialRecord | undefined;
  schedulerView(trial: TrialRecord): SchedulerTrial;
  journalSchedulerEvents(): void;
  setWaiting(trial: TrialRecord, reason: string): void;
  launch(trial: TrialRecord): Promise<void>;
  requestGroupEnd(trial: TrialRecord, driver: DriverHandle, kind: EndKind, reason: string, ready?: Promise<void>): void;
  unadmit(trial: TrialRecord): void;
  closeResults(trial: TrialRecord): Promise<void>;
  endTrial(trial: TrialRecord, status: 'TERMINATED' | 'ERROR', reason: string): void;
  maybeFinish(): void;
}
