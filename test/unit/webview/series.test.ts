import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitSuperseded, toXY } from '../../../webview/model/series';
import { columns } from './trials';

describe('learning-curve series', () => {
  it('rows reported again after a restore from a checkpoint supersede the earlier ones', () => {
    // Checkpoint at 3, failure after 5: iterations 4 and 5 are reported again.
    const split = splitSuperseded([1, 2, 3, 4, 5, 4, 5, 6]);
    assert.deepEqual(split.current, [0, 1, 2, 5, 6, 7], 'the repeated rows are the ones that stand');
    assert.deepEqual(split.superseded, [[3, 4]]);
  });

  it('a restart from scratch supersedes every earlier row', () => {
    const split = splitSuperseded([1, 2, 3, 1, 2]);
    assert.deepEqual(split.current, [3, 4]);
    assert.deepEqual(split.superseded, [[0, 1, 2]]);
  });

  it('two restores leave two superseded runs', () => {
    const split = splitSuperseded([1, 2, 3, 2, 3, 4, 3, 4]);
    assert.deepEqual(split.current, [0, 3, 6, 7], 'iterations 1, 2, 3, 4 from the latest reports');
    assert.deepEqual(split.superseded, [
      [1, 2],
      [4, 5],
    ]);
  });

  it('a PBT jump forward in iterations supersedes nothing', () => {
    const split = splitSuperseded([1, 2, 7, 8]);
    assert.deepEqual(split, { current: [0, 1, 2, 3], superseded: [] });
  });

  it('rows without a finite value of the metric are left out of the curve', () => {
    const c = columns([1, 2, 3], [0.5, NaN, 0.25]);
    c.values.loss[0] = null;
    assert.deepEqual(toXY(c, [0, 1, 2], 'loss', 'training_iteration'), [{ x: 3, y: 0.25 }]);
    assert.deepEqual(toXY(c, [0, 1, 2], 'loss', 'time_total_s'), [{ x: 3, y: 0.25 }]);
    assert.deepEqual(toXY(c, [0, 1, 2], 'acc', 'time_total_s'), []);
  });
});
