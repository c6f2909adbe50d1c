import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunEndWatch } from '../../../extension/run_end_checks';
import { RuntimeStore } from '../../../extension/store';
import { experiment, trial } from './summaries';

const resources = { cpu: { total: 2, used: 0, holders: [] }, gpus: [], waiting: [] };

function watched(): { store: RuntimeStore; warnings: string[] } {
  const store = new RuntimeStore();
  const warnings: string[] = [];
  new RunEndWatch(store, (m) => warnings.push(m));
  return { store, warnings };
}

test('a watched run whose metric no trial reported ends with a warning naming the keys they did report', () => {
  const { store, warnings } = watched();
  const running = experiment({ path: '/exp', name: 'ddp', metric: 'val_loss', mode: 'min', state: 'running', live: true });
  const reported = { experimentPath: '/exp', metrics: { step: 9, rank: 0 } };
  store.reset({ experiments: [running], trials: [trial({ id: 'a', ...reported })], resources });
  assert.deepEqual(warnings, []);
  store.apply({ experiments: [{ ...running, state: 'finished', live: false }], trials: [trial({ id: 'a', ...reported, status: 'TERMINATED' })] });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^ddp ended, but no trial reported its metric "val_loss"; its trials reported rank, step\./);
  store.apply({ experiments: [{ ...running, state: 'finished', live: false }], trials: [] });
  assert.equal(warnings.length, 1, 'once');
});

test('a run whose trials reported the metric, or one browsed from disk, ends quietly', () => {
  const { store, warnings } = watched();
  const running = experiment({ path: '/exp', metric: 'val_loss', state: 'running', live: true });
  store.reset({ experiments: [running, experiment({ path: '/old', metric: 'val_loss', state: 'finished', live: false })], trials: [trial({ id: 'a', experimentPath: '/exp', metrics: { val_loss: 0.2 } })], resources });
  store.apply({ experiments: [{ ...running, state: 'finished', live: false }], trials: [] });
  assert.deepEqual(warnings, []);
});
