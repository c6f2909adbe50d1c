import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schedulableCapacity } from '../../../protocol/capacity';
import type { GpuInfo } from '../../../runtime/hardware/report';

function machine(cpus: number, gpuIndices: number[]): { cpu: { logical: number }; gpus: GpuInfo[] } {
  return { cpu: { logical: cpus }, gpus: gpuIndices.map((index) => ({ index, name: 'NVIDIA L4' })) };
}

describe('schedulable capacity', () => {
  it('is the detected machine when the spec overrides nothing', () => {
    assert.deepEqual(schedulableCapacity(machine(8, [0, 1])), { CPU: 8, gpus: [0, 1], simulated: false });
  });

  it('simulates devices 0..3 when the spec asks for 4 GPUs on a machine with none', () => {
    assert.deepEqual(schedulableCapacity(machine(2, []), { GPU: 4 }), { CPU: 2, gpus: [0, 1, 2, 3], simulated: true });
  });

  it('adds simulated devices after the real ones', () => {
    assert.deepEqual(schedulableCapacity(machine(2, [0, 1]), { GPU: 3 }).gpus, [0, 1, 2]);
  });

  it('uses only the first real devices when the spec asks for fewer GPUs than there are', () => {
    assert.deepEqual(schedulableCapacity(machine(2, [0, 1, 2]), { GPU: 1 }), { CPU: 2, gpus: [0], simulated: false });
    assert.deepEqual(schedulableCapacity(machine(2, [0, 1]), { GPU: 0 }).gpus, []);
  });

  it('takes the CPU count from the override, fractions included', () => {
    assert.deepEqual(schedulableCapacity(machine(2, [0]), { CPU: 16.5 }), { CPU: 16.5, gpus: [0], simulated: false });
  });

  it('counts whole devices only when the GPU override is fractional', () => {
    assert.deepEqual(schedulableCapacity(machine(2, []), { GPU: 2.5 }).gpus, [0, 1]);
  });
});
