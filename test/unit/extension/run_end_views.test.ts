import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthOf } from '../../../extension/health';
import { specLenses } from '../../../extension/spec_actions';
import { SpecLensWatch } from '../../../extension/spec_lens_watch';
import { RuntimeStore } from '../../../extension/store';
import { experiment, resources, trial } from './summaries';

const A = '/ws/tunekit_results/quick';
const SPEC = '/ws/quick.tune.yaml';
const running = { PENDING: 0, RUNNING: 1, PAUSED: 0, TERMINATED: 3, ERROR: 0 };
const done = { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 4, ERROR: 0 };

function liveStore(): RuntimeStore {
  const store = new RuntimeStore();
  const holder = { experimentPath: A, trialId: '00003', rank: 0, fraction: 1 };
  store.reset({
    experiments: [experiment({ path: A, specPath: SPEC, counts: running, totalTrials: 4 })],
    trials: [trial({ experimentPath: A, id: '00003', status: 'RUNNING' })],
    resources: resources({ cpu: { total: 2, used: 1, holders: [holder] } }),
  });
  return store;
}

const ended = {
  experiments: [experiment({ path: A, specPath: SPEC, state: 'finished', live: false, counts: done, totalTrials: 4 })],
  trials: [trial({ experimentPath: A, id: '00003', status: 'TERMINATED' })],
  resources: resources(),
};

test('the lenses and the status bar read the end of a run from the very store update that ends it', () => {
  const store = liveStore();
  assert.equal(healthOf(store, 'connected', true).text, 'Tunekit: 1 running');
  const seen: Array<{ lenses: string[]; status: string }> = [];
  // What a view reads when the lens watch tells it to refresh, before any timer could run.
  const watch = new SpecLensWatch(store, () =>
    seen.push({ lenses: specLenses(store.experiments().find((e) => e.specPath === SPEC), true), status: healthOf(store, 'connected', true).text }),
  );
  store.apply(ended);
  assert.deepEqual(seen, [{ lenses: ['▶ Run', 'Plan', 'Open Dashboard'], status: 'Tunekit: idle' }]);
  watch.dispose();
});

test('a run stopped by the user offers Resume at once, and results streaming in refresh no lens', () => {
  const store = liveStore();
  let refreshes = 0;
  const watch = new SpecLensWatch(store, () => refreshes++);
  store.apply({ experiments: [], trials: [trial({ experimentPath: A, id: '00003', status: 'RUNNING', iteration: 5 })], points: {} });
  store.apply({ experiments: [experiment({ path: A, specPath: SPEC, counts: running, totalTrials: 4, startedAt: 1000 })], trials: [] });
  assert.equal(refreshes, 0, 'nothing a lens shows changed');
  store.apply({ experiments: [experiment({ path: A, specPath: SPEC, state: 'stopped', live: false, counts: done })], trials: [] });
  assert.equal(refreshes, 1);
  assert.deepEqual(specLenses(store.experiment(A), true), ['▶ Run', 'Plan', 'Resume']);
  watch.dispose();
  store.apply(ended);
  assert.equal(refreshes, 1, 'a disposed watch no longer listens');
});
