import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverToTuner } from '../../protocol/driver';
import type { ExperimentSpec } from '../../protocol/spec';
import type { TrialStatus } from '../../protocol/trial';
import { MachineLedger, type TrialLedger } from '../resources/machine_ledger';
import { createScheduler } from '../schedulers/create_scheduler';
import type { SchedulerEvent, SchedulerTrial, TrialScheduler } from '../schedulers/trial_scheduler';
import { createSearcher } from '../search/create_searcher';
import type { Searcher } from '../search/searcher';
import { writeFileAtomic } from '../storage/atomic_write';
import { Journal, type UnstampedJournalEvent } from '../storage/journal';
import type { TrialResults } from '../storage/trial_results';
import { BackgroundWork, SerialQueues } from './background_work';
import { CheckpointKeeper } from './checkpoint_keeper';
import { systemClock, type Clock } from './clock';
import { DriverPool } from './driver_pool';
import { ResultHandling } from './result_handling';
import { SearchStateSaver } from './search_state_saver';
import { TrialAdmission } from './trial_admission';
import { applyNewConfig, createTrial } from './trial_factory';
import type { DriverHandle, LauncherFactory, TrialLauncher } from './trial_launcher';
import * as lifecycle from './trial_lifecycle';
import type { TrialRecord } from './trial_record';
import { TrialRecovery } from './trial_recovery';
import { TrialStart } from './trial_start';
import { isFinished } from './trial_status';
import type { TunerCore } from './tuner_core';
import type { ExperimentOutcome, ResumeState, TunerEvents, TunerOptions } from './tuner_contract';

export type { Capacity, ExperimentOutcome, ResumeState, TunerEvents, TunerOptions } from './tuner_contract';

/**
 * The Tuner's loop: asks the searcher for trials, schedules them, routes each trial's driver
 * events (in order) to its parts, and decides when the experiment ends. Its parts each own a
 * concern: admission (trial_admission.ts), starting a trial (trial_start.ts), results and the
 * scheduler's decisions (result_handling.ts), what follows a group's end (trial_recovery.ts).
 * Every status change goes through the lifecycle (trial_lifecycle.ts).
 */
export class Tuner extends EventEmitter<TunerEvents> implements TunerCore {
  readonly trials: TrialRecord[] = [];
  readonly experimentPath: string;
  readonly experimentId: string;
  readonly startedAt: number;
  readonly ledger: TrialLedger;
  readonly searcher: Searcher;
  readonly scheduler: TrialScheduler;
  // Shared with the Tuner's parts through TunerCore (tuner_core.ts).
  readonly spec: ExperimentSpec;
  readonly pool: TrialLauncher;
  readonly checkpoints: CheckpointKeeper;
  readonly results = new Map<string, TrialResults>();
  readonly driverOf = new Map<string, DriverHandle>();
  readonly launching = new Set<string>();
  readonly trialOf = new Map<DriverHandle, TrialRecord>();
  readonly socketDir: string;
  readonly clock: Clock;
  readonly background: BackgroundWork;
  readonly searchState: SearchStateSaver;
  failure: string | undefined;
  private searchFinished = false;
  private stoppingReason: string | undefined;
  private readonly journal: Journal;
  private cancelBudget: (() => void) | undefined;
  private finished: ((outcome: ExperimentOutcome) => void) | undefined;
  private scheduling = false;
  private rescheduleWanted = false;
  /** Each trial's driver events, handled one after another (a result is on disk before its group's end is judged). */
  private readonly trialEvents: SerialQueues;
  private readonly admission: TrialAdmission;
  private readonly resultHandling: ResultHandling;
  private readonly recovery: TrialRecovery;
  private readonly starting: TrialStart;

