import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GpuInfo, HardwareReport } from '../../../runtime/hardware/report';
import { ResourceView } from '../../../runtime/server/resource_view';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function machine(gpus: GpuInfo[], source: HardwareReport['gpuSource'] = 'nvidia-smi'): HardwareReport {
  return { cpu: { logical: 4 }, memory: { totalBytes: 2 ** 34 }, gpus, otherGpus: [], gpuSource: source, notes: [] };
}

describe('the resource view', () => {
  it('refreshes GPU utilisation while something runs, keeps the last reading when one fails, and stops after', async () => {
    const readings: GpuInfo[][] = [[{ index: 0, name: 'A100', utilizationPct: 40 }], [], [{ index: 0, name: 'A100', utilizationPct: 90 }]];
    let queries = 0;
    let changes = 0;
    let detections = 0;
    const view = new ResourceView({
      refreshMs: 20,
      detect: async () => (detections++, machine([{ index: 0, name: 'A100', utilizationPct: 0 }])),
      queryGpus: async () => readings[Math.min(queries++, readings.length - 1)],
      onChange: () => changes++,
      onError: (err) => assert.fail(err),
    });
    assert.equal((await view.snapshot([])).gpus[0].utilizationPct, 0);
    view.setActive(true);
    await waitUntil(() => queries >= 2);
    assert.equal((await view.snapshot([])).gpus[0].utilizationPct, 40, 'a failed reading keeps the last good one');
    await waitUntil(() => queries >= 3);
    await sleep(5);
    assert.equal((await view.snapshot([])).gpus[0].utilizationPct, 90);
    view.setActive(false);
    const stoppedAt = queries;
    await sleep(60);
    assert.equal(queries, stoppedAt);
    assert.ok(changes >= 2);
    assert.equal(detections, 1, 'hardware is detected once');
  });

  it('never queries nvidia-smi on a machine where it found none', async () => {
    let queries = 0;
    const view = new ResourceView({
      refreshMs: 10,
      detect: async () => machine([], 'none'),
      queryGpus: async () => (queries++, []),
      onChange: () => undefined,
      onError: (err) => assert.fail(err),
    });
    view.setActive(true);
    await sleep(50);
    view.setActive(false);
    assert.equal(queries, 0);
    assert.deepEqual((await view.snapshot([])).cpu, { total: 4, used: 0, holders: [] });
  });
});

async function waitUntil(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
