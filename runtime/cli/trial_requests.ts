import type { ExperimentSpec, ResourceAmounts } from '../../protocol/spec';
import type { TrialRequest } from '../resources/request';
import { generateVariants, type Variant } from '../search/variants';
import { resolveTrialConfig } from '../tuner/trial_record';
import { formatValue } from './format';

export interface PlannedTrialRequest {
  trialId: string;
  variant: Variant;
  request: TrialRequest;
}

/** Every trial of the spec, seeded exactly as `run` will generate them. */
export function plannedTrials(spec: ExperimentSpec, limit = 100_000): PlannedTrialRequest[] {
  const planned: PlannedTrialRequest[] = [];
  const { num_samples, seed } = spec.tune_config;
  for (const variant of generateVariants(spec.param_space, { numSamples: num_samples, seed })) {
    if (planned.length >= limit) break;
    planned.push({ trialId: String(variant.index).padStart(5, '0'), variant, request: resolveTrialConfig(spec, variant.config).request });
  }
  return planned;
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

export function describeSample(variant: Variant): string {
  return variant.sampled.map((s) => `${s.path}=${formatValue(s.value)}`).join(', ');
}
