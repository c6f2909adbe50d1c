import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StateDelta } from '../../../protocol/runtime_api';
import { trialKey } from '../../../protocol/trial';
import { DeltaBatcher, type DirtySet } from '../../../runtime/server/delta_batcher';

function collecting(intervalMs = 250) {
  const sent: Array<{ at: number; delta: StateDelta }> = [];
  const projected: DirtySet[] = [];
  const batcher = new DeltaBatcher({
    intervalMs,
    project: async (dirty) => {
      projected.push(dirty);
      return {
        experiments: [...dirty.experiments].map((path) => ({ path }) as never),
        trials: [...dirty.trials].flatMap(([path, ids]) => [...ids].map((id) => ({ experimentPath: path, id }) as never)),
      };
    },
    send: (delta) => sent.push({ at: Date.now(), delta }),
    onError: (err) => assert.fail(err),
  });
  return { batcher, sent, projected };
}

const point = (i: number) => ({ iteration: i, timeTotalS: i, ts: i, values: { loss: 1 / (i + 1) } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('state delta batching', () => {
  it('5,000 results in a burst become a handful of notifications that carry every point in order', async () => {
    const { batcher, sent } = collecting();
    const started = Date.now();
    for (let chunk = 0; chunk < 50; chunk++) {
      for (let i = 0; i < 100; i++) batcher.addPoint('/exp', `t${i % 4}`, point(chunk * 100 + i));
      await new Promise((r) => setImmediate(r));
    }
    while (Date.now() - started < 600) await sleep(50);
    assert.ok(sent.length >= 1 && sent.length <= 4, `${sent.length} notifications`);
    const all = sent.flatMap((s) => s.delta.points?.[trialKey('/exp', 't1')] ?? []);
    assert.equal(all.length, 1250);
    assert.deepEqual(all.map((p) => p.iteration), Array.from({ length: 1250 }, (_, k) => Math.floor(k / 25) * 100 + 1 + (k % 25) * 4));
    const trialIds = new Set(sent.flatMap((s) => s.delta.trials.map((t) => t.id)));
    assert.deepEqual([...trialIds].sort(), ['t0', 't1', 't2', 't3']);
    batcher.dispose();
  });

  it('sends at most one delta per interval while results keep coming', async () => {
    const { batcher, sent } = collecting(100);
    const until = Date.now() + 550;
    let i = 0;
    while (Date.now() < until) {
      batcher.addPoint('/exp', 't', point(i++));
      await sleep(5);
    }
    await sleep(150);
    batcher.dispose();
    const gaps = sent.slice(1).map((s, k) => s.at - sent[k].at);
    assert.ok(sent.length <= 7, `${sent.length} deltas in 550 ms`);
    assert.ok(gaps.every((g) => g >= 95), `gaps ${gaps.join(', ')}`);
    assert.equal(sent.flatMap((s) => s.delta.points?.[trialKey('/exp', 't')] ?? []).length, i);
  });

  it('sends only what changed since the last delta', async () => {
    const { batcher, sent, projected } = collecting(50);
    batcher.markTrial('/a', 'one');
    await sleep(80);
    batcher.markExperiment('/b');
    await sleep(80);
    batcher.dispose();
    assert.equal(sent.length, 2);
    assert.deepEqual([...projected[1].experiments], ['/b']);
    assert.equal(projected[1].trials.size, 0);
    assert.equal(sent[1].delta.points, undefined);
  });

  it('stays silent when nothing is marked, and ticks while polling', async () => {
    const { batcher, sent, projected } = collecting(40);
    await sleep(100);
    assert.equal(projected.length, 0);
    let polls = 0;
    const polling = new DeltaBatcher({
      intervalMs: 40,
      beforeFlush: async () => void polls++,
      project: async () => undefined,
      send: () => assert.fail('nothing to send'),
      onError: (err) => assert.fail(err),
    });
    polling.setPolling(true);
    await sleep(150);
    polling.dispose();
    batcher.dispose();
    assert.ok(polls >= 2, `${polls} polls`);
    assert.equal(sent.length, 0);
  });
});
