import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverToTuner, GroupExit, TrialJob } from '../../protocol/driver';
import type { ExperimentSpec } from '../../protocol/spec';
import type { TrialGrant, TrialStatus } from '../../protocol/trial';
import { admissionStep, rayModeStall, type AdmissionStep } from '../resources/admission_plan';
import { MachineLedger, type TrialLedger } from '../resources/machine_ledger';
import { createScheduler } from '../schedulers/create_scheduler';
import { resultContext, type SchedulerDecision, type SchedulerEvent, type SchedulerTrial, type TrialScheduler } from '../schedulers/trial_scheduler';
import { createSearcher } from '../search/create_searcher';
import type { Searcher } from '../search/searcher';
import { writeFileAtomic } from '../storage/atomic_write';
import { Journal, type UnstampedJournalEvent } from '../storage/journal';
import { TrialResults } from '../storage/trial_results';
import { BackgroundWork, SerialQueues } from './background_work';
import { CheckpointKeeper } from './checkpoint_keeper';
import { systemClock, type Clock } from './clock';
import { afterGroupFailure, afterTrialFailure, restartDelayMs } from './restart_policy';
import { SearchStateSaver } from './search_state_saver';
import { DriverPool } from './driver_pool';
import type { DriverHandle, LauncherFactory, TrialLauncher } from './trial_launcher';
import { buildResultRow, stopCriterionMet } from './result_row';
import { applyNewConfig, createTrial } from './trial_factory';
import type { TrialRecord } from './trial_record';
import * as lifecycle from './trial_lifecycle';
import { isFinished } from './trial_status';
import { nodeClientDir, pythonClientDir, resolveWorkerCommand } from './worker_command';

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
  restore: [trial: TrialRecord, context: lifecycle.RestoreContext];
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

/**
 * The Tuner: asks the searcher for trials, admits them through the ledger, runs each on a
 * Trainer driver, persists every result, lets the scheduler stop, pause or clone trials,
 * and decides when the experiment ends. Every status change goes through `transition`.
 */
export class Tuner extends EventEmitter<TunerEvents> {
  readonly trials: TrialRecord[] = [];
  readonly experimentPath: string;
  readonly experimentId: string;
  readonly startedAt: number;
  readonly ledger: TrialLedger;
  readonly searcher: Searcher;
  readonly scheduler: TrialScheduler;
  private readonly spec: ExperimentSpec;
  private readonly env: NodeJS.ProcessEnv;
  private readonly pool: TrialLauncher;
  private readonly journal: Journal;
  private readonly checkpoints: CheckpointKeeper;
  private readonly results = new Map<string, TrialResults>();
  private readonly driverOf = new Map<string, DriverHandle>();
  /** Trials between admission and their driver taking them. */
  private readonly launching = new Set<string>();
  private readonly trialOf = new Map<DriverHandle, TrialRecord>();
  private readonly socketDir: string;
  private readonly command: string[];
  private readonly workerEnvExtra: Record<string, string>;
  private searchDone = false;
  private stopping: string | undefined;
  private failure: string | undefined;
  private cancelBudget: (() => void) | undefined;
  private readonly clock: Clock;
  private finished: ((outcome: ExperimentOutcome) => void) | undefined;
  private scheduling = false;
  private rescheduleWanted = false;
  /** Everything started and not awaited; the experiment ends only once it has settled. */
  private readonly background: BackgroundWork;
  /** Each trial's driver events, handled one after another (a result is on disk before its group's end is judged). */
  private readonly trialEvents: SerialQueues;
  private readonly searchState: SearchStateSaver;

