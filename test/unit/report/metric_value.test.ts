import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricNumber } from '../../../runtime/report/metric_value';

test('the string spellings of non-finite floats read back as those floats', () => {
  assert.ok(Number.isNaN(metricNumber('NaN')));
  assert.equal(metricNumber('Infinity'), Number.POSITIVE_INFINITY);
  assert.equal(metricNumber('-Infinity'), Number.NEGATIVE_INFINITY);
});

test('numbers read as themselves and other values are not numeric metrics', () => {
  assert.equal(metricNumber(0.25), 0.25);
  assert.equal(metricNumber(-3), -3);
  for (const other of ['0.5', 'nan', 'inf', null, true, [1], { v: 1 }, undefined]) {
    assert.equal(metricNumber(other), undefined, JSON.stringify(other));
  }
});
