import type { ExperimentSpec } from '../../protocol/spec';
import { createScheduler } from '../schedulers/create_scheduler';
import { createSearcher } from '../search/create_searcher';
import { UsageError } from './args';

/** Builds the spec's searcher and scheduler once, so a bad option is bad input (exit 2), not a crash mid-run. */
export function checkSearchSetup(spec: ExperimentSpec): void {
  try {
    createSearcher(spec);
    createScheduler(spec.tune_config, spec.tune_config.seed);
  } catch (err) {
    throw new UsageError(`${spec.file}: ${(err as Error).message}`);
  }
}
