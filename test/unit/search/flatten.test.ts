import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenConfig } from '../../../runtime/search/flatten';

test('nested mappings flatten to slash-joined keys, as in Ray progress.csv', () => {
  const config = { train_loop_config: { lr: 0.01, model: { depth: 4 } }, scaling_config: { num_workers: 2 } };
  assert.deepEqual(flattenConfig(config), {
    'train_loop_config/lr': 0.01,
    'train_loop_config/model/depth': 4,
    'scaling_config/num_workers': 2,
  });
});

test('lists, nulls and empty mappings stay whole values', () => {
  assert.deepEqual(flattenConfig({ a: [1, { b: 2 }], c: null, d: {} }), { a: [1, { b: 2 }], c: null, d: {} });
});

test('a key named __proto__ becomes an ordinary key', () => {
  const config = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
  const flat = flattenConfig(config);
  assert.equal(flat['__proto__/x'], 1);
  assert.equal(Object.getPrototypeOf(flat), Object.prototype);
});