  constructor(readonly options: TunerOptions) {
    super();
    this.background = new BackgroundWork((m) => this.emit('warning', m), () => this.maybeFinish());
    this.trialEvents = new SerialQueues(this.background);
    this.spec = options.spec;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now() / 1000;
    this.experimentId = options.resume?.experimentId ?? randomBytes(3).toString('hex').slice(0, 5);
    this.ledger = options.ledger ?? new MachineLedger({ CPU: options.capacity.CPU, gpus: options.capacity.gpus }).seat();
    // Only trials that already waited can use what was freed (and only a started run has them).
    this.ledger.onFreedElsewhere(() => {
      if (this.trials.some((t) => t.waitingReason && (t.status === 'PENDING' || t.status === 'RUNNING'))) this.kick();
    });
    this.searcher = createSearcher(this.spec);
    this.scheduler = createScheduler(this.spec.tune_config, this.spec.tune_config.seed);
    if (options.resume) this.restore(options.resume);
    this.experimentPath = join(this.spec.run_config.storage_path, this.spec.run_config.name);
    this.searchState = new SearchStateSaver(this.experimentPath, this.searcher, this.scheduler, () => this.trials.length, (m) => this.emit('warning', m));
    mkdirSync(this.experimentPath, { recursive: true });
    this.journal = new Journal(join(this.experimentPath, 'events.jsonl'));
    this.checkpoints = new CheckpointKeeper(this.spec.run_config.checkpoint_config, (e) => this.record(e), (m) => this.emit('warning', m));
    this.admission = new TrialAdmission(this);
    this.resultHandling = new ResultHandling(this);
    this.recovery = new TrialRecovery(this);
    this.starting = new TrialStart(this, options.env ?? process.env);
    this.socketDir = mkdtempSync(join(tmpdir(), 'tunekit-'));
    const makeLauncher: LauncherFactory = options.launcher ?? ((hooks) => new DriverPool(hooks.onMessage, hooks.onExit));
    this.pool = makeLauncher({
      onMessage: (driver, msg) => this.onDriverMessage(driver, msg),
      onExit: (driver, code, signal) => this.onDriverExit(driver, code, signal),
      record: (event) => this.journal.append(event).then(() => undefined),
      warn: (message) => this.emit('warning', message),
    });
  }

  /** Continues a replayed experiment: its trials, and the searcher's and scheduler's state. */
  private restore(resume: ResumeState): void {
    this.trials.push(...resume.trials);
    const saved = resume.searchState;
    if (saved) {
      for (const [part, live] of [['searcher', this.searcher], ['scheduler', this.scheduler]] as const) {
        const entry = saved[part];
        if (entry.name !== live.name) {
          throw new Error(`the experiment was run with the ${entry.name} ${part}, but the spec now asks for ${live.name}; resume with the original spec`);
        }
        live.restoreState(entry.state);
      }
    } else {
      // Nothing saved yet (killed in the first moments): bring the searcher level with the
      // trials on disk (a random/grid searcher regenerates the same configs) and re-add them.
      for (const t of this.trials) {
        this.searcher.suggest(t.index);
        this.scheduler.onTrialAdd(this.schedulerView(t));
      }
      this.resumeNote = 'no searcher/scheduler state was saved before the interruption; their bookkeeping restarts from the trials on disk';
    }
  }

  /** Why the experiment is stopping, once it is. */
  get stopping(): string | undefined {
    return this.stoppingReason;
  }

  /** The searcher has no more trials to suggest. */
  get searchDone(): boolean {
    return this.searchFinished;
  }

  /** Said once at start when a resume had to rebuild something; the CLI shows it. */
  resumeNote: string | undefined;

