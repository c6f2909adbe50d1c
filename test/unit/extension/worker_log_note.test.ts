import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerLogView } from '../../../extension/worker_log_note';
import { trial } from './summaries';

const LOG = '/ws/tunekit_results/quickstart/TorchTrainer_00003/worker_1.log';

function note(over: Parameters<typeof trial>[0], bytes: number | undefined): string {
  const view = workerLogView(trial({ id: '00003', ...over }), LOG, bytes);
  assert.equal(view.kind, 'note');
  return view.kind === 'note' ? view.text : '';
}

test('a log with something in it opens as the file itself', () => {
  assert.deepEqual(workerLogView(trial({ status: 'RUNNING' }), LOG, 12), { kind: 'file', file: LOG });
});

test('an empty worker log says why it is empty instead of showing a blank editor', () => {
  assert.match(note({ status: 'PENDING', waitingReason: 'needs 1 GPU, 0 free' }, undefined), /^Trial 00003 has not started yet; it is waiting for a slot: needs 1 GPU, 0 free\./);
  assert.match(note({ status: 'RUNNING', iteration: 2 }, 0), /^Worker 1 of trial 00003 has printed nothing so far\..*flush=True/);
  assert.match(note({ status: 'RUNNING' }, undefined), /^Worker 1 of trial 00003 has not started yet\./);
  assert.match(note({ status: 'RUNNING', waitingReason: 'waiting for 2 CPUs' }, undefined), /waiting for its workers' slots: waiting for 2 CPUs/);
  assert.match(note({ status: 'TERMINATED', iteration: 30 }, 0), /^Worker 1 of trial 00003 printed nothing while the trial ran\./);
  assert.match(note({ status: 'ERROR', iteration: 3 }, undefined), /^The log was removed/);
  assert.match(note({ status: 'PAUSED', iteration: 4 }, 0), /paused by the scheduler/);
});

test('the note names the file and the trial, so it is not mistaken for the log', () => {
  const view = workerLogView(trial({ id: '00003', status: 'TERMINATED' }), LOG, 0);
  assert.equal(view.kind === 'note' && view.title, 'worker_1.log of trial 00003 (empty)');
  assert.ok(view.kind === 'note' && view.text.includes(LOG));
});
