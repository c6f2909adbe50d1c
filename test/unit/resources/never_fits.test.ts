import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { neverFits } from '../../../runtime/resources/never_fits';
import type { TrialRequest } from '../../../runtime/resources/request';

function trial(trainableCpu: number, workers: Array<[cpu: number, gpu: number]>): TrialRequest {
  return { trainable: { CPU: trainableCpu, GPU: 0 }, workers: workers.map(([CPU, GPU]) => ({ CPU, GPU })) };
}

describe('requests that can never fit', () => {
  it('rejects 3 workers × 2 GPUs on 4 GPUs and says what to change', () => {
    const reason = neverFits(trial(1, [[1, 2], [1, 2], [1, 2]]), { CPU: 16, gpus: [0, 1, 2, 3] });
    assert.equal(
      reason,
      'each trial needs 6 whole GPUs (3 workers × 2) but this machine has 4; lower num_workers or ' +
        'resources_per_worker.GPU, ask for a share below 1 so workers share devices, or set resources.GPU ' +
        'to simulate more GPUs.',
    );
  });

  it('rejects more CPU than the machine has, adding up trainable and workers', () => {
    const reason = neverFits(trial(1, [[2, 0], [2, 0]]), { CPU: 4, gpus: [] });
    assert.match(reason ?? '', /^each trial needs 5 CPU \(trainable 1 \+ 2 workers × 2\) but this machine has 4;/);
    assert.match(reason ?? '', /raise resources\.CPU/);
  });

  it('rejects GPU workers on a machine with no GPU', () => {
    assert.match(neverFits(trial(1, [[1, 1]]), { CPU: 4, gpus: [] }) ?? '', /but this machine has no GPU;/);
  });

  it('rejects 1.5 GPU per worker because above 1 a GPU request must be whole', () => {
    assert.equal(
      neverFits(trial(1, [[1, 1.5]]), { CPU: 4, gpus: [0, 1] }),
      'worker 0 asks 1.5 GPU; above 1, GPU must be a whole number of devices.',
    );
  });

  it('rejects a negative amount', () => {
    assert.match(neverFits(trial(-1, []), { CPU: 4, gpus: [] }) ?? '', /^the trainable has an invalid amount: CPU/);
  });

  it('rejects shares that cannot be packed even on an idle machine', () => {
    const reason = neverFits(trial(0, [[0, 0.6], [0, 0.6], [0, 0.6]]), { CPU: 4, gpus: [0, 1] });
    assert.match(reason ?? '', /cannot be packed onto 2 GPU even when the machine is idle \(needs 0\.6 GPU on one device for each of 3 bundles, room for 2\)/);
  });

  it('accepts a request that fits an idle machine exactly', () => {
    assert.equal(neverFits(trial(1, [[1, 2], [2, 0.5], [0, 0.5]]), { CPU: 4, gpus: [0, 1, 2] }), undefined);
  });
});