  /** Runs the experiment to its end (all trials finished, a budget, a stop, or fail_fast). */
  async run(): Promise<ExperimentOutcome> {
    const done = new Promise<ExperimentOutcome>((resolve) => (this.finished = resolve));
    if (this.options.resume) {
      this.record({ type: 'experiment_started', experiment_id: this.experimentId, name: this.spec.run_config.name, resumed: true });
      for (const s of this.options.resume.superseded) {
        this.record({ type: 'results_superseded', trial_id: s.trialId, from_iteration: s.fromIteration, to_iteration: s.toIteration, checkpoint_dir_name: '' });
      }
      return this.start(done);
    }
    await writeFileAtomic(
      join(this.experimentPath, 'experiment.json'),
      JSON.stringify(
        {
          experiment_id: this.experimentId,
          name: this.spec.run_config.name,
          spec: this.spec,
          seed: this.spec.tune_config.seed,
          command: this.starting.command,
          machine: this.options.machine,
          capacity: this.options.capacity,
          searcher: this.searcher.name,
          scheduler: this.scheduler.name,
          started_at: this.startedAt,
          tunekit_version: process.env.TUNEKIT_VERSION ?? '0.1.0',
        },
        null,
        2,
      ) + '\n',
    );
    this.record({ type: 'experiment_started', ts: this.startedAt, experiment_id: this.experimentId, name: this.spec.run_config.name });
    return this.start(done);
  }

  private start(done: Promise<ExperimentOutcome>): Promise<ExperimentOutcome> {
    // Non-adaptive searchers know every trial up front: show them all as PENDING.
    if (this.searcher.total !== undefined && this.searcher.name !== 'tpe') while (this.createNextTrial());
    this.searchState.markDirty();
    const budget = this.spec.tune_config.time_budget_s;
    if (budget) {
      this.cancelBudget = this.clock.after(budget * 1000, () => this.stop(`time budget of ${budget} s reached`), true);
    }
    this.searchState.start();
    this.background.report('could not start scheduling', this.reattachThenSchedule());
    return done;
  }

  /** A resume first adopts the earlier run's trials that still run (cluster jobs), then schedules the rest. */
  private async reattachThenSchedule(): Promise<void> {
    if (this.options.resume && this.pool.reattach) {
      const unfinished = this.trials.filter((t) => t.status === 'PENDING' || t.status === 'PAUSED');
      try {
        const adopted = await this.pool.reattach(
          unfinished.map((t) => ({ id: t.id, dir: t.dir, iteration: t.iteration })),
          join(this.experimentPath, 'events.jsonl'),
        );
        for (const [trialId, driver] of adopted) this.starting.adopt(unfinished.find((t) => t.id === trialId)!, driver);
      } catch (err) {
        this.emit('warning', `could not re-attach to the earlier run's jobs: ${(err as Error).message}`);
      }
    }
    await this.schedule();
  }

  /**
   * Stops every running trial and starts no new one; pending trials stay pending (resumable), and
   * so do trials that only held a trainable while they waited for workers: they never ran.
   */
  stop(reason: string): void {
    if (this.stopping) return;
    this.stoppingReason = reason;
    for (const trial of this.trials) {
      if (trial.status !== 'RUNNING') continue;
      const driver = this.driverOf.get(trial.id);
      if (driver) this.requestGroupEnd(trial, driver, 'stop', reason);
      else if (this.admission.holdsOnlyTrainable(trial)) this.unadmit(trial);
      else this.endTrial(trial, 'TERMINATED', reason);
    }
    this.maybeFinish();
  }

  /**
   * Ends one trial as TERMINATED (a user's stop); the others go on. A trial already ending for a
   * pause or requeue finishes that first and can then be stopped again. False when nothing to stop.
   */
  stopTrial(trialId: string, reason: string): boolean {
    const trial = this.trials.find((t) => t.id === trialId);
    if (!trial || isFinished(trial.status)) return false;
    const driver = this.driverOf.get(trial.id);
    if (driver) this.requestGroupEnd(trial, driver, 'stop', reason);
    else this.endTrial(trial, 'TERMINATED', reason);
    return true;
  }

  counts(): Record<TrialStatus, number> {
    const counts: Record<TrialStatus, number> = { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 0, ERROR: 0 };
    for (const t of this.trials) counts[t.status]++;
    return counts;
  }

  /** Journal writes are awaited by nobody; a failure (a full disk) is surfaced, never thrown. */
  record(event: UnstampedJournalEvent): void {
    this.background.report('journal write failed', this.journal.append(event));
  }

