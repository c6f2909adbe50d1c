import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trialKey } from '../../../protocol/trial';
import { MAX_POINTS_PER_TRIAL, RuntimeStore, type StoreChange } from '../../../extension/store';
import { experiment, resources, trial } from './summaries';

const A = '/ws/tunekit_results/a';
const B = '/ws/tunekit_results/b';

function recording(store: RuntimeStore): StoreChange[] {
  const changes: StoreChange[] = [];
  store.onDidChange((c) => changes.push(c));
  return changes;
}

test('a snapshot replaces everything the store held before', () => {
  const store = new RuntimeStore();
  store.reset({ experiments: [experiment({ path: A })], trials: [trial({ experimentPath: A })], resources: resources() });
  store.reset({ experiments: [experiment({ path: B, name: 'b' })], trials: [], resources: resources({ cpu: { total: 8, used: 0, holders: [] } }) });
  assert.deepEqual(store.experiments().map((e) => e.path), [B]);
  assert.deepEqual(store.trialsOf(A), []);
  assert.equal(store.resources().cpu.total, 8);
});

test('deltas apply in arrival order, so the later summary of a trial wins', () => {
  const store = new RuntimeStore();
  store.reset({ experiments: [experiment({ path: A })], trials: [], resources: resources() });
  store.apply({ experiments: [], trials: [trial({ experimentPath: A, id: '00001', status: 'RUNNING', iteration: 3 })] });
  store.apply({ experiments: [], trials: [trial({ experimentPath: A, id: '00001', status: 'TERMINATED', iteration: 12 })] });
  const t = store.trial(A, '00001');
  assert.equal(t?.status, 'TERMINATED');
  assert.equal(t?.iteration, 12);
});

test('a delta that came before the snapshot answer is overwritten by the snapshot', () => {
  const store = new RuntimeStore();
  store.apply({ experiments: [experiment({ path: A, state: 'running' })], trials: [] });
  store.reset({ experiments: [experiment({ path: A, state: 'finished', live: false })], trials: [], resources: resources() });
  assert.equal(store.experiment(A)?.state, 'finished');
});

test('trials come back in index order whatever order they arrived in', () => {
  const store = new RuntimeStore();
  store.apply({ experiments: [experiment({ path: A })], trials: ['00002', '00000', '00001'].map((id) => trial({ experimentPath: A, id })) });
  assert.deepEqual(store.trialsOf(A).map((t) => t.id), ['00000', '00001', '00002']);
});

test('experiments are listed newest first', () => {
  const store = new RuntimeStore();
  store.apply({ experiments: [experiment({ path: A, startedAt: 10 }), experiment({ path: B, startedAt: 20 })], trials: [] });
  assert.deepEqual(store.experiments().map((e) => e.path), [B, A]);
});

test('a change names the new experiments and every experiment it touched', () => {
  const store = new RuntimeStore();
  store.apply({ experiments: [experiment({ path: A })], trials: [] });
  const changes = recording(store);
  store.apply({ experiments: [experiment({ path: B })], trials: [trial({ experimentPath: A })] });
  assert.equal(changes.length, 1);
  assert.deepEqual(changes[0].addedExperiments, [B]);
  assert.deepEqual([...changes[0].changedExperiments].sort(), [A, B]);
  assert.equal(changes[0].resourcesChanged, false);
});

test('an empty delta does not wake the views', () => {
  const store = new RuntimeStore();
  const changes = recording(store);
  store.apply({ experiments: [], trials: [] });
  assert.equal(changes.length, 0);
});

test('metric points append per trial and keep only the newest ones', () => {
  const store = new RuntimeStore();
  const point = (iteration: number) => ({ iteration, timeTotalS: iteration, ts: iteration, values: { val_acc: iteration / 10 } });
  const key = trialKey(A, '00000');
  store.apply({ experiments: [], trials: [], points: { [key]: [point(1), point(2)] } });
  store.apply({ experiments: [], trials: [], points: { [key]: [point(3)] } });
  assert.deepEqual(store.points(A, '00000').map((p) => p.iteration), [1, 2, 3]);
  const many = Array.from({ length: MAX_POINTS_PER_TRIAL + 10 }, (_, i) => point(i + 4));
  store.apply({ experiments: [], trials: [], points: { [key]: many } });
  const kept = store.points(A, '00000');
  assert.equal(kept.length, MAX_POINTS_PER_TRIAL);
  assert.equal(kept[kept.length - 1].iteration, MAX_POINTS_PER_TRIAL + 13);
});

test('an experiment that fails while watched needs attention until it runs again', () => {
  const store = new RuntimeStore();
  store.apply({ experiments: [experiment({ path: A, live: true, state: 'running' })], trials: [] });
  store.apply({ experiments: [experiment({ path: A, live: false, state: 'failed' })], trials: [] });
  assert.deepEqual(store.failedExperiments(), [A]);
  store.apply({ experiments: [experiment({ path: A, live: true, state: 'running' })], trials: [] });
  assert.deepEqual(store.failedExperiments(), []);
});

test('an experiment that had already failed before the window attached does not need attention', () => {
  const store = new RuntimeStore();
  store.reset({ experiments: [experiment({ path: A, live: false, state: 'failed' })], trials: [], resources: resources() });
  assert.deepEqual(store.failedExperiments(), []);
});

test('a view that throws on a change neither stops the views after it nor the next change', () => {
  const errors: unknown[] = [];
  const store = new RuntimeStore((err) => errors.push(err));
  store.onDidChange(() => {
    throw new Error('a broken tree');
  });
  const later = recording(store);
  store.reset({ experiments: [experiment({ path: A })], trials: [], resources: resources() });
  store.apply({ experiments: [experiment({ path: A, state: 'finished', live: false })], trials: [] });
  assert.equal(later.length, 2, 'the view registered after the broken one saw both changes');
  assert.equal(errors.length, 2);
  assert.match(String(errors[0]), /a broken tree/);
});
