import type { ExperimentSpec } from '../../protocol/spec';
import { UserError } from '../errors/user_error';
import { detectHardware, schedulableCapacity } from '../hardware/detect';
import { fitProblems } from '../spec/run_checks';

/** Detected hardware and what the ledger may hand out (after the spec's override). */
export async function machineFor(spec: ExperimentSpec) {
  const hardware = await detectHardware();
  const capacity = schedulableCapacity(hardware, spec.resources);
  return { hardware, capacity };
}

/** A trial, or a cluster job, that could never be admitted where it would run. */
export class ImpossibleRequestError extends UserError {}

/**
 * A trial that could never be admitted is a spec error, not a silent wait. A spec read from its
 * file is checked with its lines by loadSpec; this is for one replayed from a journal.
 */
export function checkRequestsFit(spec: ExperimentSpec, capacity: { CPU: number; gpus: number[] }): void {
  const [problem] = fitProblems(spec, capacity);
  if (problem) throw new ImpossibleRequestError(`${spec.file}: ${problem.message}`);
}
