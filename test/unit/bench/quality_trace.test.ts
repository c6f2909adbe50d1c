import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qualityFigures } from '../../../scripts/bench/quality_trace';

test('worker-seconds to the target count every process only up to the first good result', () => {
  const figures = qualityFigures(
    {
      spans: [
        { start: 0, end: 3 },
        { start: 3, end: 10 },
        { start: 4, end: 9 },
      ],
      rows: [
        { at: 2, valAcc: 0.9, epochS: 0.5 },
        { at: 5, valAcc: 0.975, epochS: 0.25 },
        { at: 8, valAcc: 0.99, epochS: 0.25 },
      ],
      starts: 3,
    },
    0.97,
  );
  assert.deepEqual(figures.reached, { workerS: 3 + 2 + 1, trainingS: 0.75 });
  assert.equal(figures.bestValAcc, 0.99);
  assert.equal(figures.totalWorkerS, 3 + 7 + 5);
  assert.equal(figures.totalTrainingS, 1);
  assert.equal(figures.epochs, 3);
});

test('a run whose results arrive out of order is judged by when each was reported', () => {
  const figures = qualityFigures(
    {
      spans: [{ start: 0, end: 10 }],
      rows: [
        { at: 9, valAcc: 0.98, epochS: 1 },
        { at: 4, valAcc: 0.97, epochS: 1 },
      ],
      starts: 1,
    },
    0.97,
  );
  assert.deepEqual(figures.reached, { workerS: 4, trainingS: 1 });
});

test('a run that never reaches the target has no time to it, but still a best and totals', () => {
  const figures = qualityFigures({ spans: [{ start: 1, end: 2.5 }], rows: [{ at: 2, valAcc: 0.5, epochS: 0.1 }], starts: 1 }, 0.97);
  assert.equal(figures.reached, undefined);
  assert.equal(figures.bestValAcc, 0.5);
  assert.equal(figures.totalWorkerS, 1.5);
});

test('a run without any result is an error, not a zero', () => {
  assert.throws(() => qualityFigures({ spans: [{ start: 0, end: 1 }], rows: [], starts: 1 }, 0.97), /no result/);
});
