import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic_write';
import { TrialResults } from '../storage/trial_results';
import type { DriverHandle } from './trial_launcher';
import * as lifecycle from './trial_lifecycle';
import type { TrialRecord } from './trial_record';
import { isFinished } from './trial_status';
import type { TunerCore } from './tuner_core';
import { nodeClientDir, pythonClientDir, resolveWorkerCommand } from './worker_command';

/** Starting a trial's worker group on a driver the launcher gives, or adopting one that still runs it. */
export class TrialStart {
  /** The worker command, resolved once (experiment.json records it). */
  readonly command: string[];
  private readonly workerEnvExtra: Record<string, string>;

  constructor(
    private readonly core: TunerCore,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    const { spec } = core;
    this.command = resolveWorkerCommand(spec.trainer.command, spec.trainer.working_dir, env);
    this.workerEnvExtra = this.workerPaths();
  }

  /** Starts the trial's worker group on a driver; failures end the trial, never the Tuner. */
  launch(trial: TrialRecord): Promise<void> {
    this.core.launching.add(trial.id);
    return this.launchOnDriver(trial)
      .catch((err: Error) => this.core.endTrial(trial, 'ERROR', `could not start the trial: ${err.message}`))
      .finally(() => this.core.launching.delete(trial.id));
  }

  private async launchOnDriver(trial: TrialRecord): Promise<void> {
    mkdirSync(trial.dir, { recursive: true });
    await writeFileAtomic(join(trial.dir, 'params.json'), JSON.stringify(trial.config, null, 2) + '\n');
    // stopTrial may have ended it meanwhile (it had no driver to stop yet).
    if (isFinished(trial.status)) return;
    this.core.results.set(trial.id, new TrialResults(trial.dir));
    lifecycle.launching(trial, this.core.clock.now() / 1000);
    let driver: DriverHandle;
    try {
      driver = await this.core.pool.acquire();
    } catch (err) {
      this.core.endTrial(trial, 'ERROR', `could not start a Trainer driver: ${(err as Error).message}`);
      return;
    }
    if (this.core.stopping || isFinished(trial.status)) {
      // stopTrial may have ended it while the driver was being acquired.
      this.core.pool.release(driver);
      if (isFinished(trial.status)) this.core.background.run(`closing the results of ${trial.name}`, this.core.closeResults(trial));
      else this.core.endTrial(trial, 'TERMINATED', this.core.stopping!);
      return;
    }
    this.core.driverOf.set(trial.id, driver);
    this.core.trialOf.set(driver, trial);
    const latest = trial.checkpoints[trial.checkpoints.length - 1];
    const checkpoint = latest ? join(trial.dir, latest.name) : null;
    const restartsAt = latest?.iteration ?? 0;
    if (restartsAt < trial.iteration) {
      // Results after the checkpoint (all of them, without one: the trial starts from scratch)
      // will be reported again; mark the old ones, never mix them in (issue 12).
      this.core.record({ type: 'results_superseded', trial_id: trial.id, from_iteration: restartsAt + 1, to_iteration: trial.iteration, checkpoint_dir_name: latest?.name ?? '' });
      const timeAtCheckpoint = latest ? latest.metrics.time_total_s : 0;
      lifecycle.rewind(trial, restartsAt, typeof timeAtCheckpoint === 'number' ? timeAtCheckpoint : undefined);
    }
    driver.send({
      type: 'launch',
      launch: {
        trialId: trial.id,
        trialName: trial.name,
        experimentPath: this.core.experimentPath,
        trialDir: trial.dir,
        command: this.command,
        cwd: this.core.spec.trainer.working_dir,
        env: this.workerEnvExtra,
        config: trial.trainLoopConfig,
        grant: trial.grant!,
        checkpoint,
        reportSocket: join(this.core.socketDir, `${trial.index}.sock`),
        reportToken: randomBytes(32).toString('hex'),
        stopGraceS: this.core.options.stopGraceS ?? 5,
        startupTimeoutS: this.core.spec.trainer.failure_config.startup_timeout_s,
        reportTimeoutS: this.core.spec.trainer.failure_config.report_timeout_s,
        perWorker: trial.request.workers[0] ?? { CPU: 1, GPU: 0 },
        iteration: trial.iteration,
        warmStart: this.core.spec.trainer.warm_start,
      },
    });
  }

  /** A trial whose earlier driver still runs it continues there: no second launch, nothing superseded. */
  adopt(trial: TrialRecord, driver: DriverHandle): void {
    const admitted = this.core.ledger.admit(trial.id, trial.request, 'coordinated');
    if (!admitted.ok) return;
    lifecycle.admit(trial, admitted.grant);
    lifecycle.launching(trial, this.core.clock.now() / 1000);
    this.core.results.set(trial.id, new TrialResults(trial.dir));
    this.core.driverOf.set(trial.id, driver);
    this.core.trialOf.set(driver, trial);
    this.core.emit('trial', trial);
  }

  private workerPaths(): Record<string, string> {
    const extra: Record<string, string> = { ...this.core.spec.trainer.env };
    const py = pythonClientDir();
    extra.PYTHONPATH = [py, this.core.spec.trainer.env.PYTHONPATH ?? this.env.PYTHONPATH].filter(Boolean).join(':');
    const nodeDir = nodeClientDir();
    if (nodeDir) extra.NODE_PATH = [nodeDir, this.core.spec.trainer.env.NODE_PATH ?? this.env.NODE_PATH].filter(Boolean).join(':');
    return extra;
  }
}