  /** Schedules again (a slot freed, a backed-off retry is due); a failure is warned, never lost. */
  kick(): void {
    this.background.report('scheduling failed', this.schedule());
  }

  createNextTrial(): TrialRecord | undefined {
    if (this.searchDone) return undefined;
    const index = this.trials.length;
    const suggestion = this.searcher.suggest(index);
    if (suggestion === undefined) this.searchFinished = true;
    if (!suggestion) return undefined;
    const trial = createTrial(this.spec, this.experimentPath, this.experimentId, index, suggestion);
    const completed = this.scheduler.completeConfig?.(this.schedulerView(trial));
    if (completed) {
      applyNewConfig(this.spec, trial, completed.config);
      trial.sampled.push(...completed.added);
    }
    this.trials.push(trial);
    this.scheduler.onTrialAdd(this.schedulerView(trial));
    this.searchState.markDirty();
    this.record({ type: 'trial_created', trial_id: trial.id, trial_name: trial.name, trial_dir_name: trial.name, index, config: trial.config });
    this.emit('trial', trial);
    return trial;
  }

  schedulerView(trial: TrialRecord): SchedulerTrial {
    const latest = trial.checkpoints[trial.checkpoints.length - 1];
    return { id: trial.id, index: trial.index, config: trial.config, latestCheckpoint: latest?.name };
  }

  /** Admits what fits, resumed trials first, then in trial order; the rest wait with the ledger's reason. */
  private async schedule(): Promise<void> {
    if (this.scheduling) {
      this.rescheduleWanted = true;
      return;
    }
    this.scheduling = true;
    try {
      do {
        this.rescheduleWanted = false;
        if (!this.stopping) await this.admission.admitWhatFits();
      } while (this.rescheduleWanted);
    } finally {
      this.scheduling = false;
    }
    this.maybeFinish();
  }

  /** A trial that never got its workers gives its trainable back and is pending again. */
  unadmit(trial: TrialRecord): void {
    lifecycle.unadmit(trial);
    this.ledger.release(trial.id);
    this.emit('trial', trial);
  }

  setWaiting(trial: TrialRecord, reason: string): void {
    this.admission.setWaiting(trial, reason);
  }

  launch(trial: TrialRecord): Promise<void> {
    return this.starting.launch(trial);
  }

  private onDriverMessage(driver: DriverHandle, msg: DriverToTuner): void {
    const trial = this.trialOf.get(driver);
    if (!trial || !('trialId' in msg) || msg.trialId !== trial.id) return;
    if (msg.type === 'log') return void this.emit('log', trial, msg.lines);
    if (msg.type === 'rejected') return void this.emit('rejected', trial, msg.what);
    this.trialEvents.push(trial.id, `${trial.name}: its driver's ${msg.type} failed`, () => {
      // An event queued behind the group's end belongs to a driver the trial no longer has.
      if (this.trialOf.get(driver) !== trial) return;
      switch (msg.type) {
        case 'started':
          this.record({ type: 'trial_started', trial_id: trial.id, grant: trial.grant!, pids: msg.pids, pid_start_times: msg.startTimes, master_port: msg.masterPort });
          this.emit('trial', trial);
          return;
        case 'result':
          return this.resultHandling.onResult(trial, driver, msg);
        case 'note':
          return this.record({ type: 'trial_note', trial_id: trial.id, note: msg.note });
        case 'job':
          return this.recovery.onJobSeen(trial, msg.job);
        case 'ended':
          return this.recovery.onEnded(trial, driver, msg.exit);
      }
    });
  }

  journalSchedulerEvents(): void {
    for (const event of this.scheduler.drainEvents()) {
      this.record({ type: 'scheduler_decision', trial_id: event.trialId, kind: event.kind, reason: event.reason, detail: event.detail ?? {} });
      this.emit('decision', event);
    }
  }

