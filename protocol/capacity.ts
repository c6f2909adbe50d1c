/**
 * What the ledger may hand out: the detected machine, or the spec's `resources` override,
 * which can claim a bigger machine to rehearse a run (`GPU: 4` on a laptop gives devices 0..3).
 * In protocol/ because the dashboard reads a recorded experiment's capacity by the same rule.
 */
import type { ExperimentSpec } from './spec';

/** The machine as the hardware probe (or experiment.json) describes it, as far as capacity goes. */
export interface MachineFacts {
  cpu: { logical: number };
  gpus: Array<{ index: number }>;
}

export interface MachineCapacity {
  CPU: number;
  gpus: number[];
  /** True when some listed GPU index is not a real device of this machine. */
  simulated: boolean;
}

export function schedulableCapacity(
  report: MachineFacts,
  override: ExperimentSpec['resources'] = {},
): MachineCapacity {
  const CPU = override.CPU !== undefined && Number.isFinite(override.CPU) ? Math.max(0, override.CPU) : report.cpu.logical;
  const real = report.gpus.map((g) => g.index).sort((a, b) => a - b);
  if (override.GPU === undefined || !Number.isFinite(override.GPU)) return { CPU, gpus: real, simulated: false };
  // Devices are whole; a GPU count of 2.5 means 2 devices.
  const count = Math.max(0, Math.floor(override.GPU));
  if (count <= real.length) return { CPU, gpus: real.slice(0, count), simulated: false };
  // Simulated devices follow the real ones, numbered as CUDA would number them.
  const gpus = [...real];
  for (let next = 0; gpus.length < count; next++) if (!gpus.includes(next)) gpus.push(next);
  return { CPU, gpus: gpus.sort((a, b) => a - b), simulated: true };
}
