/** Builds the trial scheduler that tune_config.scheduler names, with Ray's defaults. */
import type { TuneConfig } from '../../protocol/spec';
import { AshaScheduler } from './asha';
import { AshaPromotionScheduler } from './asha_promote';
import { FifoScheduler } from './fifo';
import { MedianStoppingScheduler } from './median_stopping';
import { PbtScheduler } from './pbt';
import type { TrialScheduler } from './trial_scheduler';

export const SCHEDULER_TYPES = ['fifo', 'asha', 'asha_promote', 'median_stopping', 'pbt'] as const;

/**
 * `seed` feeds the schedulers that draw at random (ASHA's brackets, PBT's donors and
 * mutations). Throws a sentence naming the key to fix when the options cannot work.
 */
export function createScheduler(tuneConfig: TuneConfig, seed: number): TrialScheduler {
  const spec = tuneConfig.scheduler;
  switch (spec.type) {
    case 'fifo':
      return new FifoScheduler();
    case 'asha':
      return new AshaScheduler(spec, tuneConfig, seed);
    case 'asha_promote':
      return new AshaPromotionScheduler(spec, tuneConfig, seed);
    case 'median_stopping':
      return new MedianStoppingScheduler(spec, tuneConfig);
    case 'pbt':
      return new PbtScheduler(spec, tuneConfig, seed);
    default:
      throw new Error(
        `tune_config.scheduler.type ${JSON.stringify(spec.type)} is not a scheduler; use one of ${SCHEDULER_TYPES.join(', ')}`,
      );
  }
}