  requestGroupEnd(trial: TrialRecord, driver: DriverHandle, kind: 'stop' | 'pause' | 'requeue', reason: string, ready?: Promise<void>): void {
    lifecycle.requestEnd(trial, kind, reason, ready);
    driver.send({ type: 'stop', trialId: trial.id, reason });
  }

  /** Queued behind the trial's other events: a round still being persisted is on disk before the restart is decided. */
  private onDriverExit(driver: DriverHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const trial = this.trialOf.get(driver);
    if (!trial) return;
    this.trialEvents.push(trial.id, `${trial.name}: handling its driver's exit failed`, () => {
      if (this.trialOf.get(driver) === trial) this.recovery.onDriverDeath(trial, driver, code, signal);
    });
  }

  closeResults(trial: TrialRecord): Promise<void> {
    const results = this.results.get(trial.id);
    this.results.delete(trial.id);
    if (!results) return Promise.resolve();
    return results.close().catch((err: Error) => {
      this.emit('warning', `results of ${trial.name} could not be flushed: ${err.message}`);
    });
  }

  endTrial(trial: TrialRecord, status: 'TERMINATED' | 'ERROR', reason: string): void {
    if (!lifecycle.finish(trial, status, reason)) return;
    this.ledger.release(trial.id);
    // The slot is free now; the next trial need not wait for this one's files to be closed.
    queueMicrotask(() => this.kick());
    // An extended trial was already complete once; the searcher and scheduler have seen its end.
    if (trial.extendTo === undefined) {
      const view = this.schedulerView(trial);
      if (status === 'ERROR') this.scheduler.onTrialError(view);
      else this.scheduler.onTrialComplete(view, trial.lastResult);
      this.searcher.onTrialComplete(trial.index, trial.lastResult, status === 'ERROR');
    }
    const recorded = this.closeResults(trial).then(async () => {
        if (status === 'ERROR') {
          const tail = trial.exit?.logTail?.length ? `\n\nLast output of the failing worker:\n${trial.exit.logTail.join('\n')}\n` : '\n';
          mkdirSync(trial.dir, { recursive: true });
          await writeFileAtomic(join(trial.dir, 'error.txt'), `${reason}${tail}`);
        }
        this.record({
          type: 'trial_finished',
          trial_id: trial.id,
          status,
          reason,
          exit_code: trial.exit?.exitCode ?? null,
          signal: trial.exit?.signal ?? null,
          failed_rank: trial.exit?.failedRank ?? null,
        });
        await this.searchState.save();
        this.emit('trial', trial);
        if (status === 'ERROR' && this.spec.run_config.failure_config.fail_fast && !this.stopping) {
          this.failure = `fail_fast: ${trial.name} failed: ${reason}`;
          this.stop(this.failure);
        }
      });
    this.background.run(`could not record the end of ${trial.name}`, recorded, () => this.kick());
  }

  maybeFinish(): void {
    const active = this.trials.some((t) => t.status === 'RUNNING');
    const moreToRun = !this.stopping && (this.trials.some((t) => t.status === 'PENDING' || t.status === 'PAUSED') || !this.searchDone);
    if (active || moreToRun || this.background.busy || this.scheduling || !this.finished) return;
    const finish = this.finished;
    this.finished = undefined;
    this.cancelBudget?.();
    this.searchState.stop();
    this.ledger.close();
    const status: ExperimentOutcome['status'] = this.failure ? 'failed' : this.stopping ? 'stopped' : 'finished';
    const reason = this.failure ?? this.stopping ?? 'all trials finished';
    this.record({ type: 'experiment_finished', status, reason });
    const closed = this.pool
      .shutdown()
      .catch((err: Error) => this.emit('warning', `could not shut the drivers down: ${err.message}`))
      .then(() => rmSync(this.socketDir, { recursive: true, force: true }))
      .then(() => this.journal.close())
      .finally(() => finish({ status, reason, experimentPath: this.experimentPath, trials: this.trials }));
    this.background.report('could not close the experiment', closed);
  }
}
