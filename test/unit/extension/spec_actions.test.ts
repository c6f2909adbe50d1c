import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runIntent, specLenses } from '../../../extension/spec_actions';
import { experiment } from './summaries';

const finished = experiment({ name: 'quick', state: 'finished', live: false, counts: { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 4, ERROR: 0 }, totalTrials: 4 });

test('Run on a finished experiment is not sent: it would only resume nothing and stretch its elapsed time', () => {
  const intent = runIntent(finished);
  assert.equal(intent.kind, 'finished');
  assert.match(intent.kind === 'finished' ? intent.message : '', /^quick already finished \(4\/4 trials done\).*new run_config\.name/);
});

test('Run starts a new experiment, or resumes a stopped or interrupted one', () => {
  assert.equal(runIntent(undefined).kind, 'start');
  assert.equal(runIntent(experiment({ state: 'stopped', live: false })).kind, 'start');
  assert.equal(runIntent(experiment({ state: 'interrupted', live: false })).kind, 'start');
  assert.equal(runIntent(experiment({ state: 'running', live: true })).kind, 'running');
});

test('a spec offers Stop while running, Resume when stopped, and the dashboard once finished', () => {
  assert.deepEqual(specLenses(undefined, false), ['▶ Run', 'Plan']);
  assert.deepEqual(specLenses(undefined, true), ['▶ Run', 'Plan', 'Resume']);
  assert.deepEqual(specLenses(experiment({ state: 'running', live: true }), true), ['▶ Run', 'Plan', '■ Stop']);
  assert.deepEqual(specLenses(experiment({ state: 'stopped', live: false }), true), ['▶ Run', 'Plan', 'Resume']);
  assert.deepEqual(specLenses(finished, true), ['▶ Run', 'Plan', 'Open Dashboard']);
});
