/**
 * A tiny stand-in for the Tuner: a fixed population trains one iteration at a time, a few at
 * once, and obeys every decision. Its log is a pure function of the scheduler's decisions,
 * so two runs with equal logs saw equal decisions.
 */
import type { TuneConfig } from '../../../protocol/spec';
import { createScheduler } from '../../../runtime/schedulers/create_scheduler';
import type { SchedulerTrial, TrialScheduler } from '../../../runtime/schedulers/trial_scheduler';
import { throughJson } from './population';

interface SimTrial {
  index: number;
  /** How good the weights are; an exploit copies the donor's, as cloning its checkpoint would. */
  quality: number;
  iteration: number;
  config: Record<string, unknown>;
  state: 'pending' | 'running' | 'paused' | 'done';
}

export interface SimulationOptions {
  trials: number;
  concurrency: number;
  iterations: number;
  /** Swap in a fresh scheduler restored from the saved state after this many results. */
  restoreAfter?: number;
}

/** A made-up learning curve that differs by trial and by config. */
function accuracy(trial: SimTrial): number {
  const lr = Number((trial.config.train_loop_config as { lr?: number } | undefined)?.lr ?? 0.01);
  return Math.round(((trial.quality + lr) * (1 - 1 / (trial.iteration + 1))) * 1e6) / 1e6;
}

export function simulate(tune: TuneConfig, options: SimulationOptions): string[] {
  let scheduler: TrialScheduler = createScheduler(tune, 5);
  const log: string[] = [];
  const trials: SimTrial[] = Array.from({ length: options.trials }, (_, index) => ({
    index,
    quality: ((index * 7919) % 13) / 13,
    iteration: 0,
    config: { train_loop_config: { lr: 0.01 * (index + 1) } },
    state: 'pending',
  }));
  const view = (t: SimTrial): SchedulerTrial => ({ id: `t${t.index}`, index: t.index, config: t.config, latestCheckpoint: t.iteration > 0 ? `checkpoint_${t.iteration}` : undefined });
  const byId = (id: string): SimTrial => trials[Number(id.slice(1))];
  const drain = (): void => {
    for (const event of scheduler.drainEvents()) log.push(`event ${JSON.stringify(event)}`);
  };
  const fill = (): void => {
    for (;;) {
      if (trials.filter((t) => t.state === 'running').length >= options.concurrency) return;
      const paused = trials.filter((t) => t.state === 'paused');
      const pending = trials.filter((t) => t.state === 'pending');
      if (paused.length > 0 && scheduler.choosePaused) {
        const choice = scheduler.choosePaused(paused.map(view), pending.length === 0);
        log.push(`choose ${JSON.stringify(choice)}`);
        drain();
        for (const { id } of choice.stop ?? []) {
          byId(id).state = 'done';
          scheduler.onTrialComplete(view(byId(id)), undefined);
        }
        if (choice.resume) {
          byId(choice.resume.id).state = 'running';
          continue;
        }
      }
      const next = trials.find((t) => t.state === 'pending');
      if (!next) return;
      next.state = 'running';
      scheduler.onTrialAdd(view(next));
    }
  };
  let results = 0;
  fill();
  for (;;) {
    const running = trials.filter((t) => t.state === 'running').sort((a, b) => a.iteration - b.iteration || a.index - b.index);
    if (running.length === 0) break;
    if (results > 10_000) throw new Error(`the simulation did not finish:\n${log.slice(-20).join('\n')}`);
    const trial = running[0];
    trial.iteration++;
    const result = { training_iteration: trial.iteration, time_total_s: trial.iteration * 10, acc: accuracy(trial) };
    const waiting = trials.some((t) => t.state === 'pending' || t.state === 'paused');
    const decision = scheduler.onTrialResult(view(trial), result, { trialsWaiting: waiting });
    log.push(`t${trial.index}@${trial.iteration} ${JSON.stringify(decision)}`);
    drain();
    if (decision.action === 'stop' || trial.iteration >= options.iterations) {
      trial.state = 'done';
      scheduler.onTrialComplete(view(trial), result);
    } else if (decision.action === 'pause') {
      trial.state = 'paused';
    } else if (decision.action === 'exploit') {
      trial.config = decision.newConfig;
      trial.iteration = decision.donorIteration;
      trial.quality = byId(decision.donorId).quality;
    }
    fill();
    if (++results === options.restoreAfter) {
      const saved = throughJson(scheduler.saveState());
      scheduler = createScheduler(tune, 5);
      scheduler.restoreState(saved);
      log.push('restored');
    }
  }
  return log.filter((line) => line !== 'restored');
}
