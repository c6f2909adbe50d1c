import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitSuperseded, toXY } from '../../../webview/model/series';
import { points } from './trials';

describe('learning-curve series', () => {
  it('rows reported again after a restore from a checkpoint supersede the earlier ones', () => {
    // Checkpoint at 3, failure after 5: iterations 4 and 5 are reported again.
    const split = splitSuperseded(points([1, 2, 3, 4, 5, 4, 5, 6]));
    assert.deepEqual(split.current.map((p) => p.iteration), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(split.current.map((p) => p.ts), [1000, 1001, 1002, 1005, 1006, 1007], 'the repeated rows are the ones that stand');
    assert.deepEqual(split.superseded.map((run) => run.map((p) => p.iteration)), [[4, 5]]);
  });

  it('a restart from scratch supersedes every earlier row', () => {
    const split = splitSuperseded(points([1, 2, 3, 1, 2]));
    assert.deepEqual(split.current.map((p) => p.ts), [1003, 1004]);
    assert.deepEqual(split.superseded.map((run) => run.length), [3]);
  });

  it('two restores leave two superseded runs', () => {
    const split = splitSuperseded(points([1, 2, 3, 2, 3, 4, 3, 4]));
    assert.deepEqual(split.current.map((p) => p.iteration), [1, 2, 3, 4]);
    assert.deepEqual(split.superseded.map((run) => run.map((p) => p.iteration)), [[2, 3], [3, 4]]);
  });

  it('a PBT jump forward in iterations supersedes nothing', () => {
    const split = splitSuperseded(points([1, 2, 7, 8]));
    assert.equal(split.superseded.length, 0);
    assert.equal(split.current.length, 4);
  });

  it('rows without a finite value of the metric are left out of the curve', () => {
    const rows = points([1, 2, 3], [0.5, NaN, 0.25]);
    rows[0].values = { acc: 1 };
    assert.deepEqual(toXY(rows, 'loss', 'training_iteration'), [{ x: 3, y: 0.25 }]);
    assert.deepEqual(toXY(rows, 'loss', 'time_total_s'), [{ x: 3, y: 0.25 }]);
  });
});
