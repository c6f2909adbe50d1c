import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lttb, pointsPerCurve } from '../../../webview/model/lttb';

const line = (n: number, f: (x: number) => number) => Array.from({ length: n }, (_, x) => ({ x, y: f(x) }));

describe('LTTB downsampling', () => {
  it('keeps the first and last points and at most the threshold', () => {
    const out = lttb(line(1000, (x) => Math.sin(x / 20)), 100);
    assert.equal(out.length, 100);
    assert.deepEqual(out[0], { x: 0, y: 0 });
    assert.equal(out[99].x, 999);
    assert.ok(out.every((p, i) => i === 0 || p.x > out[i - 1].x), 'points stay in x order');
  });

  it('keeps a one-point spike that averaging would flatten', () => {
    const out = lttb(line(500, (x) => (x === 321 ? 50 : 0)), 20);
    assert.ok(out.some((p) => p.x === 321 && p.y === 50));
  });

  it('passes a curve shorter than the threshold through unchanged', () => {
    const input = line(10, (x) => x * x);
    assert.deepEqual(lttb(input, 50), input);
  });

  it('a threshold below 3 still keeps both ends', () => {
    assert.deepEqual(lttb(line(10, (x) => x), 1).map((p) => p.x), [0, 9]);
  });

  it('1,000 curves share the point budget but never drop below the floor', () => {
    assert.equal(pointsPerCurve(1000), 40);
    assert.equal(pointsPerCurve(10_000), 30);
    assert.equal(pointsPerCurve(10), 4000);
  });
});
