import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResultRow } from '../../../runtime/tuner/result_row';
import type { TrialRecord } from '../../../runtime/tuner/trial_record';

const trial = {
  id: 'abc12_00003',
  iteration: 4,
  timeTotalS: 10,
  lastReportAt: 100,
  iterationsSinceRestore: 4,
  trainFailures: 1,
  tuneFailures: 0,
  config: { lr: 0.1 },
} as unknown as TrialRecord;

test("a result row holds the worker's metrics first, in their order, then Ray's auto-filled keys", () => {
  const row = buildResultRow(trial, JSON.parse('{"loss":0.5,"acc":0.9,"nested":{"a":1}}'), 102.5, 4242);
  assert.deepEqual(Object.keys(row).slice(0, 3), ['loss', 'acc', 'nested']);
  assert.equal(row.training_iteration, 5);
  assert.equal(row.time_this_iter_s, 2.5);
  assert.equal(row.time_total_s, 12.5);
  assert.equal(row.restore_count, 1);
  assert.equal(row.timestamp, 102);
  assert.equal(row.date, '1970-01-01T00:01:42');
  assert.deepEqual(row.config, { lr: 0.1 });
  assert.deepEqual(row.nested, { a: 1 });
});

test('a metric named __proto__ stays a plain key of the row and never becomes its prototype', () => {
  const metrics = JSON.parse('{"__proto__":{"polluted":true},"loss":1}') as Record<string, unknown>;
  const row = buildResultRow(trial, metrics, 101, 1);
  assert.equal(Object.getPrototypeOf(row), Object.prototype);
  assert.equal((row as { polluted?: boolean }).polluted, undefined);
  assert.deepEqual(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, { polluted: true });
  assert.match(JSON.stringify(row), /^\{"__proto__":\{"polluted":true\},"loss":1,/);
});

test("a metric the worker named like an auto-filled key holds the Tuner's value, not the worker's", () => {
  const row = buildResultRow(trial, { training_iteration: 99, trial_id: 'forged', loss: 2 }, 101, 1);
  assert.equal(row.training_iteration, 5);
  assert.equal(row.trial_id, 'abc12_00003');
});
