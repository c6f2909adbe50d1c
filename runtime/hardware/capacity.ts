/**
 * What the ledger may hand out: the detected machine, or the spec's `resources` override,
 * which can claim a bigger machine to rehearse a run (`GPU: 4` on a laptop gives devices 0..3).
 */
import type { ExperimentSpec } from '../../protocol/spec';
import type { SchedulableCapacity } from '../resources/request';
import type { HardwareReport } from './report';

export interface MachineCapacity extends SchedulableCapacity {
  /** True when some listed GPU index is not a real device of this machine. */
  simulated: boolean;
}

export function schedulableCapacity(
  report: Pick<HardwareReport, 'cpu' | 'gpus'>,
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
