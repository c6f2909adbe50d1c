import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceLedger } from '../../../runtime/resources/ledger';
import type { TrialRequest } from '../../../runtime/resources/request';

function gpuShare(fraction: number): TrialRequest {
  return { trainable: { CPU: 0, GPU: 0 }, workers: [{ CPU: 0, GPU: fraction }] };
}

describe('fractional GPU packing', () => {
  it('fits 6 workers of 0.15 GPU per device on 8 GPUs, 48 in all, not 53', () => {
    const ledger = new ResourceLedger({ CPU: 100, gpus: [0, 1, 2, 3, 4, 5, 6, 7] });
    const request: TrialRequest = {
      trainable: { CPU: 0, GPU: 0 },
      workers: Array.from({ length: 48 }, () => ({ CPU: 0, GPU: 0.15 })),
    };
    const result = ledger.admit('wide', request, 'coordinated');
    assert.ok(result.ok);
    const perDevice = ledger.snapshot().gpus.map((g) => g.holders.length);
    assert.deepEqual(perDevice, [6, 6, 6, 6, 6, 6, 6, 6]);
    assert.deepEqual(ledger.admit('one-more', gpuShare(0.15), 'coordinated'), {
      ok: false,
      reason: 'needs 0.15 GPU on one device, largest free share 0.1',
    });
  });

  it('puts two workers asking 0.5 GPU on the same device', () => {
    const ledger = new ResourceLedger({ CPU: 1, gpus: [0, 1] });
    const request: TrialRequest = {
      trainable: { CPU: 0, GPU: 0 },
      workers: [
        { CPU: 0, GPU: 0.5 },
        { CPU: 0, GPU: 0.5 },
      ],
    };
    const result = ledger.admit('pair', request, 'coordinated');
    assert.ok(result.ok);
    assert.deepEqual(
      result.grant.workers.map((w) => w.gpus),
      [[{ index: 0, fraction: 0.5 }], [{ index: 0, fraction: 0.5 }]],
    );
  });

  it('after 0.3 + 0.3 + 0.3 on one device fits 0.2 more but not 0.3', () => {
    const ledger = new ResourceLedger({ CPU: 1, gpus: [0] });
    for (const id of ['a', 'b', 'c']) assert.equal(ledger.admit(id, gpuShare(0.3), 'coordinated').ok, true);
    assert.deepEqual(ledger.admit('d', gpuShare(0.3), 'coordinated'), {
      ok: false,
      reason: 'needs 0.3 GPU on one device, largest free share 0.1',
    });
    ledger.release('c');
    assert.equal(ledger.admit('e', gpuShare(0.2), 'coordinated').ok, true);
    assert.equal(ledger.admit('f', gpuShare(0.3), 'coordinated').ok, false);
    assert.equal(ledger.snapshot().gpus[0].used, 0.8);
  });

  it('never splits a 0.5 GPU share across two devices that each have 0.25 free', () => {
    const ledger = new ResourceLedger({ CPU: 1, gpus: [0, 1] });
    ledger.admit('x', gpuShare(0.75), 'coordinated');
    ledger.admit('y', gpuShare(0.75), 'coordinated');
    assert.deepEqual(ledger.admit('z', gpuShare(0.5), 'coordinated'), {
      ok: false,
      reason: 'needs 0.5 GPU on one device, largest free share 0.25',
    });
  });

  it('counts ten shares of 0.1 as exactly one device', () => {
    const ledger = new ResourceLedger({ CPU: 1, gpus: [0] });
    for (let i = 0; i < 10; i++) assert.equal(ledger.admit(`s${i}`, gpuShare(0.1), 'coordinated').ok, true);
    assert.equal(ledger.snapshot().gpus[0].used, 1);
    assert.equal(ledger.admit('s10', gpuShare(0.1), 'coordinated').ok, false);
    for (let i = 0; i < 10; i++) ledger.release(`s${i}`);
    assert.equal(ledger.admit('whole', gpuShare(1), 'coordinated').ok, true);
  });

  it('adds fractional CPUs up exactly', () => {
    const ledger = new ResourceLedger({ CPU: 1, gpus: [] });
    const tenth: TrialRequest = { trainable: { CPU: 0.1, GPU: 0 }, workers: [] };
    for (let i = 0; i < 10; i++) assert.equal(ledger.admit(`c${i}`, tenth, 'ray').ok, true);
    assert.deepEqual(ledger.admit('c10', tenth, 'ray'), { ok: false, reason: 'needs 0.1 CPU, 0 free' });
  });

  it('says how many of a trial’s shares would fit when not all of them do', () => {
    const ledger = new ResourceLedger({ CPU: 1, gpus: [0] });
    const request: TrialRequest = {
      trainable: { CPU: 0, GPU: 0 },
      workers: [0.5, 0.5, 0.5].map((GPU) => ({ CPU: 0, GPU })),
    };
    assert.deepEqual(ledger.admit('t', request, 'coordinated'), {
      ok: false,
      reason: 'needs 0.5 GPU on one device for each of 3 bundles, room for 2',
    });
    assert.equal(ledger.snapshot().gpus[0].used, 0);
  });
});
