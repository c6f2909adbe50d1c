import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthOf } from '../../../extension/health';
import { RuntimeStore } from '../../../extension/store';
import { experiment, resources } from './summaries';

function storeWith(...args: Parameters<RuntimeStore['reset']>): RuntimeStore {
  const store = new RuntimeStore();
  store.reset(...args);
  return store;
}

const counts = (over: Partial<Record<'PENDING' | 'RUNNING' | 'PAUSED' | 'TERMINATED' | 'ERROR', number>>) => ({
  PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 0, ERROR: 0, ...over,
});

test('nothing running reads idle', () => {
  const h = healthOf(new RuntimeStore(), 'connected', true);
  assert.equal(h.text, 'Tunekit: idle');
  assert.equal(h.severity, 'ok');
});

test('running and waiting trials and busy GPUs are counted', () => {
  const gpu = (index: number, held: boolean) => ({
    index, name: 'GPU', simulated: true,
    holders: held ? [{ experimentPath: '/a', trialId: String(index), rank: 0, fraction: 1 }] : [],
  });
  const store = storeWith({
    experiments: [experiment({ path: '/a', counts: counts({ RUNNING: 2, PENDING: 1 }) }), experiment({ path: '/b', live: false, state: 'finished', counts: counts({ RUNNING: 0 }) })],
    trials: [],
    resources: resources({ gpus: [gpu(0, true), gpu(1, true), gpu(2, false), gpu(3, false)], waiting: [{ experimentPath: '/a', trialId: '9', reason: 'no GPU free', holdsTrainable: false }] }),
  });
  assert.equal(healthOf(store, 'connected', true).text, 'Tunekit: 2 running · 1 waiting · GPU 2/4');
});

test('a live experiment with an errored trial turns the item yellow', () => {
  const store = storeWith({ experiments: [experiment({ counts: counts({ RUNNING: 1, ERROR: 1 }) })], trials: [], resources: resources() });
  const h = healthOf(store, 'connected', true);
  assert.equal(h.severity, 'warning');
  assert.match(h.tooltip, /1 trial errored/);
});

test('an experiment that failed while watched turns the item red', () => {
  const store = new RuntimeStore();
  store.apply({ experiments: [experiment({ path: '/a', name: 'digits' })], trials: [] });
  store.apply({ experiments: [experiment({ path: '/a', name: 'digits', live: false, state: 'failed' })], trials: [] });
  const h = healthOf(store, 'connected', true);
  assert.equal(h.severity, 'error');
  assert.match(h.tooltip, /Failed: digits/);
});

test('a crashed runtime is an error whatever the store holds', () => {
  const h = healthOf(new RuntimeStore(), 'crashed', true);
  assert.equal(h.severity, 'error');
  assert.equal(h.text, 'Tunekit: runtime stopped');
});

test('while connecting the item says so', () => {
  assert.equal(healthOf(new RuntimeStore(), 'starting', true).text, 'Tunekit: starting');
  assert.equal(healthOf(new RuntimeStore(), 'reconnecting', true).icon, 'sync~spin');
});

test('an untrusted workspace is marked restricted and the tooltip says why', () => {
  const h = healthOf(new RuntimeStore(), 'connected', false);
  assert.equal(h.text, 'Tunekit: idle (restricted)');
  assert.match(h.tooltip, /not trusted/);
});
