// Issue 13 §4: a number, a duration, a trial key and a status count are spelled once, in
// protocol/, and the CLI, the trees and the dashboard each call that one spelling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatNumber, formatValue, shortParamName } from '../../../protocol/format';
import { RuntimeRequests, type RequestParams, type RequestResult } from '../../../protocol/runtime_api';
import { countByStatus, experimentPathOfTrialKey, trialKey } from '../../../protocol/trial';
import { renderStatus } from '../../../runtime/cli/status_view';
import type { TrialRecord } from '../../../runtime/tuner/trial_record';
import { experimentDescription, trialDescription } from '../../../extension/tree_items';
import { headerItems } from '../../../webview/model/header_stats';
import { cellText, tableColumns } from '../../../webview/model/trial_table';
import { experiment, trial } from '../extension/summaries';

const LR = 0.0005;
const ELAPSED_S = 1234.5;

test('numbers keep 4 significant digits, plain for ordinary magnitudes and short exponents at the extremes', () => {
  const values = [LR, 0.98123, 0.0012213, 0.00012345, 12, 1234.5, 123456.7, 1.5e-7, 1e-5, 2.5e9, -0.5, NaN, Infinity];
  const read = ['0.0005', '0.9812', '0.001221', '0.0001234', '12', '1235', '123500', '1.5e-7', '1e-5', '2.5e+9', '-0.5', 'NaN', 'Infinity'];
  assert.deepEqual(values.map(formatNumber), read);
});

test('a value reads as its number, its text, or its JSON, and a missing one as an empty cell', () => {
  assert.deepEqual([LR, 'adam', true, null, [1, 2], undefined].map(formatValue), ['0.0005', 'adam', 'true', 'null', '[1,2]', '']);
});

test('durations read as tenths under ten seconds, then seconds, minutes and hours', () => {
  assert.deepEqual([1.54, 9, 45, 192, ELAPSED_S, 7500, -3].map(formatDuration), ['1.5s', '9s', '45s', '3m12s', '20m35s', '2h05m', '0s']);
});

test('a parameter is named by its last path segment', () => {
  assert.equal(shortParamName('train_loop_config/lr'), 'lr');
  assert.equal(shortParamName('seed'), 'seed');
});

test('a trial key names its experiment back, and two experiments never share one', () => {
  const key = trialKey('/exp/a', '00001');
  assert.equal(experimentPathOfTrialKey(key), '/exp/a');
  assert.notEqual(trialKey('/exp/a', 'b_1'), trialKey('/exp/a_b', '1'));
});

test('status counts have every status, zero when no trial is in it', () => {
  const counts = countByStatus([{ status: 'RUNNING' }, { status: 'RUNNING' }, { status: 'ERROR' }]);
  assert.deepEqual(counts, { PENDING: 0, RUNNING: 2, PAUSED: 0, TERMINATED: 0, ERROR: 1 });
});

test('a learning rate of 0.0005 and 1234.5 s read the same in the CLI status, the tree and the dashboard', () => {
  const record = {
    id: 'abc_00000',
    index: 0,
    status: 'RUNNING',
    sampled: [{ path: 'train_loop_config/lr', value: LR }],
    iteration: 3,
    timeTotalS: 12,
    lastResult: { loss: 0.25 },
  } as unknown as TrialRecord;
  const cli = renderStatus({ name: 'quickstart', elapsedS: ELAPSED_S, trials: [record], capacity: { CPU: 4, gpus: [] }, metric: 'loss', mode: 'min' });
  assert.equal(cli[0], '== Tunekit: quickstart · running for 20m35s ==');
  assert.equal(cli.find((line) => line.startsWith('Current best trial')), 'Current best trial: abc_00000 with loss=0.25 and params {lr=0.0005}');
  assert.match(cli.find((line) => line.startsWith('abc_00000'))!, /^abc_00000 +RUNNING +0\.0005 +3 /);

  const summary = trial({ params: [{ path: 'train_loop_config/lr', value: LR }], metrics: { loss: 0.25 } });
  assert.equal(trialDescription(summary, 'loss'), 'lr=0.0005 · loss 0.25');
  assert.equal(experimentDescription(experiment({ startedAt: 0, endedAt: ELAPSED_S, live: false, state: 'finished' }), 0), '0/0 done · 20m35s');

  const [lrColumn] = tableColumns(['train_loop_config/lr'], []).filter((c) => c.key === 'param:train_loop_config/lr');
  assert.equal(cellText(lrColumn.value(summary)), '0.0005');
  const stats = { name: 'quickstart', state: 'finished', counts: countByStatus([]), elapsedS: ELAPSED_S, use: { CPU: 0, GPU: 0 }, capacity: { CPU: 4, GPU: 0 } };
  assert.equal(headerItems(stats, undefined).find((i) => i.key === 'elapsed')?.text, '20m35s');
});

test('a request constant carries its params and its answer, so a caller names the type instead of casting', () => {
  const params: RequestParams<typeof RuntimeRequests.stopTrial> = { experimentPath: '/exp', trialId: '00001' };
  const answer: RequestResult<typeof RuntimeRequests.scanResults> = { found: 2 };
  // @ts-expect-error a field the request does not declare is a type error
  const wrong: RequestParams<typeof RuntimeRequests.stopTrial> = { experimentPath: '/exp', trial: '00001' };
  assert.deepEqual([params.trialId, answer.found, wrong.experimentPath], ['00001', 2, '/exp']);
});
