/** Trials and results for scheduler tests, shaped as the Tuner hands them over. */
import type { TuneConfig } from '../../../protocol/spec';
import type { SchedulerTrial } from '../../../runtime/schedulers/trial_scheduler';

export function trial(index: number, config: Record<string, unknown> = {}, latestCheckpoint?: string): SchedulerTrial {
  const made: SchedulerTrial = { id: `t${index}`, index, config };
  if (latestCheckpoint !== undefined) made.latestCheckpoint = latestCheckpoint;
  return made;
}

export function tuneConfig(scheduler: Record<string, unknown> & { type: string }, objective: { metric?: string; mode?: 'min' | 'max' } = { metric: 'acc', mode: 'max' }): TuneConfig {
  return { num_samples: 8, max_concurrent_trials: 0, seed: 0, scheduler, search_alg: { type: 'random' }, admission: 'coordinated', ...objective };
}

/** A result at `iteration` with the metric `acc` (or `metric`), as Ray fills training_iteration. */
export function at(iteration: number, value: number, metric = 'acc'): Record<string, unknown> {
  return { training_iteration: iteration, time_total_s: iteration * 10, [metric]: value };
}

/** JSON round trip, as the Tuner saves state to disk. */
export function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
