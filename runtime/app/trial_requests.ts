import type { ResourceAmounts } from '../../protocol/spec';
import type { TrialRequest } from '../resources/request';
import type { Suggestion } from '../search/searcher';
import { formatValue } from '../../protocol/format';

export { plannedTrials, type PlannedTrialRequest } from '../spec/planned_trials';

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
