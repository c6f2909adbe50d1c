import type { ExperimentSpec, ResourceAmounts } from '../../protocol/spec';
import type { TrialRequest } from '../resources/request';
import { BasicVariantSearcher } from '../search/basic_variant_searcher';
import { createSearcher } from '../search/create_searcher';
import type { Suggestion } from '../search/searcher';
import { resolveTrialConfig } from '../tuner/trial_record';
import { formatValue } from './format';

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

function amounts(a: ResourceAmounts): string {
  const parts = [`${formatValue(a.CPU)} CPU`];
  if (a.GPU) parts.push(`${formatValue(a.GPU)} GPU`);
  return parts.join(' + ');
}

/** "trainable 1 CPU; 2 workers × (1 CPU + 1 GPU)". */
export function describeRequest(request: TrialRequest): string {
  const w = request.workers;
  const same = w.every((x) => x.CPU === w[0]?.CPU && x.GPU === w[0]?.GPU);
  const workers = w.length === 0 ? 'no workers' : same ? `${w.length} worker${w.length > 1 ? 's' : ''} × (${amounts(w[0])})` : w.map(amounts).join(', ');
  return `trainable ${amounts(request.trainable)}; ${workers}`;
}

export function describeSample(variant: Suggestion): string {
  return variant.sampled.map((s) => `${s.path}=${formatValue(s.value)}`).join(', ');
}
