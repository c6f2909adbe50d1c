import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logTickLabel, shortLogLabel } from '../../../webview/model/log_ticks';

/** Every tick chart.js puts on a log axis: each integer multiple of each decade. */
function ticks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (let m = 1; m <= 9; m++) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v >= min && v <= max) out.push(v);
    }
  }
  return out;
}

/** Labels placed along `length` px, each `labelPx` wide: none overlaps the next. */
function collide(min: number, max: number, length: number, labelPx: number): string[] {
  const placed = ticks(min, max)
    .map((v) => ({ v, label: logTickLabel(v, min, max, length, labelPx), at: (Math.log10(v / min) / Math.log10(max / min)) * length }))
    .filter((t) => t.label);
  const bad: string[] = [];
  for (let i = 1; i < placed.length; i++) if (placed[i].at - placed[i - 1].at < labelPx) bad.push(`${placed[i - 1].label}|${placed[i].label}`);
  return bad;
}

describe('log axis tick labels', () => {
  it('four decades in a narrow chart label no two ticks on top of each other, yet label at least two', () => {
    for (const length of [120, 200, 300, 600, 1200]) {
      assert.deepEqual(collide(1e-5, 1e-1, length, 36), [], `${length}px`);
      assert.ok(ticks(1e-5, 1e-1).filter((v) => logTickLabel(v, 1e-5, 1e-1, length, 36)).length >= 2, `${length}px`);
    }
  });

  it('a wide chart labels 1, 2 and 5 of each decade', () => {
    assert.deepEqual(ticks(1e-4, 1e-2).filter((v) => logTickLabel(v, 1e-4, 1e-2, 800, 36)).map(shortLogLabel), ['1e-4', '2e-4', '5e-4', '0.001', '0.002', '0.005', '0.01']);
  });

  it('labels are short', () => {
    assert.deepEqual([1e-5, 2e-5, 0.01, 500, 3e6].map(shortLogLabel), ['1e-5', '2e-5', '0.01', '500', '3e6']);
  });
});
