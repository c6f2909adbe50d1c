import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PointColumns } from '../../../protocol/dashboard_messages';
import { bestRun, bestSoFar, bestTrial, type BestRun } from '../../../webview/model/best_so_far';
import { columns } from './trials';

const every = (c: PointColumns) => c.ts.map((_, i) => i);
const runsOf = (current: Map<string, PointColumns>, mode: 'min' | 'max'): BestRun[] =>
  [...current].map(([id, c]) => bestRun(id, c, every(c), 'loss', mode)).filter((r): r is BestRun => r !== undefined);

describe('best so far', () => {
  it('steps down each time any trial beats the best loss, and reaches the present', () => {
    const current = new Map([
      ['a', columns([1, 2, 3], [0.9, 0.5, 0.4], 100)],
      ['b', columns([1, 2], [0.7, 0.45], 100.5)],
    ]);
    const curve = bestSoFar(runsOf(current, 'min'), 'min', 100, 110);
    assert.deepEqual(
      curve.map((p) => [p.x, p.y, p.trialId]),
      [
        [0, 0.9, 'a'],
        [0.5, 0.7, 'b'],
        [1, 0.5, 'a'],
        [1.5, 0.45, 'b'],
        [2, 0.4, 'a'],
        [10, 0.4, 'a'],
      ],
    );
  });

  it('a trial’s run keeps only the rows where it beat itself', () => {
    const c = columns([1, 2, 3, 4], [0.2, 0.5, 0.1, 0.6], 0);
    assert.deepEqual(bestRun('a', c, every(c), 'loss', 'max')!.y, [0.2, 0.5, 0.6]);
    assert.deepEqual(bestRun('a', c, [0, 2], 'loss', 'max')!.y, [0.2], 'only standing rows count');
    assert.equal(bestRun('a', columns([1], [NaN]), [0], 'loss', 'max'), undefined);
  });

  it('is the same curve as a plain scan over every row, however the trials overlap', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const current = new Map<string, PointColumns>();
    for (let t = 0; t < 60; t++) {
      const start = Math.floor(t / 4) * 10 + rand() * 3;
      const n = 1 + Math.floor(rand() * 12);
      const c = columns(Array.from({ length: n }, (_, i) => i + 1), Array.from({ length: n }, () => rand()), 0);
      c.ts = c.ts.map((_, i) => start + i);
      current.set(`t${t}`, c);
    }
    const plain = (mode: 'min' | 'max') => {
      const rows = [...current].flatMap(([trialId, c]) => c.ts.map((ts, i) => ({ ts, y: c.values.loss[i]!, trialId }))).sort((a, b) => a.ts - b.ts);
      const out: Array<{ x: number; y: number; trialId: string }> = [];
      for (const r of rows) if (!out.length || (mode === 'min' ? r.y < out[out.length - 1].y : r.y > out[out.length - 1].y)) out.push({ x: r.ts, y: r.y, trialId: r.trialId });
      return out;
    };
    assert.deepEqual(bestSoFar(runsOf(current, 'min'), 'min', 0), plain('min'));
    assert.deepEqual(bestSoFar(runsOf(current, 'max'), 'max', 0), plain('max'));
  });

  it('the best trial is the one whose last value is best for the mode', () => {
    const rows = [
      { id: 'a', value: 0.3 },
      { id: 'b', value: undefined },
      { id: 'c', value: 0.9 },
    ];
    assert.equal(bestTrial(rows, 'max')?.trialId, 'c');
    assert.equal(bestTrial(rows, 'min')?.trialId, 'a');
    assert.equal(bestTrial([], 'min'), undefined);
  });
});
