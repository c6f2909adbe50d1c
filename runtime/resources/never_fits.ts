/**
 * Requests this machine can never run, even empty, with a sentence saying what to change.
 * The Tuner checks each trial once, so it fails early instead of waiting forever.
 */
import type { ResourceAmounts } from '../../protocol/spec';
import { bundleProblem, placeBundles } from './placement';
import type { SchedulableCapacity, TrialRequest } from './request';
import { UNITS_PER_WHOLE, formatUnits, toUnits } from './units';

export function neverFits(request: TrialRequest, capacity: SchedulableCapacity): string | undefined {
  const named: Array<[string, ResourceAmounts]> = [
    ['the trainable', request.trainable],
    ...request.workers.map((w, rank): [string, ResourceAmounts] => [`worker ${rank}`, w]),
  ];
  for (const [who, amounts] of named) {
    const problem = bundleProblem(amounts);
    if (problem) return `${who} ${problem.startsWith('asks') ? problem : `has an invalid amount: ${problem}`}.`;
  }

  const bundles = [request.trainable, ...request.workers];
  const cpuNeeded = bundles.reduce((total, b) => total + toUnits(b.CPU), 0);
  if (cpuNeeded > toUnits(capacity.CPU)) {
    return (
      `each trial needs ${formatUnits(cpuNeeded)} CPU (${describe(request, 'CPU')}) but this machine has ` +
      `${capacity.CPU}; lower trainer_resources.CPU, resources_per_worker.CPU or num_workers, ` +
      `or raise resources.CPU to simulate a bigger machine.`
    );
  }

  const wholeNeeded = bundles.reduce((total, b) => total + (b.GPU >= 1 ? b.GPU : 0), 0);
  if (wholeNeeded > capacity.gpus.length) {
    const has = capacity.gpus.length === 0 ? 'no GPU' : `${capacity.gpus.length}`;
    return (
      `each trial needs ${wholeNeeded} whole GPUs (${describe(request, 'GPU')}) but this machine has ${has}; ` +
      `lower num_workers or resources_per_worker.GPU, ask for a share below 1 so workers share devices, ` +
      `or set resources.GPU to simulate more GPUs.`
    );
  }

  const empty = {
    cpu: toUnits(capacity.CPU),
    gpus: capacity.gpus.map((index) => ({ index, free: UNITS_PER_WHOLE })),
  };
  const placement = placeBundles(empty, bundles);
  if (placement.ok) return undefined;
  return (
    `each trial's GPU shares (${describe(request, 'GPU')}) cannot be packed onto ${capacity.gpus.length} GPU ` +
    `even when the machine is idle (${placement.reason}); lower resources_per_worker.GPU or num_workers.`
  );
}

/** "trainable 1 + 2 workers × 2", so the sum in the message can be checked by eye. */
function describe(request: TrialRequest, key: keyof ResourceAmounts): string {
  const parts: string[] = [];
  if (request.trainable[key] > 0) parts.push(`trainable ${request.trainable[key]}`);
  const counts = new Map<number, number>();
  for (const worker of request.workers) {
    if (worker[key] > 0) counts.set(worker[key], (counts.get(worker[key]) ?? 0) + 1);
  }
  for (const [amount, count] of counts) parts.push(`${count} worker${count === 1 ? '' : 's'} × ${amount}`);
  return parts.join(' + ') || 'none';
}
