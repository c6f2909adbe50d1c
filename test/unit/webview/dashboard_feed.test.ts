import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DashboardFeed, mergeHistory } from '../../../extension/dashboard_feed';
import { RuntimeStore } from '../../../extension/store';
import { trialKey } from '../../../protocol/trial';
import type { ExperimentSummary } from '../../../protocol/runtime_api';
import { points, trial } from './trials';

const summary: ExperimentSummary = {
  path: '/exp',
  name: 'exp',
  state: 'running',
  live: true,
  counts: { PENDING: 0, RUNNING: 2, PAUSED: 0, TERMINATED: 0, ERROR: 0 },
  startedAt: 100,
};
const facts = { paramSpace: {}, capacity: { CPU: 4, gpus: [] }, admission: 'coordinated' as const };
const empty = { CPU: { total: 0, used: 0, holders: [] } };

function storeWith(): RuntimeStore {
  const store = new RuntimeStore();
  store.reset({ experiments: [summary], trials: [trial('a'), trial('b')], resources: { cpu: empty.CPU, gpus: [], waiting: [] } });
  return store;
}

describe('what a dashboard is sent', () => {
  it('a snapshot carries the summary, the record facts, the trials and the timeline', () => {
    const feed = new DashboardFeed('/exp', storeWith());
    const snap = feed.snapshot(facts, [{ type: 'trial_waiting', ts: 1, trial_id: 'a', reason: 'r' }], 200)!;
    assert.equal(snap.experiment.summary.name, 'exp');
    assert.deepEqual(snap.experiment.capacity, { CPU: 4, gpus: [] });
    assert.deepEqual(snap.trials.map((t) => t.id), ['a', 'b']);
    assert.equal(snap.timeline.length, 1);
  });

  it('an experiment the store does not know gets no snapshot', () => {
    assert.equal(new DashboardFeed('/nope', storeWith()).snapshot(facts, [], 0), undefined);
  });

  it('deltas carry only trials whose summary changed and points not sent yet', () => {
    const store = storeWith();
    const feed = new DashboardFeed('/exp', store);
    feed.snapshot(facts, [], 200);
    assert.equal(feed.delta([], 201), undefined, 'nothing changed');
    store.apply({ experiments: [], trials: [trial('b', { status: 'RUNNING' })], points: { [trialKey('/exp', 'a')]: points([1, 2]) } });
    const d1 = feed.delta([], 202)!;
    assert.deepEqual(d1.trials.map((t) => t.id), ['b']);
    assert.deepEqual(d1.points.a.iteration, [1, 2]);
    store.apply({ experiments: [], trials: [], points: { [trialKey('/exp', 'a')]: points([3], undefined, 1002) } });
    const d2 = feed.delta([], 203)!;
    assert.deepEqual(d2.trials, []);
    assert.deepEqual(d2.points.a.iteration, [3]);
  });

  it('a history loaded while points streamed in is merged with them, and they are not sent again', () => {
    const store = storeWith();
    const feed = new DashboardFeed('/exp', store);
    feed.snapshot(facts, [], 200);
    store.apply({ experiments: [], trials: [], points: { [trialKey('/exp', 'a')]: points([4, 5], undefined, 1003) } });
    const history = feed.history(new Map([['a', points([1, 2, 3, 4], undefined, 1000)]]), 1);
    assert.deepEqual(history.points.a.iteration, [1, 2, 3, 4, 5]);
    assert.equal(history.pending, 1);
    assert.equal(feed.delta([], 201), undefined);
  });

  it('rows of one second that reach the store in two batches are all sent, each once', () => {
    const store = storeWith();
    const feed = new DashboardFeed('/exp', store);
    feed.snapshot(facts, [], 200);
    // Results carry whole seconds: a fast trial reports many rows within one.
    const second = (iterations: number[]) => iterations.map((iteration) => ({ iteration, timeTotalS: iteration * 0.01, ts: 1000, values: { loss: 1 / iteration } }));
    store.apply({ experiments: [], trials: [], points: { [trialKey('/exp', 'a')]: second([1, 2, 3]) } });
    assert.deepEqual(feed.delta([], 201)!.points.a.iteration, [1, 2, 3]);
    store.apply({ experiments: [], trials: [], points: { [trialKey('/exp', 'a')]: second([4, 5]) } });
    assert.deepEqual(feed.delta([], 202)?.points.a?.iteration, [4, 5]);
    assert.equal(feed.delta([], 203), undefined, 'nothing is sent twice');
  });

  it('a history read while rows of its last second were still on their way is completed by them, not cut at that second', () => {
    const store = storeWith();
    const feed = new DashboardFeed('/exp', store);
    feed.snapshot(facts, [], 200);
    const row = (iteration: number) => ({ iteration, timeTotalS: iteration * 0.01, ts: 1000, values: { loss: 1 / iteration } });
    store.apply({ experiments: [], trials: [], points: { [trialKey('/exp', 'a')]: [row(3), row(4)] } });
    const history = feed.history(new Map([['a', [row(1), row(2), row(3)]]]), 0);
    assert.deepEqual(history.points.a.iteration, [1, 2, 3, 4]);
    store.apply({ experiments: [], trials: [], points: { [trialKey('/exp', 'a')]: [row(5)] } });
    assert.deepEqual(feed.delta([], 201)?.points.a?.iteration, [5]);
  });

  it('merging keeps history rows and adds only later live ones', () => {
    assert.deepEqual(mergeHistory(points([1, 2], undefined, 10), points([2, 3], undefined, 11)).map((p) => p.ts), [10, 11, 12]);
  });
});
