import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultContext } from '../../../runtime/schedulers/trial_scheduler';

const trials = (...statuses: string[]) => statuses.map((status, i) => ({ id: `t${i}`, status }));

test('another trial pending for any reason, max_concurrent_trials included, or paused makes trials wait, as Ray counts them', () => {
  assert.equal(resultContext('t0', trials('RUNNING', 'PENDING')).trialsWaiting, true);
  assert.equal(resultContext('t0', trials('RUNNING', 'PAUSED')).trialsWaiting, true);
  assert.equal(resultContext('t0', trials('RUNNING', 'RUNNING', 'TERMINATED', 'ERROR')).trialsWaiting, false);
});

test('the reporting trial itself never counts as waiting', () => {
  assert.equal(resultContext('t0', trials('PAUSED', 'RUNNING')).trialsWaiting, false);
});
