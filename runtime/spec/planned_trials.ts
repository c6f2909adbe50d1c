import type { ExperimentSpec } from '../../protocol/spec';
import type { TrialRequest } from '../resources/request';
import { BasicVariantSearcher } from '../search/basic_variant_searcher';
import { createSearcher } from '../search/create_searcher';
import type { Suggestion } from '../search/searcher';
import { resolveTrialConfig } from '../tuner/trial_record';

export interface PlannedTrialRequest {
  trialId: string;
  variant: Suggestion;
  request: TrialRequest;
}

/**
 * The spec's trials, seeded exactly as `run` makes them. A model-based searcher (TPE) picks
 * configs from results, so its plan shows random draws from the same space instead (`adaptive`).
 */
export function plannedTrials(spec: ExperimentSpec, limit = 100_000): { trials: PlannedTrialRequest[]; adaptive: boolean } {
  const searcher = createSearcher(spec);
  const adaptive = !(searcher instanceof BasicVariantSearcher);
  const basic =
    searcher instanceof BasicVariantSearcher
      ? searcher
      : new BasicVariantSearcher(spec.param_space, { type: 'random', numSamples: spec.tune_config.num_samples, seed: spec.tune_config.seed, points: [], maxConcurrent: 0 });
  const trials: PlannedTrialRequest[] = [];
  for (let index = 0; index < limit; index++) {
    const variant = basic.configAt(index);
    if (!variant) break;
    trials.push({ trialId: String(index).padStart(5, '0'), variant, request: resolveTrialConfig(spec, variant.config).request });
  }
  return { trials, adaptive };
}
