import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DashboardExperiment } from '../../../protocol/dashboard_messages';
import type { ExperimentSummary } from '../../../protocol/runtime_api';
import { DashboardData } from '../../../webview/model/dashboard_data';
import { columns, trial } from './trials';

const summary = (patch: Partial<ExperimentSummary> = {}): ExperimentSummary => ({
  path: '/exp',
  name: 'exp',
  state: 'running',
  live: true,
  counts: { PENDING: 0, RUNNING: 2, PAUSED: 0, TERMINATED: 0, ERROR: 0 },
  startedAt: 100,
  ...patch,
});
const experiment = (patch: Partial<ExperimentSummary> = {}): DashboardExperiment => ({ summary: summary(patch), paramSpace: {}, capacity: { CPU: 2, gpus: [] }, admission: 'coordinated' });

describe('the page’s copy of an experiment', () => {
  it('a history replaces a trial’s points and live points already in it are not appended twice', () => {
    const data = new DashboardData();
    data.apply({ type: 'snapshot', experiment: experiment(), trials: [trial('a'), trial('b')], timeline: [], now: 200 }, 0);
    data.apply({ type: 'delta', trials: [], points: { a: columns([5], undefined, 1004) }, timeline: [], now: 201 }, 0);
    data.apply({ type: 'history', points: { a: columns([1, 2, 3, 4, 5], undefined, 1000) }, pending: 1 }, 0);
    data.apply({ type: 'delta', trials: [], points: { a: columns([5, 6], undefined, 1004) }, timeline: [], now: 202 }, 0);
    assert.deepEqual(data.points.get('a')!.iteration, [1, 2, 3, 4, 5, 6]);
    assert.equal(data.pendingHistories, 1);
  });

  it('rows that share a second with rows already drawn are appended, and a row delivered twice is kept once', () => {
    const data = new DashboardData();
    data.apply({ type: 'snapshot', experiment: experiment(), trials: [trial('a')], timeline: [], now: 200 }, 0);
    const second = (iterations: number[]) => ({ iteration: iterations, timeTotalS: iterations.map((i) => i * 0.01), ts: iterations.map(() => 1000), values: { loss: iterations.map((i) => 1 / i) } });
    data.apply({ type: 'history', points: { a: second([1, 2]) }, pending: 0 }, 0);
    data.apply({ type: 'delta', trials: [], points: { a: second([2, 3, 4]) }, timeline: [], now: 201 }, 0);
    assert.deepEqual(data.points.get('a')!.iteration, [1, 2, 3, 4]);
  });

  it('a metric first reported by a later row leaves the earlier rows without it', () => {
    const data = new DashboardData();
    data.apply({ type: 'snapshot', experiment: experiment(), trials: [trial('a')], timeline: [], now: 200 }, 0);
    data.apply({ type: 'history', points: { a: columns([1, 2], undefined, 1000) }, pending: 0 }, 0);
    const later = columns([3], undefined, 1002);
    later.values = { acc: [0.9] };
    data.apply({ type: 'delta', trials: [], points: { a: later }, timeline: [], now: 201 }, 0);
    assert.deepEqual(data.points.get('a')!.values, { loss: [1, 0.5, null], acc: [null, null, 0.9] });
  });

  it('records what changed since the views last drew', () => {
    const data = new DashboardData();
    data.apply({ type: 'snapshot', experiment: experiment(), trials: [trial('a'), trial('b')], timeline: [], now: 200 }, 0);
    assert.equal(data.takeChanges().reset, true);
    const b2 = trial('b', { status: 'RUNNING' });
    data.apply({ type: 'delta', trials: [b2], points: { a: columns([1]) }, timeline: [{ type: 'trial_waiting', ts: 1, trial_id: 'b', reason: 'r' }], now: 201 }, 0);
    const changes = data.takeChanges();
    assert.deepEqual([changes.reset, [...changes.trials], [...changes.points], changes.timeline], [false, ['b'], ['a'], true]);
    assert.equal(data.trialList()[1], b2, 'the ordered list shows the new summary');
    assert.equal(data.takeChanges().trials.size, 0);
  });

  it('a trial that appears later joins the ordered list in index order', () => {
    const data = new DashboardData();
    data.apply({ type: 'snapshot', experiment: experiment(), trials: [trial('t2', { index: 2 })], timeline: [], now: 200 }, 0);
    data.trialList();
    data.apply({ type: 'delta', trials: [trial('t1', { index: 1 })], points: {}, timeline: [], now: 200 }, 0);
    assert.deepEqual(data.trialList().map((t) => t.id), ['t1', 't2']);
  });

  it('the clock keeps moving between messages while live, and stops at the end once finished', () => {
    const data = new DashboardData();
    data.apply({ type: 'snapshot', experiment: experiment(), trials: [], timeline: [], now: 200 }, 10_000);
    assert.equal(data.now(12_500), 202.5);
    data.apply({ type: 'delta', summary: summary({ live: false, state: 'finished', endedAt: 205 }), trials: [], points: {}, timeline: [], now: 206 }, 13_000);
    assert.equal(data.now(99_000), 205);
  });
});
