import type { ExperimentSpec } from '../../protocol/spec';
import { detectHardware, schedulableCapacity } from '../hardware/detect';
import { neverFits } from '../resources/never_fits';
import { plannedTrials } from './trial_requests';

/** Detected hardware and what the ledger may hand out (after the spec's override). */
export async function machineFor(spec: ExperimentSpec) {
  const hardware = await detectHardware();
  const capacity = schedulableCapacity(hardware, spec.resources);
  return { hardware, capacity };
}

export class ImpossibleRequestError extends Error {}

/** A trial that could never be admitted is a spec error, not a silent wait. */
export function checkRequestsFit(spec: ExperimentSpec, capacity: { CPU: number; gpus: number[] }): void {
  const seen = new Set<string>();
  for (const { trialId, request } of plannedTrials(spec, 10_000).trials) {
    const key = JSON.stringify(request);
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = neverFits(request, capacity);
    if (problem) {
      throw new ImpossibleRequestError(`${spec.file}: trial ${trialId} can never run on this machine: ${problem}`);
    }
    if (seen.size > 1000) break;
  }
}
