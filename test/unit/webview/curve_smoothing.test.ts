import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampSmoothing, smoothEma } from '../../../webview/model/curve_smoothing';

describe('curve smoothing', () => {
  it("is TensorBoard's debiased EMA: the first point is kept, later ones are pulled towards the past", () => {
    const smoothed = smoothEma([1, 0, 0], 0.5);
    // last: 0.5, 0.25, 0.125; debias: 0.5, 0.75, 0.875.
    assert.deepEqual(smoothed.map((v) => Number(v.toFixed(6))), [1, 0.333333, 0.142857]);
  });

  it('leaves a constant curve constant, and weight 0 leaves any curve as it is', () => {
    assert.ok(smoothEma([3, 3, 3, 3], 0.9).every((v) => Math.abs(v - 3) < 1e-12));
    assert.deepEqual(smoothEma([1, 5, 2], 0), [1, 5, 2]);
  });

  it('a saved weight outside 0..0.99 is clamped, and anything else is off', () => {
    assert.deepEqual([clampSmoothing(2), clampSmoothing(-1), clampSmoothing('0.5'), clampSmoothing(0.6)], [0.99, 0, 0, 0.6]);
  });
});
