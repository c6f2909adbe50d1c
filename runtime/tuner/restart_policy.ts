import type { ExperimentSpec } from '../../protocol/spec';
import type { TrialRecord } from './trial_record';

/**
 * What follows a failed worker group, in Ray's two layers: Ray Train restarts the group
 * inside the trial (trainer.failure_config), Ray Tune retries the trial (run_config.failure_config).
 */
export type AfterFailure = 'restart-workers' | 'retry-trial' | 'fail';

export function afterGroupFailure(spec: ExperimentSpec, trial: TrialRecord): AfterFailure {
  const workers = spec.trainer.failure_config.max_failures;
  if (workers === -1 || trial.trainFailures < workers) return 'restart-workers';
  return afterTrialFailure(spec, trial);
}

/** A driver that died (or a group out of restarts) can only be retried as a whole trial. */
export function afterTrialFailure(spec: ExperimentSpec, trial: TrialRecord): AfterFailure {
  const retries = spec.run_config.failure_config.max_failures;
  return retries === -1 || trial.tuneFailures < retries ? 'retry-trial' : 'fail';
}

/**
 * A group that fails again before reporting anything new is restarted after a growing pause
 * (0.5 s, 1 s, 2 s … 30 s), so an unlimited max_failures never becomes a tight crash loop.
 */
export function restartDelayMs(failuresInARow: number): number {
  return failuresInARow <= 1 ? 0 : Math.min(30_000, 500 * 2 ** (failuresInARow - 2));
}
