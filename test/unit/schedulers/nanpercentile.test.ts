import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, nanPercentile } from '../../../runtime/schedulers/nanpercentile';

// Expected values are numpy 2's, computed with np.nanpercentile and np.median.
test('the 75th percentile of 0.5, 0.6, 0.7 and 0.8 interpolates linearly to 0.725', () => {
  assert.equal(nanPercentile([0.8, 0.5, 0.7, 0.6], 75), 0.725);
});

test('from a fraction of 0.5 up, numpy interpolates back from the upper neighbour, which changes the last bit', () => {
  // 0.05 + (0.65 - 0.05) * 0.75 would be 0.49999999999999994.
  assert.equal(nanPercentile([0.05, 0.65], 75), 0.5);
  assert.equal(nanPercentile([0.2, 0.9], 75), 0.7250000000000001);
});

test('NaN values are left out, and a list of only NaN gives NaN', () => {
  assert.equal(nanPercentile([Number.NaN, 1, 3], 50), 2);
  assert.ok(Number.isNaN(nanPercentile([Number.NaN], 50)));
  assert.ok(Number.isNaN(nanPercentile([], 50)));
});

test('infinite neighbours give what numpy gives: NaN between two infinities', () => {
  assert.ok(Number.isNaN(nanPercentile([Infinity, Infinity], 75)));
  assert.equal(nanPercentile([1, Infinity], 25), Infinity);
});

test('the median of an even count is the mean of the two middle values', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5, 1, 3]), 3);
});
