import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverToTuner, GroupExit } from '../../protocol/driver';
import type { ExperimentSpec } from '../../protocol/spec';
import type { TrialStatus } from '../../protocol/trial';
import { ResourceLedger } from '../resources/ledger';
import { generateVariants } from '../search/variants';
import { commitCheckpoint } from '../storage/checkpoints';
import { checkpointsToDelete, deleteCheckpoints } from '../storage/checkpoint_retention';
import { writeFileAtomic } from '../storage/atomic_write';
import { Journal, type UnstampedJournalEvent } from '../storage/journal';
import { TrialResults } from '../storage/trial_results';
import { trialDirName } from '../storage/trial_dir_name';
import { DriverPool, type DriverProcess } from './driver_pool';
import { buildResultRow, stopCriterionMet } from './result_row';
import { resolveTrialConfig, type TrialRecord } from './trial_record';
import { isFinished, transition } from './trial_status';
import { nodeClientDir, pythonClientDir, resolveWorkerCommand } from './worker_command';

export interface Capacity {
  CPU: number;
  gpus: number[];
  simulated: boolean;
}

export interface TunerOptions {
  spec: ExperimentSpec;
  capacity: Capacity;
  /** Described in experiment.json. */
  machine: unknown;
  env?: NodeJS.ProcessEnv;
  stopGraceS?: number;
}

export interface ExperimentOutcome {
  status: 'finished' | 'stopped' | 'failed';
  reason: string;
  experimentPath: string;
  trials: TrialRecord[];
}

const TRAINABLE_NAME = 'TorchTrainer';

/**
 * The Tuner: generates trials, admits them through the ledger, runs each on a
 * Trainer driver, persists every result, and decides when trials and the experiment end.
 * Every status change goes through `transition`.
 */
export class Tuner extends EventEmitter {
  readonly trials: TrialRecord[] = [];
  readonly experimentPath: string;
  readonly experimentId = randomBytes(3).toString('hex').slice(0, 5);
  readonly startedAt = Date.now() / 1000;
  readonly ledger: ResourceLedger;
  private readonly spec: ExperimentSpec;
  private readonly env: NodeJS.ProcessEnv;
  private readonly pool: DriverPool;
  private readonly journal: Journal;
  private readonly results = new Map<string, TrialResults>();
  private readonly driverOf = new Map<string, DriverProcess>();
  private readonly trialOf = new Map<DriverProcess, TrialRecord>();
  private readonly stopRequested = new Map<string, string>();
  private readonly socketDir: string;
  private readonly command: string[];
  private readonly workerEnvExtra: Record<string, string>;
  private stopping: string | undefined;
  private failure: string | undefined;
  private budgetTimer: NodeJS.Timeout | undefined;
  private finished!: (outcome: ExperimentOutcome) => void;
  private scheduling = false;

