import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestSoFar, bestTrial, ownImprovements } from '../../../webview/model/best_so_far';
import { points } from './trials';

describe('best so far', () => {
  it('steps down each time any trial beats the best loss, and reaches the present', () => {
    const current = new Map([
      ['a', points([1, 2, 3], [0.9, 0.5, 0.4], 100)],
      ['b', points([1, 2], [0.7, 0.45], 100.5)],
    ]);
    const curve = bestSoFar(current, 'loss', 'min', 100, 110);
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

  it('built from each trial’s own improvements it is the same curve as from every row', () => {
    const current = new Map([
      ['a', points([1, 2, 3, 4], [0.2, 0.5, 0.1, 0.6], 0)],
      ['b', points([1, 2, 3], [0.3, 0.7, 0.9], 0.25)],
    ]);
    const thin = new Map([...current].map(([id, rows]) => [id, ownImprovements(rows, 'loss', 'max')]));
    assert.deepEqual(bestSoFar(thin, 'loss', 'max', 0), bestSoFar(current, 'loss', 'max', 0));
    assert.equal(thin.get('a')!.length, 3);
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
