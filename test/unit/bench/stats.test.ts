import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile } from '../../../scripts/bench/stats';

test('the median of an odd count is the middle sample, whatever the input order', () => {
  assert.equal(median([9, 1, 5]), 5);
});

test('the median of an even count is the mean of the two middle samples', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('the 99th percentile of 1..100 is 99 and the 100th is the maximum', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
});

test('a percentile of a few samples is one of those samples, never an interpolation', () => {
  assert.equal(percentile([10, 20, 30], 50), 20);
  assert.equal(percentile([10, 20, 30], 99), 30);
});

test('summarising no samples is an error rather than a silent NaN', () => {
  assert.throws(() => median([]), /no samples/);
  assert.throws(() => percentile([1], 0), /percentile must be/);
});