  constructor(private readonly options: TunerOptions) {
    super();
    this.spec = options.spec;
    this.env = options.env ?? process.env;
    this.ledger = new ResourceLedger({ CPU: options.capacity.CPU, gpus: options.capacity.gpus });
    this.experimentPath = join(this.spec.run_config.storage_path, this.spec.run_config.name);
    mkdirSync(this.experimentPath, { recursive: true });
    this.journal = new Journal(join(this.experimentPath, 'events.jsonl'));
    this.socketDir = mkdtempSync(join(tmpdir(), 'tunekit-'));
    this.command = resolveWorkerCommand(this.spec.trainer.command, this.spec.trainer.working_dir, this.env);
    this.workerEnvExtra = this.workerPaths();
    this.pool = new DriverPool(
      (driver, msg) => this.onDriverMessage(driver, msg),
      (driver, code, signal) => this.onDriverExit(driver, code, signal),
    );
  }

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
          started_at: this.startedAt,
          tunekit_version: process.env.TUNEKIT_VERSION ?? '0.1.0',
        },
        null,
        2,
      ) + '\n',
    );
    this.record({ type: 'experiment_started', ts: this.startedAt, experiment_id: this.experimentId, name: this.spec.run_config.name });
    this.createTrials();
    const budget = this.spec.tune_config.time_budget_s;
    if (budget) {
      this.budgetTimer = setTimeout(() => this.stop(`time budget of ${budget} s reached`), budget * 1000);
      this.budgetTimer.unref();
    }
    void this.schedule();
    return done;
  }

  /** Stops every running trial and starts no new one; pending trials stay pending (resumable). */
  stop(reason: string): void {
    if (this.stopping) return;
    this.stopping = reason;
    for (const trial of this.trials) {
      if (trial.status !== 'RUNNING') continue;
      const driver = this.driverOf.get(trial.id);
      if (driver) this.requestStop(trial, driver, reason);
      else this.endTrial(trial, 'TERMINATED', reason);
    }
    this.maybeFinish();
  }

  counts(): Record<TrialStatus, number> {
    const counts: Record<TrialStatus, number> = { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 0, ERROR: 0 };
    for (const t of this.trials) counts[t.status]++;
    return counts;
  }

  private createTrials(): void {
    const { num_samples, seed } = this.spec.tune_config;
    for (const variant of generateVariants(this.spec.param_space, { numSamples: num_samples, seed })) {
      const id = `${this.experimentId}_${String(variant.index).padStart(5, '0')}`;
      const name = trialDirName(TRAINABLE_NAME, this.experimentId, variant.index, variant.sampled);
      const resolved = resolveTrialConfig(this.spec, variant.config);
      const trial: TrialRecord = {
        id,
        index: variant.index,
        name,
        dir: join(this.experimentPath, name),
        config: variant.config,
        sampled: variant.sampled,
        ...resolved,
        status: 'PENDING',
        iteration: 0,
        timeTotalS: 0,
        checkpoints: [],
      };
      this.trials.push(trial);
      this.record({ type: 'trial_created', trial_id: id, trial_name: name, trial_dir_name: name, index: variant.index, config: variant.config });
    }
  }

  /** Journal writes are awaited by nobody; a failure (a full disk) is surfaced, never thrown. */
  private record(event: UnstampedJournalEvent): void {
    this.journal.append(event).catch((err: Error) => this.emit('warning', `journal write failed: ${err.message}`));
  }

  private runningCap(): number {
    const cap = this.spec.tune_config.max_concurrent_trials;
    return cap > 0 ? cap : Infinity;
  }

  /** Admits what fits, in trial order; a trial that does not fit waits with the ledger's reason. */
  private async schedule(): Promise<void> {
    if (this.scheduling) return;
    this.scheduling = true;
    try {
      if (!this.stopping) {
        const mode = this.spec.tune_config.admission;
        for (const trial of this.trials) {
          if (trial.status === 'RUNNING' && trial.grant && trial.grant.workers.length === 0) {
            await this.tryStartWorkers(trial);
          }
        }
        let running = this.trials.filter((t) => t.status === 'RUNNING').length;
        for (const trial of this.trials) {
          if (trial.status !== 'PENDING' || running >= this.runningCap() || this.stopping) continue;
          const admitted = this.ledger.admit(trial.id, trial.request, mode);
          if (!admitted.ok) {
            this.setWaiting(trial, admitted.reason);
            continue;
          }
          trial.grant = admitted.grant;
          transition(trial, 'RUNNING');
          running++;
          trial.waitingReason = undefined;
          this.emit('trial', trial);
          if (admitted.grant.workers.length > 0 || trial.request.workers.length === 0) await this.launch(trial);
          else await this.tryStartWorkers(trial);
        }
        this.detectRayModeDeadlock();
      }
    } finally {
      this.scheduling = false;
    }
    this.maybeFinish();
  }

  private setWaiting(trial: TrialRecord, reason: string): void {
    if (trial.waitingReason === reason) return;
    trial.waitingReason = reason;
    this.record({ type: 'trial_waiting', trial_id: trial.id, reason });
    this.emit('trial', trial);
  }

  /** Ray mode: a trial holds its trainable's resources and waits here for its workers'. */
  private async tryStartWorkers(trial: TrialRecord): Promise<void> {
    const acquired = this.ledger.acquireWorkers(trial.id, trial.request.workers);
    if (!acquired.ok) {
      this.setWaiting(trial, `waiting for workers: ${acquired.reason}`);
      return;
    }
    trial.grant = acquired.grant;
    trial.waitingReason = undefined;
    await this.launch(trial);
  }

  /** In Ray mode, trials that hold every CPU while waiting for workers never progress. */
  private detectRayModeDeadlock(): void {
    if (this.spec.tune_config.admission !== 'ray') return;
    const running = this.trials.filter((t) => t.status === 'RUNNING');
    if (running.length === 0 || running.some((t) => this.driverOf.has(t.id))) return;
    this.failure =
      `deadlock: ${running.length} trial(s) hold their trainable's resources while waiting for workers that cannot fit; ` +
      `set tune_config.max_concurrent_trials or use admission: coordinated`;
    this.stop(this.failure);
  }

  private async launch(trial: TrialRecord): Promise<void> {
    mkdirSync(trial.dir, { recursive: true });
    await writeFileAtomic(join(trial.dir, 'params.json'), JSON.stringify(trial.config, null, 2) + '\n');
    this.results.set(trial.id, new TrialResults(trial.dir));
    trial.startedAt = Date.now() / 1000;
    trial.lastReportAt = undefined;
    let driver: DriverProcess;
    try {
      driver = await this.pool.acquire();
    } catch (err) {
      this.endTrial(trial, 'ERROR', `could not start a Trainer driver: ${(err as Error).message}`);
      return;
    }
    if (this.stopping) {
      this.pool.release(driver);
      this.endTrial(trial, 'TERMINATED', this.stopping);
      return;
    }
    this.driverOf.set(trial.id, driver);
    this.trialOf.set(driver, trial);
    const latest = trial.checkpoints[trial.checkpoints.length - 1];
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
        checkpoint: latest ? join(trial.dir, latest.name) : null,
        reportSocket: join(this.socketDir, `${trial.index}.sock`),
        reportToken: randomBytes(32).toString('hex'),
        stopGraceS: this.options.stopGraceS ?? 5,
      },
    });
  }

  private onDriverMessage(driver: DriverProcess, msg: DriverToTuner): void {
    const trial = this.trialOf.get(driver);
    if (!trial || !('trialId' in msg) || msg.trialId !== trial.id) return;
    switch (msg.type) {
      case 'started':
        this.record({ type: 'trial_started', trial_id: trial.id, grant: trial.grant!, pids: msg.pids, master_port: msg.masterPort });
        this.emit('trial', trial);
        break;
      case 'result':
        void this.onResult(trial, driver, msg);
        break;
      case 'log':
        this.emit('log', trial, msg.lines);
        break;
      case 'rejected':
        this.emit('rejected', trial, msg.what);
        break;
      case 'ended':
        this.onEnded(trial, driver, msg.exit);
        break;
    }
  }

  private async onResult(trial: TrialRecord, driver: DriverProcess, msg: DriverToTuner & { type: 'result' }): Promise<void> {
    const ack = (checkpointDirName: string | null, stop: boolean, error?: string) =>
      driver.send({ type: 'result_ack', trialId: trial.id, id: msg.id, checkpointDirName, stop, error });
    if (trial.status !== 'RUNNING') return ack(null, true, 'the trial is no longer running');
    try {
      let checkpointName: string | null = null;
      if (msg.checkpoint) {
        const index = trial.checkpoints.length ? Number(trial.checkpoints[trial.checkpoints.length - 1].name.slice(11)) + 1 : 0;
        checkpointName = await commitCheckpoint(trial.dir, [msg.checkpoint], index);
      }
      if (msg.rank !== 0) {
        if (checkpointName) this.recordCheckpoint(trial, checkpointName, trial.lastResult ?? {});
        return ack(checkpointName, false);
      }
      const now = Date.now() / 1000;
      const row = buildResultRow(trial, msg.metrics, now, driver.child.pid ?? 0);
      row.checkpoint_dir_name = checkpointName;
      const stopReason = stopCriterionMet(row, this.spec.run_config.stop);
      if (stopReason) row.done = true;
      this.results.get(trial.id)!.append(row);
      trial.iteration++;
      trial.timeTotalS = row.time_total_s as number;
      trial.lastReportAt = now;
      trial.lastResult = row;
      if (checkpointName) this.recordCheckpoint(trial, checkpointName, row);
      this.emit('result', trial, row);
      if (stopReason) this.stopRequested.set(trial.id, stopReason);
      ack(checkpointName, stopReason !== undefined);
    } catch (err) {
      ack(null, false, (err as Error).message);
    }
  }

  private recordCheckpoint(trial: TrialRecord, name: string, metrics: Record<string, unknown>): void {
    trial.checkpoints.push({ name, iteration: trial.iteration, metrics });
    this.record({ type: 'checkpoint_committed', trial_id: trial.id, checkpoint_dir_name: name, iteration: trial.iteration });
    const doomed = checkpointsToDelete(
      trial.checkpoints.map((c) => ({ name: c.name, metrics: c.metrics })),
      this.spec.run_config.checkpoint_config,
      new Set<string>(),
    );
    if (doomed.length === 0) return;
    trial.checkpoints = trial.checkpoints.filter((c) => !doomed.includes(c.name));
    deleteCheckpoints(trial.dir, doomed);
  }

  private requestStop(trial: TrialRecord, driver: DriverProcess, reason: string): void {
    this.stopRequested.set(trial.id, reason);
    driver.send({ type: 'stop', trialId: trial.id, reason });
  }

  private onEnded(trial: TrialRecord, driver: DriverProcess, exit: GroupExit): void {
    this.driverOf.delete(trial.id);
    this.trialOf.delete(driver);
    this.pool.release(driver);
    const stopReason = this.stopRequested.get(trial.id);
    trial.exit = exit;
    if (exit.status === 'ERROR' && stopReason === undefined) {
      this.endTrial(trial, 'ERROR', exit.reason);
    } else {
      this.endTrial(trial, 'TERMINATED', stopReason ?? exit.reason);
    }
  }

  private onDriverExit(driver: DriverProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const trial = this.trialOf.get(driver);
    if (!trial) return;
    this.driverOf.delete(trial.id);
    this.trialOf.delete(driver);
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    trial.exit = { status: 'ERROR', reason: `the Trainer driver ${how}` };
    this.endTrial(trial, 'ERROR', trial.exit.reason);
  }

  private endTrial(trial: TrialRecord, status: 'TERMINATED' | 'ERROR', reason: string): void {
    if (isFinished(trial.status)) return;
    this.ledger.release(trial.id);
    transition(trial, status);
    trial.endReason = reason;
    const results = this.results.get(trial.id);
    this.results.delete(trial.id);
    const closed = results ? results.close() : Promise.resolve();
    this.outstandingWrites++;
    void closed
      .catch((err: Error) => this.emit('warning', `results of ${trial.name} could not be flushed: ${err.message}`))
      .then(async () => {
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
        this.emit('trial', trial);
        if (status === 'ERROR' && this.spec.run_config.failure_config.fail_fast && !this.stopping) {
          this.failure = `fail_fast: ${trial.name} failed: ${reason}`;
          this.stop(this.failure);
        }
      })
      .finally(() => {
        this.outstandingWrites--;
        void this.schedule();
      });
  }

  private outstandingWrites = 0;

  private maybeFinish(): void {
    const active = this.trials.some((t) => t.status === 'RUNNING');
    const pendingLeft = !this.stopping && this.trials.some((t) => t.status === 'PENDING' || t.status === 'PAUSED');
    if (active || pendingLeft || this.outstandingWrites > 0 || !this.finished) return;
    const finish = this.finished;
    this.finished = undefined as unknown as typeof finish;
    if (this.budgetTimer) clearTimeout(this.budgetTimer);
    const status: ExperimentOutcome['status'] = this.failure ? 'failed' : this.stopping ? 'stopped' : 'finished';
    const reason = this.failure ?? this.stopping ?? 'all trials finished';
    this.record({ type: 'experiment_finished', status, reason });
    void this.pool.shutdown().then(() => {
      rmSync(this.socketDir, { recursive: true, force: true });
      void this.journal.close().finally(() =>
          finish({ status, reason, experimentPath: this.experimentPath, trials: this.trials }),
      );
    });
  }
}
