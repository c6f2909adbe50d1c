import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceLedger } from '../../../runtime/resources/ledger';
import type { TrialRequest } from '../../../runtime/resources/request';

const request: TrialRequest = {
  trainable: { CPU: 1, GPU: 0 },
  workers: [
    { CPU: 1, GPU: 1 },
    { CPU: 1, GPU: 0.5 },
  ],
};

function idle(ledger: ResourceLedger): boolean {
  const snapshot = ledger.snapshot();
  return snapshot.cpu.used === 0 && snapshot.gpus.every((g) => g.used === 0 && g.holders.length === 0);
}

describe('releasing resources', () => {
  it('frees the trainable of a ray-mode trial that never got its workers', () => {
    const ledger = new ResourceLedger({ CPU: 2, gpus: [] });
    ledger.admit('t1', request, 'ray');
    assert.equal(ledger.acquireWorkers('t1').ok, false);
    ledger.release('t1');
    assert.ok(idle(ledger));
    assert.equal(ledger.grantOf('t1'), undefined);
  });

  it('changes nothing when a trial is released twice or was never known', () => {
    const ledger = new ResourceLedger({ CPU: 4, gpus: [0, 1] });
    ledger.admit('kept', request, 'coordinated');
    ledger.admit('gone', { trainable: { CPU: 1, GPU: 0 }, workers: [] }, 'coordinated');
    const before = ledger.snapshot();
    ledger.release('gone');
    const afterOne = ledger.snapshot();
    ledger.release('gone');
    ledger.release('never-admitted');
    ledger.releaseWorkers('never-admitted');
    assert.deepEqual(ledger.snapshot(), afterOne);
    assert.equal(afterOne.cpu.used, before.cpu.used - 1);
  });

  it('frees the workers but keeps the trainable for a restart, and places the workers again', () => {
    const ledger = new ResourceLedger({ CPU: 3, gpus: [0, 1] });
    const first = ledger.admit('t1', request, 'coordinated');
    assert.ok(first.ok);
    ledger.releaseWorkers('t1');
    assert.deepEqual(ledger.grantOf('t1'), { trainable: { CPU: 1, gpus: [] }, workers: [] });
    assert.equal(ledger.snapshot().cpu.used, 1);
    const again = ledger.acquireWorkers('t1');
    assert.ok(again.ok);
    assert.deepEqual(again.grant, first.grant);
  });

  it('places a different worker bundle on restart when one is given', () => {
    const ledger = new ResourceLedger({ CPU: 3, gpus: [0, 1] });
    ledger.admit('t1', request, 'coordinated');
    ledger.releaseWorkers('t1');
    const smaller = ledger.acquireWorkers('t1', [{ CPU: 1, GPU: 0 }]);
    assert.ok(smaller.ok);
    assert.deepEqual(smaller.grant.workers, [{ CPU: 1, gpus: [] }]);
  });
});

describe('ledger snapshot', () => {
  it('names every holder of every device by trial and rank, with CPU used and total', () => {
    const ledger = new ResourceLedger({ CPU: 8, gpus: [0, 1, 2] });
    ledger.admit('a', request, 'coordinated');
    ledger.admit('b', { trainable: { CPU: 0.5, GPU: 0.25 }, workers: [] }, 'ray');
    assert.deepEqual(ledger.snapshot(), {
      cpu: { used: 3.5, total: 8 },
      gpus: [
        { index: 0, used: 1, holders: [{ trialId: 'a', rank: 0, fraction: 1 }] },
        {
          index: 1,
          used: 0.75,
          holders: [
            { trialId: 'a', rank: 1, fraction: 0.5 },
            { trialId: 'b', rank: 'trainable', fraction: 0.25 },
          ],
        },
        { index: 2, used: 0, holders: [] },
      ],
    });
  });
});

describe('ledger invariants', () => {
  it('never over-allocates across random admissions and releases, and empties completely', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
    const ledger = new ResourceLedger({ CPU: 6, gpus: [0, 1, 2, 3] });
    const live = new Set<string>();
    for (let step = 0; step < 2000; step++) {
      const id = `t${Math.floor(random() * 12)}`;
      if (live.has(id)) {
        if (random() < 0.3) ledger.releaseWorkers(id);
        else {
          ledger.release(id);
          live.delete(id);
        }
      } else {
        const workers = Array.from({ length: Math.floor(random() * 3) }, () => ({
          CPU: pick([0, 0.5, 1]),
          GPU: pick([0, 0.1, 0.25, 0.5, 1, 2]),
        }));
        const mode = pick(['coordinated', 'ray'] as const);
        if (ledger.admit(id, { trainable: { CPU: pick([0, 1]), GPU: 0 }, workers }, mode).ok) live.add(id);
        if (live.has(id) && mode === 'ray') ledger.acquireWorkers(id);
      }
      const snapshot = ledger.snapshot();
      assert.ok(snapshot.cpu.used <= snapshot.cpu.total);
      for (const gpu of snapshot.gpus) {
        const held = gpu.holders.reduce((sum, h) => sum + Math.round(h.fraction * 10_000), 0);
        assert.ok(held <= 10_000, `device ${gpu.index} over-allocated at step ${step}`);
        assert.equal(Math.round(gpu.used * 10_000), held);
      }
    }
    for (const id of live) ledger.release(id);
    assert.ok(idle(ledger));
  });
});
