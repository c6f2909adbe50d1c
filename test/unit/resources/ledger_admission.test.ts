import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrialGrant } from '../../../protocol/trial';
import { ResourceLedger } from '../../../runtime/resources/ledger';
import type { TrialRequest } from '../../../runtime/resources/request';

const machine = { CPU: 4, gpus: [0, 1, 2, 3] };
const oneWorkerTwoGpus: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [{ CPU: 0, GPU: 2 }] };
const twoWorkersOneGpu: TrialRequest = {
  trainable: { CPU: 1, GPU: 0 },
  workers: [
    { CPU: 0, GPU: 1 },
    { CPU: 0, GPU: 1 },
  ],
};

function devices(grant: TrialGrant): number[] {
  return [grant.trainable, ...grant.workers].flatMap((b) => b.gpus.map((g) => g.index));
}

describe('coordinated admission', () => {
  it('gives a trial its trainable and every worker at once, on named whole devices', () => {
    const ledger = new ResourceLedger(machine);
    const result = ledger.admit('t1', twoWorkersOneGpu, 'coordinated');
    assert.deepEqual(result, {
      ok: true,
      grant: {
        trainable: { CPU: 1, gpus: [] },
        workers: [
          { CPU: 0, gpus: [{ index: 0, fraction: 1 }] },
          { CPU: 0, gpus: [{ index: 1, fraction: 1 }] },
        ],
      },
    });
  });

  it('takes nothing from a trial that does not fit, and says what is short', () => {
    const ledger = new ResourceLedger({ CPU: 2, gpus: [0] });
    const request: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [{ CPU: 2, GPU: 2 }] };
    assert.deepEqual(ledger.admit('t1', request, 'coordinated'), {
      ok: false,
      reason: 'needs 3 CPU, 2 free; needs 2 GPU on whole devices, 1 free',
    });
    assert.deepEqual(ledger.snapshot().cpu, { used: 0, total: 2 });
    assert.deepEqual(ledger.snapshot().gpus[0].holders, []);
  });

  for (const [shape, request] of [
    ['one worker × 2 GPUs', oneWorkerTwoGpus],
    ['two workers × 1 GPU', twoWorkersOneGpu],
  ] as const) {
    it(`on 4 CPUs and 4 GPUs runs two trials needing 2 GPUs (${shape}) and a third holds no CPU`, () => {
      const ledger = new ResourceLedger(machine);
      assert.equal(ledger.admit('t1', request, 'coordinated').ok, true);
      assert.equal(ledger.admit('t2', request, 'coordinated').ok, true);
      assert.deepEqual(ledger.admit('t3', request, 'coordinated'), {
        ok: false,
        reason: 'needs 2 GPU on whole devices, 0 free',
      });
      assert.equal(ledger.grantOf('t3'), undefined);
      assert.deepEqual(ledger.snapshot().cpu, { used: 2, total: 4 });
    });
  }

  it('gives two trials asking for whole GPUs disjoint devices', () => {
    const ledger = new ResourceLedger(machine);
    const a = ledger.admit('a', oneWorkerTwoGpus, 'coordinated');
    const b = ledger.admit('b', twoWorkersOneGpu, 'coordinated');
    assert.ok(a.ok && b.ok);
    assert.deepEqual(devices(a.grant), [0, 1]);
    assert.deepEqual(devices(b.grant), [2, 3]);
  });

  it('gives a whole-GPU request only devices that hold no share at all', () => {
    const ledger = new ResourceLedger({ CPU: 4, gpus: [0, 1] });
    ledger.admit('small', { trainable: { CPU: 0, GPU: 0.25 }, workers: [] }, 'coordinated');
    const whole = ledger.admit('whole', { trainable: { CPU: 0, GPU: 1 }, workers: [] }, 'coordinated');
    assert.ok(whole.ok);
    assert.deepEqual(devices(whole.grant), [1]);
    assert.deepEqual(ledger.admit('more', { trainable: { CPU: 0, GPU: 1 }, workers: [] }, 'coordinated'), {
      ok: false,
      reason: 'needs 1 GPU on whole devices, 0 free',
    });
  });

  it('refuses loudly to admit a trial that already holds resources', () => {
    const ledger = new ResourceLedger(machine);
    ledger.admit('t1', oneWorkerTwoGpus, 'coordinated');
    assert.throws(() => ledger.admit('t1', oneWorkerTwoGpus, 'coordinated'), /already holds resources/);
  });
});

describe('ray-mode admission', () => {
  it('admits a trial on its trainable alone, then places its workers as one bundle', () => {
    const ledger = new ResourceLedger(machine);
    const admitted = ledger.admit('t1', twoWorkersOneGpu, 'ray');
    assert.deepEqual(admitted, { ok: true, grant: { trainable: { CPU: 1, gpus: [] }, workers: [] } });
    assert.deepEqual(ledger.snapshot().gpus.map((g) => g.used), [0, 0, 0, 0]);
    const workers = ledger.acquireWorkers('t1');
    assert.ok(workers.ok);
    assert.deepEqual(devices(workers.grant), [0, 1]);
  });

  for (const [shape, request] of [
    ['one worker × 2 GPUs', oneWorkerTwoGpus],
    ['two workers × 1 GPU', twoWorkersOneGpu],
  ] as const) {
    it(`on 4 CPUs and 4 GPUs starts four trials (${shape}) but only two get their workers`, () => {
      const ledger = new ResourceLedger(machine);
      for (const id of ['t1', 't2', 't3', 't4']) assert.equal(ledger.admit(id, request, 'ray').ok, true);
      assert.equal(ledger.acquireWorkers('t1').ok, true);
      assert.equal(ledger.acquireWorkers('t2').ok, true);
      for (const id of ['t3', 't4']) {
        assert.deepEqual(ledger.acquireWorkers(id), { ok: false, reason: 'needs 2 GPU on whole devices, 0 free' });
      }
      assert.deepEqual(ledger.snapshot().cpu, { used: 4, total: 4 });
      assert.deepEqual(ledger.admit('t5', request, 'ray'), { ok: false, reason: 'needs 1 CPU, 0 free' });
    });
  }

  it('lets a trial waiting for workers keep its trainable and get them once another trial releases', () => {
    const ledger = new ResourceLedger({ CPU: 2, gpus: [0, 1] });
    ledger.admit('first', oneWorkerTwoGpus, 'ray');
    ledger.acquireWorkers('first');
    ledger.admit('second', oneWorkerTwoGpus, 'ray');
    assert.equal(ledger.acquireWorkers('second').ok, false);
    assert.deepEqual(ledger.grantOf('second'), { trainable: { CPU: 1, gpus: [] }, workers: [] });
    ledger.release('first');
    const retry = ledger.acquireWorkers('second');
    assert.ok(retry.ok);
    assert.deepEqual(devices(retry.grant), [0, 1]);
  });

  it('refuses loudly to place workers for a trial that was never admitted', () => {
    const ledger = new ResourceLedger(machine);
    assert.throws(() => ledger.acquireWorkers('ghost'), /admit it before acquiring workers/);
  });
});