  constructor(private readonly options: TunerOptions) {
    super();
    this.background = new BackgroundWork((m) => this.emit('warning', m), () => this.maybeFinish());
    this.trialEvents = new SerialQueues(this.background);
    this.spec = options.spec;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now() / 1000;
    this.env = options.env ?? process.env;
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
    this.command = resolveWorkerCommand(this.spec.trainer.command, this.spec.trainer.working_dir, this.env);
    this.workerEnvExtra = this.workerPaths();
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

  /** Said once at start when a resume had to rebuild something; the CLI shows it. */
  resumeNote: string | undefined;

  private workerPaths(): Record<string, string> {
    const extra: Record<string, string> = { ...this.spec.trainer.env };
    const py = pythonClientDir();
    extra.PYTHONPATH = [py, this.spec.trainer.env.PYTHONPATH ?? this.env.PYTHONPATH].filter(Boolean).join(':');
    const nodeDir = nodeClientDir();
    if (nodeDir) extra.NODE_PATH = [nodeDir, this.spec.trainer.env.NODE_PATH ?? this.env.NODE_PATH].filter(Boolean).join(':');
    return extra;
  }

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
          command: this.command,
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
        for (const [trialId, driver] of adopted) this.adopt(unfinished.find((t) => t.id === trialId)!, driver);
      } catch (err) {
        this.emit('warning', `could not re-attach to the earlier run's jobs: ${(err as Error).message}`);
      }
    }
    await this.schedule();
  }

  /** A trial whose earlier driver still runs it continues there: no second launch, nothing superseded. */
  private adopt(trial: TrialRecord, driver: DriverHandle): void {
    const admitted = this.ledger.admit(trial.id, trial.request, 'coordinated');
    if (!admitted.ok) return;
    lifecycle.admit(trial, admitted.grant);
    lifecycle.launching(trial, this.clock.now() / 1000);
    this.results.set(trial.id, new TrialResults(trial.dir));
    this.driverOf.set(trial.id, driver);
    this.trialOf.set(driver, trial);
    this.emit('trial', trial);
  }

  /**
   * Stops every running trial and starts no new one; pending trials stay pending (resumable), and
   * so do trials that only held a trainable while they waited for workers: they never ran.
   */
  stop(reason: string): void {
    if (this.stopping) return;
    this.stopping = reason;
    for (const trial of this.trials) {
      if (trial.status !== 'RUNNING') continue;
      const driver = this.driverOf.get(trial.id);
      if (driver) this.requestGroupEnd(trial, driver, 'stop', reason);
      else if (this.holdsOnlyTrainable(trial)) this.unadmit(trial);
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
  private record(event: UnstampedJournalEvent): void {
    this.background.report('journal write failed', this.journal.append(event));
  }

  /** Schedules again (a slot freed, a backed-off retry is due); a failure is warned, never lost. */
  private kick(): void {
    this.background.report('scheduling failed', this.schedule());
  }

  private createNextTrial(): TrialRecord | undefined {
    if (this.searchDone) return undefined;
    const index = this.trials.length;
    const suggestion = this.searcher.suggest(index);
    if (suggestion === undefined) this.searchDone = true;
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

  private schedulerView(trial: TrialRecord): SchedulerTrial {
    const latest = trial.checkpoints[trial.checkpoints.length - 1];
    return { id: trial.id, index: trial.index, config: trial.config, latestCheckpoint: latest?.name };
  }

  private pendingInOrder(): TrialRecord[] {
    const now = this.clock.now();
    return this.trials
      .filter((t) => t.status === 'PENDING' && (t.notBefore === undefined || t.notBefore <= now))
      .sort((a, b) => Number(b.resumeFirst ?? false) - Number(a.resumeFirst ?? false) || a.index - b.index);
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
        if (!this.stopping) await this.admitWhatFits();
      } while (this.rescheduleWanted);
    } finally {
      this.scheduling = false;
    }
    this.maybeFinish();
  }

  /**
   * One admission step (the one `tunekit plan` repeats, see admission_plan.ts) over the trials
   * that hold a trainable and those pending; adaptive searchers get a new trial only when nothing
   * pending is left to try, so it sees the latest results.
   */
  private async admitWhatFits(): Promise<void> {
    this.resolvePaused();
    const cap = this.spec.tune_config.max_concurrent_trials;
    for (;;) {
      const running = this.trials.filter((t) => t.status === 'RUNNING');
      const holding = running.filter((t) => this.holdsOnlyTrainable(t));
      const pending = this.pendingInOrder();
      const step = admissionStep(this.ledger, {
        mode: this.spec.tune_config.admission,
        maxConcurrentTrials: cap,
        executing: running.length - holding.length,
        holding: holding.map((t) => ({ trialId: t.id, request: t.request, grant: t.grant! })),
        pending: pending.map((t) => ({ trialId: t.id, request: t.request })),
      });
      this.applyAdmission(step);
      const left = step.waiting.length + step.capped.length;
      const full = cap > 0 && this.trials.filter((t) => t.status === 'RUNNING').length >= cap;
      if (left < pending.length || left > 0 || full || !this.createNextTrial()) {
        this.detectRayModeDeadlock(step);
        return;
      }
    }
  }

  private applyAdmission(step: AdmissionStep): void {
    const byId = new Map(this.trials.map((t) => [t.id, t]));
    const admit = (trial: TrialRecord, grant: TrialGrant): void => {
      const wasRunning = trial.status === 'RUNNING';
      lifecycle.admit(trial, grant);
      if (!wasRunning) this.emit('trial', trial);
    };
    for (const { trialId, grant } of step.started) {
      const trial = byId.get(trialId)!;
      admit(trial, grant);
      // Not awaited: drivers for a wave of trials start side by side, not one after another.
      this.background.report(`could not start ${trial.name}`, this.launch(trial));
    }
    for (const { trialId, grant, reason } of step.holding) {
      const trial = byId.get(trialId)!;
      if (trial.status === 'PENDING') admit(trial, grant);
      this.setWaiting(trial, `waiting for workers: ${reason}`);
    }
    for (const { trialId, reason } of step.waiting) this.setWaiting(byId.get(trialId)!, reason);
  }

  /** ASHA with promotion: resume a paused trial, or end the ones that will never be promoted. */
  private resolvePaused(): void {
    if (!this.scheduler.choosePaused) return;
    const paused = this.trials.filter((t) => t.status === 'PAUSED');
    if (paused.length === 0) return;
    const noMorePending = this.searchDone && !this.trials.some((t) => t.status === 'PENDING');
    const choice = this.scheduler.choosePaused(paused.map((t) => this.schedulerView(t)), noMorePending);
    const idle = noMorePending && !this.trials.some((t) => t.status === 'RUNNING');
    if (idle && !choice.resume && !(choice.stop ?? []).length) {
      choice.stop = paused.map((t) => ({ id: t.id, reason: `${t.waitingReason ?? 'paused'}; never promoted` }));
    }
    for (const { id, reason } of choice.stop ?? []) {
      const trial = paused.find((t) => t.id === id);
      if (trial) this.endTrial(trial, 'TERMINATED', reason);
    }
    const resume = choice.resume && paused.find((t) => t.id === choice.resume!.id);
    if (resume) {
      lifecycle.resumePaused(resume);
      this.record({ type: 'trial_restored', trial_id: resume.id, from_checkpoint: resume.checkpoints.at(-1)?.name, after_failure: false, failures: 0, reason: choice.resume!.reason });
    }
    this.journalSchedulerEvents();
  }

  private setWaiting(trial: TrialRecord, reason: string): void {
    if (!lifecycle.wait(trial, reason)) return;
    this.record({ type: 'trial_waiting', trial_id: trial.id, reason });
    this.emit('trial', trial);
  }

  /** Ray mode: admitted for its trainable, it waits for its workers and has not started. */
  private holdsOnlyTrainable(trial: TrialRecord): boolean {
    return (
      trial.status === 'RUNNING' &&
      trial.grant !== undefined &&
      trial.grant.workers.length === 0 &&
      trial.request.workers.length > 0 &&
      !this.driverOf.has(trial.id) &&
      !this.launching.has(trial.id)
    );
  }

  /** A trial that never got its workers gives its trainable back and is pending again. */
  private unadmit(trial: TrialRecord): void {
    lifecycle.unadmit(trial);
    this.ledger.release(trial.id);
    this.emit('trial', trial);
  }

  /** In Ray mode, trials that hold every CPU while waiting for workers never progress. */
  private detectRayModeDeadlock(step: AdmissionStep): void {
    if (step.holding.length === 0) return;
    if (this.trials.some((t) => t.status === 'RUNNING' && !this.holdsOnlyTrainable(t))) return;
    // Another experiment's running trials will free what they hold; ours may fit then.
    if (this.ledger.othersWillFree()) return;
    this.failure =
      `deadlock: ${rayModeStall(step.holding)} Trials that did not run stay pending: ` +
      `change the spec and run it again to resume them.`;
    this.stop(this.failure);
  }

  /** Starts the trial's worker group on a driver; failures end the trial, never the Tuner. */
  private launch(trial: TrialRecord): Promise<void> {
    this.launching.add(trial.id);
    return this.launchOnDriver(trial)
      .catch((err: Error) => this.endTrial(trial, 'ERROR', `could not start the trial: ${err.message}`))
      .finally(() => this.launching.delete(trial.id));
  }

  private async launchOnDriver(trial: TrialRecord): Promise<void> {
    mkdirSync(trial.dir, { recursive: true });
    await writeFileAtomic(join(trial.dir, 'params.json'), JSON.stringify(trial.config, null, 2) + '\n');
    // stopTrial may have ended it meanwhile (it had no driver to stop yet).
    if (isFinished(trial.status)) return;
    this.results.set(trial.id, new TrialResults(trial.dir));
    lifecycle.launching(trial, this.clock.now() / 1000);
    let driver: DriverHandle;
    try {
      driver = await this.pool.acquire();
    } catch (err) {
      this.endTrial(trial, 'ERROR', `could not start a Trainer driver: ${(err as Error).message}`);
      return;
    }
    if (this.stopping || isFinished(trial.status)) {
      // stopTrial may have ended it while the driver was being acquired.
      this.pool.release(driver);
      if (isFinished(trial.status)) this.background.run(`closing the results of ${trial.name}`, this.closeResults(trial));
      else this.endTrial(trial, 'TERMINATED', this.stopping!);
      return;
    }
    this.driverOf.set(trial.id, driver);
    this.trialOf.set(driver, trial);
    const latest = trial.checkpoints[trial.checkpoints.length - 1];
    const checkpoint = latest ? join(trial.dir, latest.name) : null;
    const restartsAt = latest?.iteration ?? 0;
    if (restartsAt < trial.iteration) {
      // Results after the checkpoint (all of them, without one: the trial starts from scratch)
      // will be reported again; mark the old ones, never mix them in (issue 12).
      this.record({ type: 'results_superseded', trial_id: trial.id, from_iteration: restartsAt + 1, to_iteration: trial.iteration, checkpoint_dir_name: latest?.name ?? '' });
      const timeAtCheckpoint = latest ? latest.metrics.time_total_s : 0;
      lifecycle.rewind(trial, restartsAt, typeof timeAtCheckpoint === 'number' ? timeAtCheckpoint : undefined);
    }
    driver.send({
      type: 'launch',
      launch: {
        trialId: trial.id,
        trialName: trial.name,
        experimentPath: this.experimentPath,
        trialDir: trial.dir,
        command: this.command,
        cwd: this.spec.trainer.working_dir,
        env: this.workerEnvExtra,
        config: trial.trainLoopConfig,
        grant: trial.grant!,
        checkpoint,
        reportSocket: join(this.socketDir, `${trial.index}.sock`),
        reportToken: randomBytes(32).toString('hex'),
        stopGraceS: this.options.stopGraceS ?? 5,
        startupTimeoutS: this.spec.trainer.failure_config.startup_timeout_s,
        reportTimeoutS: this.spec.trainer.failure_config.report_timeout_s,
        perWorker: trial.request.workers[0] ?? { CPU: 1, GPU: 0 },
        iteration: trial.iteration,
        warmStart: this.spec.trainer.warm_start,
      },
    });
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
          return this.onResult(trial, driver, msg);
        case 'note':
          return this.record({ type: 'trial_note', trial_id: trial.id, note: msg.note });
        case 'job':
          return this.onJobSeen(trial, msg.job);
        case 'ended':
          return this.onEnded(trial, driver, msg.exit);
      }
    });
  }

  private async onResult(trial: TrialRecord, driver: DriverHandle, msg: DriverToTuner & { type: 'result' }): Promise<void> {
    const ack = (checkpointDirName: string | null, stop: boolean, error?: string) =>
      driver.send({ type: 'result_ack', trialId: trial.id, id: msg.id, checkpointDirName, stop, error });
    if (trial.status !== 'RUNNING' || trial.pendingOutcome) return ack(null, true, 'the trial is stopping');
    try {
      const checkpointName = msg.checkpoints.length
        ? await this.checkpoints.commit(trial, msg.checkpoints).catch((err: Error) => this.checkpointRefused(trial, err))
        : null;
      if (msg.metrics === null) {
        // Rank 0 already exited: no result, but a checkpoint the others passed still counts.
        if (checkpointName) this.checkpoints.recorded(trial, checkpointName, trial.lastResult ?? {});
        return ack(checkpointName, false);
      }
      const now = this.clock.now() / 1000;
      const row = buildResultRow(trial, msg.metrics, now, driver.pid);
      row.checkpoint_dir_name = checkpointName;
      const stopReason =
        trial.extendTo !== undefined
          ? (row.training_iteration as number) >= trial.extendTo
            ? `extended to training_iteration ${trial.extendTo}`
            : undefined
          : stopCriterionMet(row, this.spec.run_config.stop);
      if (stopReason) row.done = true;
      const results = this.results.get(trial.id)!;
      results.append(row);
      // A resume restarts from the latest checkpoint, so every row up to it must be on disk
      // before the checkpoint is acknowledged; rows after it are re-reported anyway.
      if (checkpointName) await results.flush();
      lifecycle.resultRecorded(trial, row, now);
      if (checkpointName) this.checkpoints.recorded(trial, checkpointName, row);
      this.emit('result', trial, row);
      this.searcher.onTrialResult(trial.index, row);
      this.searchState.markDirty();
      const decision: SchedulerDecision = stopReason
        ? { action: 'stop', reason: stopReason }
        : trial.extendTo !== undefined
          ? { action: 'continue' }
          : this.scheduler.onTrialResult(this.schedulerView(trial), row, resultContext(trial.id, this.trials));
      this.journalSchedulerEvents();
      ack(checkpointName, decision.action !== 'continue');
      if (decision.action !== 'continue') this.act(trial, driver, decision);
    } catch (err) {
      ack(null, false, (err as Error).message);
    }
  }

  /** The worker hears of a refused checkpoint in its ack; the journal and the views must too. */
  private checkpointRefused(trial: TrialRecord, err: Error): never {
    this.record({ type: 'checkpoint_refused', trial_id: trial.id, iteration: trial.iteration + 1, reason: err.message });
    this.emit('rejected', trial, `checkpoint refused, so the report was not recorded: ${err.message}`);
    throw err;
  }

  private act(trial: TrialRecord, driver: DriverHandle, decision: Exclude<SchedulerDecision, { action: 'continue' }>): void {
    if (decision.action === 'stop') return this.requestGroupEnd(trial, driver, 'stop', decision.reason);
    if (decision.action === 'pause') return this.requestGroupEnd(trial, driver, 'pause', decision.reason);
    if (decision.action === 'fail') {
      this.failure ??= decision.reason;
      return this.stop(this.failure);
    }
    const donor = this.trials.find((t) => t.id === decision.donorId);
    if (!donor) return;
    const exploited = this.exploit(trial, donor, decision);
    // Counted and warned here, whether or not the group's end still waits for it.
    this.background.run(`${trial.name}: ${decision.reason} failed`, exploited);
    this.requestGroupEnd(trial, driver, 'requeue', decision.reason, exploited.catch(() => undefined));
  }

  /**
   * PBT: the donor's checkpoint is copied in as this trial's newest checkpoint (so the
   * donor's retention cannot pull it away), and the trial continues from the donor's iteration.
   */
  private async exploit(trial: TrialRecord, donor: TrialRecord, decision: SchedulerDecision & { action: 'exploit' }): Promise<void> {
    const name = await this.checkpoints.commit(trial, join(donor.dir, decision.donorCheckpoint));
    // Stopped while the checkpoint was copied: a finished trial never changes.
    if (isFinished(trial.status)) return;
    const oldIteration = trial.iteration;
    lifecycle.exploited(trial, decision.donorIteration);
    applyNewConfig(this.spec, trial, decision.newConfig);
    this.checkpoints.recorded(trial, name, donor.lastResult ?? {});
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
    this.record({ type: 'pbt_exploit', ...entry });
    this.checkpoints.appendPolicyLog(this.experimentPath, entry);
    this.record({ type: 'trial_restored', trial_id: trial.id, from_checkpoint: name, source: `${donor.name}/${decision.donorCheckpoint}`, after_failure: false, failures: 0, reason: decision.reason });
  }

  private journalSchedulerEvents(): void {
    for (const event of this.scheduler.drainEvents()) {
      this.record({ type: 'scheduler_decision', trial_id: event.trialId, kind: event.kind, reason: event.reason, detail: event.detail ?? {} });
      this.emit('decision', event);
    }
  }

  private requestGroupEnd(trial: TrialRecord, driver: DriverHandle, kind: 'stop' | 'pause' | 'requeue', reason: string, ready?: Promise<void>): void {
    lifecycle.requestEnd(trial, kind, reason, ready);
    driver.send({ type: 'stop', trialId: trial.id, reason });
  }

  private onEnded(trial: TrialRecord, driver: DriverHandle, exit: GroupExit): void {
    this.driverOf.delete(trial.id);
    this.trialOf.delete(driver);
    this.pool.release(driver);
    const outcome = lifecycle.ended(trial, exit);
    if (exit.neverStarted && this.stopping) {
      // A queued cluster job cancelled before it ran: the trial never ran, so it stays runnable.
      this.background.run(`closing the results of ${trial.name}`, this.closeResults(trial));
      this.unadmit(trial);
      return this.maybeFinish();
    }
    if (!outcome) {
      if (exit.preempted) return this.stopping ? this.endTrial(trial, 'TERMINATED', this.stopping) : this.requeuePreempted(trial, exit);
      if (exit.status !== 'ERROR') return this.endTrial(trial, 'TERMINATED', exit.reason);
      if (this.stopping) return this.endTrial(trial, 'ERROR', exit.reason);
      if (afterGroupFailure(this.spec, trial) === 'restart-workers') return this.restartWorkers(trial, exit);
      return this.failTrial(trial, exit);
    }
    if (outcome.kind === 'stop' || this.stopping) return this.endTrial(trial, 'TERMINATED', this.stopping ?? outcome.reason);
    // A failed exploit (warned where it started) still requeues the trial, from its own checkpoint.
    this.background.run(`${trial.name}: ${outcome.reason} failed`, outcome.ready ?? Promise.resolve(), () => this.requeue(trial, outcome));
  }

  /** A cluster job's queue state: a job waiting in the cluster's queue shows the cluster's reason. */
  private onJobSeen(trial: TrialRecord, job: TrialJob): void {
    lifecycle.jobSeen(trial, job);
    if (trial.status !== 'RUNNING') return;
    if (job.state === 'PENDING') this.setWaiting(trial, `queued in Slurm as job ${job.id} (${job.reason ?? 'pending'})`);
    else {
      lifecycle.wait(trial, undefined);
      this.emit('trial', trial);
    }
  }

  /** Preempted or near its time limit: back to the queue from the latest checkpoint, not a failure. */
  private requeuePreempted(trial: TrialRecord, exit: GroupExit): void {
    this.record({
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
    if (this.stopping) return this.endTrial(trial, 'TERMINATED', this.stopping);
    // Pausing and requeueing give the trial's slots back (ray-project/ray#17720).
    this.ledger.release(trial.id);
    this.background.run(`closing the results of ${trial.name}`, this.closeResults(trial));
    if (outcome.kind === 'pause') {
      lifecycle.pause(trial, outcome.reason);
      this.record({ type: 'trial_paused', trial_id: trial.id, reason: outcome.reason });
    } else {
      lifecycle.requeue(trial);
    }
    this.emit('trial', trial);
    this.kick();
  }

  /** Queued behind the trial's other events: a round still being persisted is on disk before the restart is decided. */
  private onDriverExit(driver: DriverHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const trial = this.trialOf.get(driver);
    if (!trial) return;
    this.trialEvents.push(trial.id, `${trial.name}: handling its driver's exit failed`, () => {
      if (this.trialOf.get(driver) === trial) this.onDriverDeath(trial, driver, code, signal);
    });
  }

  private onDriverDeath(trial: TrialRecord, driver: DriverHandle, code: number | null, signal: NodeJS.Signals | null): void {
    this.driverOf.delete(trial.id);
    this.trialOf.delete(driver);
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    const exit: GroupExit = { status: 'ERROR', reason: `the Trainer driver ${how}`, exitCode: code, signal };
    const outcome = lifecycle.ended(trial, exit);
    if (outcome?.kind === 'stop' || this.stopping) return this.endTrial(trial, 'TERMINATED', outcome?.reason ?? this.stopping!);
    this.failTrial(trial, exit);
  }

  /** What a restore records: the journal event, and the context the next result row carries. */
  private noteRestore(trial: TrialRecord, exit: GroupExit, context: lifecycle.RestoreContext): void {
    this.record({
      type: 'trial_restored',
      trial_id: trial.id,
      from_checkpoint: context.from_checkpoint ?? undefined,
      after_failure: true,
      failures: context.failures,
      reason: `${context.level === 'trainer' ? 'worker group restarted' : 'trial restarted'} after: ${exit.reason}`,
    });
    this.emit('restore', trial, context);
  }

  /** Ray Train: the whole worker group restarts from the latest checkpoint, keeping the trial's slots. */
  private restartWorkers(trial: TrialRecord, exit: GroupExit): void {
    const { context, failuresInARow } = lifecycle.restartWorkers(trial, exit);
    this.noteRestore(trial, exit, context);
    const restarted = this.closeResults(trial)
      .then(() => new Promise<void>((resolve) => this.clock.after(restartDelayMs(failuresInARow), resolve)))
      .then(() => (this.stopping ? this.endTrial(trial, 'TERMINATED', this.stopping) : this.launch(trial)));
    this.background.run(`could not restart the workers of ${trial.name}`, restarted, () => this.maybeFinish());
  }

  /** Ray Tune: a failed trial is retried from its latest checkpoint while max_failures allows. */
  private failTrial(trial: TrialRecord, exit: GroupExit): void {
    if (this.stopping || afterTrialFailure(this.spec, trial) === 'fail') return this.endTrial(trial, 'ERROR', exit.reason);
    const { context, delay } = lifecycle.retry(trial, exit, this.clock.now(), restartDelayMs);
    this.ledger.release(trial.id);
    this.noteRestore(trial, exit, context);
    if (delay > 0) this.clock.after(delay, () => this.kick());
    this.background.run(`closing the results of ${trial.name}`, this.closeResults(trial), () => {
      this.emit('trial', trial);
      this.kick();
    });
  }

  private closeResults(trial: TrialRecord): Promise<void> {
    const results = this.results.get(trial.id);
    this.results.delete(trial.id);
    if (!results) return Promise.resolve();
    return results.close().catch((err: Error) => {
      this.emit('warning', `results of ${trial.name} could not be flushed: ${err.message}`);
    });
  }

  private endTrial(trial: TrialRecord, status: 'TERMINATED' | 'ERROR', reason: string): void {
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

  private maybeFinish(): void {
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
