import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as lifecycle from '../../../runtime/tuner/trial_lifecycle';
import { IllegalTransitionError } from '../../../runtime/tuner/trial_status';
import { tunerHarness, until } from './tuner_harness';

const done = { status: 'TERMINATED', reason: 'the workers finished' } as const;
const rowsCount = (events: Array<{ type: string }>, type: string) => events.filter((e) => e.type === type).length;

test('a finished trial never changes: late messages, a stop, and every lifecycle operation but reopen leave it as it ended', async (t) => {
  const h = tunerHarness(t, { run_config: { stop: { training_iteration: 1 } } });
  const driver = await h.launched(0);
  h.started(driver);
  const ack = await h.result(driver, { loss: 1 });
  assert.equal(ack.stop, true);
  h.ended(driver, done);
  const outcome = await h.done;
  const trial = h.trial(0);
  assert.equal(outcome.status, 'finished');
  assert.equal(trial.status, 'TERMINATED');
  const before = JSON.stringify(trial);

  h.sendResult(driver, { loss: 0 });
  h.ended(driver, { status: 'ERROR', reason: 'late' });
  h.exited(driver, 1);
  assert.equal(h.tuner.stopTrial(trial.id, 'too late'), false);
  const refused: Array<() => unknown> = [
    () => lifecycle.admit(trial, { trainable: { CPU: 1, gpus: [] }, workers: [] }),
    () => lifecycle.wait(trial, 'again'),
    () => lifecycle.requestEnd(trial, 'stop', 'again'),
    () => lifecycle.ended(trial, { status: 'ERROR', reason: 'again' }),
    () => lifecycle.pause(trial, 'again'),
    () => lifecycle.requeue(trial),
    () => lifecycle.resumePaused(trial),
    () => lifecycle.resultRecorded(trial, { time_total_s: 1 }, 0),
    () => lifecycle.retry(trial, { status: 'ERROR', reason: 'again' }, 0, () => 0),
    () => lifecycle.restartWorkers(trial, { status: 'ERROR', reason: 'again' }),
    () => lifecycle.reopen(trial, { kind: 'resume-errored' }),
  ];
  for (const attempt of refused) assert.throws(attempt, IllegalTransitionError);
  assert.equal(lifecycle.finish(trial, 'ERROR', 'again'), false);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(JSON.stringify(trial), before);
  assert.equal(h.rows(trial).length, 1);

  lifecycle.reopen(trial, { kind: 'extend', to: 3 });
  assert.deepEqual([trial.status, trial.extendTo, trial.resumeFirst, trial.endReason], ['PENDING', 3, true, undefined]);
});

test('a stop that races a result being persisted ends the trial once, with the stop’s reason and the result kept', async (t) => {
  const h = tunerHarness(t);
  const driver = await h.launched(0);
  h.started(driver);
  // The checkpoint makes the Tuner await its commit and flush: the stop lands in between.
  const pending = h.result(driver, { loss: 1 }, true);
  assert.equal(h.tuner.stopTrial(h.trial(0).id, 'stopped by the user'), true);
  const ack = await pending;
  assert.equal(ack.error, undefined);
  assert.ok(ack.checkpointDirName);
  h.ended(driver, done);
  await h.done;
  const trial = h.trial(0);
  assert.deepEqual([trial.status, trial.endReason, trial.iteration], ['TERMINATED', 'stopped by the user', 1]);
  assert.equal(h.rows(trial).length, 1);
  assert.equal(rowsCount(h.journal(), 'trial_finished'), 1);

  const late = tunerHarness(t);
  const d2 = await late.launched(0);
  assert.equal(late.tuner.stopTrial(late.trial(0).id, 'stopped first'), true);
  const refusedAck = await late.result(d2, { loss: 1 });
  assert.deepEqual([refusedAck.stop, refusedAck.error], [true, 'the trial is stopping']);
  late.ended(d2, done);
  await late.done;
  assert.equal(late.rows(late.trial(0)).length, 0);
});

test('a driver that dies while a result is being persisted is retried from the checkpoint that result committed', async (t) => {
  const h = tunerHarness(t, { run_config: { failure_config: { max_failures: 1 } } });
  const first = await h.launched(0);
  h.started(first);
  const id = h.sendResult(first, { loss: 1 }, true);
  h.exited(first, 1);
  const second = await h.launched(1);
  const trial = h.trial(0);
  const ack = first.sent.find((m) => m.type === 'result_ack' && m.id === id);
  assert.ok(ack && ack.type === 'result_ack' && ack.checkpointDirName);
  assert.equal(second.launch!.checkpoint?.endsWith(ack.checkpointDirName), true);
  assert.equal(second.launch!.iteration, 1);
  assert.deepEqual([trial.status, trial.tuneFailures, trial.restoreContext?.level], ['RUNNING', 1, 'tuner']);
  h.ended(second, done);
  await h.done;
  assert.equal(trial.status, 'TERMINATED');
});

test('a trial retried without a checkpoint starts from scratch, and its earlier results are marked superseded', async (t) => {
  const h = tunerHarness(t, { run_config: { failure_config: { max_failures: 1 } } });
  const first = await h.launched(0);
  h.started(first);
  await h.result(first, { loss: 1 });
  h.ended(first, { status: 'ERROR', reason: 'worker 0 exited with code 1', exitCode: 1 });
  const second = await h.launched(1);
  assert.deepEqual([second.launch!.checkpoint, second.launch!.iteration], [null, 0]);
  await until(() => h.journal().some((e) => e.type === 'results_superseded'), 'results_superseded');
  const superseded = h.journal().find((e) => e.type === 'results_superseded');
  assert.deepEqual(superseded && [superseded.from_iteration, superseded.to_iteration], [1, 1]);
  const restored = h.journal().find((e) => e.type === 'trial_restored');
  assert.deepEqual(restored && [restored.after_failure, restored.from_checkpoint], [true, undefined]);

  // A second failure is past run_config.failure_config.max_failures: the trial errors.
  h.ended(second, { status: 'ERROR', reason: 'again', exitCode: 1 });
  await until(() => h.trial(0).status === 'ERROR', 'the trial to fail for good');
  const outcome = await h.done;
  assert.equal(outcome.status, 'finished');
});

test('a retry after a failure with no progress since the last one waits on the clock, then starts from the checkpoint', async (t) => {
  const h = tunerHarness(t, { run_config: { failure_config: { max_failures: 3 } } });
  const first = await h.launched(0);
  await h.result(first, { loss: 1 }, true);
  h.ended(first, { status: 'ERROR', reason: 'crash 1', exitCode: 1 });
  const second = await h.launched(1);
  h.ended(second, { status: 'ERROR', reason: 'crash 2', exitCode: 1 });
  await until(() => h.trial(0).status === 'PENDING' && h.clock.pending() > 0, 'the backed-off retry');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(h.launcher.drivers.length, 2);
  assert.equal(h.trial(0).notBefore, h.clock.now() + 500);
  h.clock.advance(500);
  const third = await h.launched(2);
  assert.match(third.launch!.checkpoint ?? '', /checkpoint_000000$/);
  assert.equal(h.trial(0).tuneFailures, 2);
  h.ended(third, done);
  await h.done;
});

test('a preempted cluster job goes back to the queue from its checkpoint without counting a failure', async (t) => {
  const h = tunerHarness(t, { run_config: { failure_config: { max_failures: 0 } } });
  const first = await h.launched(0);
  h.started(first);
  await h.result(first, { loss: 1 }, true);
  h.ended(first, { status: 'ERROR', reason: 'job 12 was preempted', preempted: true, jobSignalled: true });
  const second = await h.launched(1);
  const trial = h.trial(0);
  assert.match(second.launch!.checkpoint ?? '', /checkpoint_000000$/);
  assert.deepEqual([trial.status, trial.trainFailures, trial.tuneFailures], ['RUNNING', 0, 0]);
  await until(() => h.journal().some((e) => e.type === 'trial_restored'), 'trial_restored');
  const restored = h.journal().find((e) => e.type === 'trial_restored');
  assert.deepEqual(restored && [restored.after_failure, restored.reason], [false, 'job 12 was preempted']);
  h.ended(second, done);
  await h.done;
  assert.equal(trial.status, 'TERMINATED');
  assert.equal(rowsCount(h.journal(), 'trial_finished'), 1);
});

test('a trial paused by the scheduler gives its slots back, and resumes from its checkpoint when promoted', async (t) => {
  const h = tunerHarness(t, {
    param_space: { train_loop_config: { lr: { grid_search: [0.1, 0.2] } } },
    tune_config: { metric: 'loss', mode: 'min', max_concurrent_trials: 1, scheduler: { type: 'asha_promote', grace_period: 1, max_t: 4, reduction_factor: 2 } },
  });
  const a = await h.launched(0);
  assert.equal((await h.result(a, { loss: 1 }, true)).stop, true);
  h.ended(a, done);
  const b = await h.launched(1);
  const [first, second] = [h.trial(0), h.trial(1)];
  assert.deepEqual([first.status, first.grant, b.launch!.trialId], ['PAUSED', undefined, second.id]);
  assert.match(first.waitingReason ?? '', /paused at rung 1/);
  assert.equal((await h.result(b, { loss: 2 }, true)).stop, true);
  h.ended(b, done);
  const resumed = await h.launched(2);
  assert.equal(resumed.launch!.trialId, first.id);
  assert.match(resumed.launch!.checkpoint ?? '', /checkpoint_000000$/);
  assert.equal(first.status, 'RUNNING');
  await until(() => h.journal().some((e) => e.type === 'trial_paused'), 'trial_paused');
  h.tuner.stop('enough');
  h.ended(resumed, done);
  const outcome = await h.done;
  assert.equal(outcome.status, 'stopped');
  assert.equal(first.status, 'TERMINATED');
});

test('lifecycle operations refuse what does not fit where a trial is', () => {
  const trial = {
    id: 't1',
    status: 'PENDING',
    iteration: 0,
    checkpoints: [],
    trainFailures: 0,
    tuneFailures: 0,
    iterationsSinceRestore: 0,
    failuresWithoutProgress: 0,
    timeTotalS: 0,
  } as unknown as Parameters<typeof lifecycle.admit>[0];
  assert.throws(() => lifecycle.requestEnd(trial, 'stop', 'x'), IllegalTransitionError);
  assert.throws(() => lifecycle.reopen(trial, { kind: 'extend', to: 2 }), IllegalTransitionError);
  assert.throws(() => lifecycle.unadmit(trial), IllegalTransitionError);
  lifecycle.admit(trial, { trainable: { CPU: 1, gpus: [] }, workers: [{ CPU: 1, gpus: [] }] });
  assert.equal(lifecycle.requestEnd(trial, 'pause', 'first'), true);
  assert.equal(lifecycle.requestEnd(trial, 'stop', 'second'), false);
  assert.deepEqual(lifecycle.ended(trial, { status: 'TERMINATED', reason: 'x' }), { kind: 'pause', reason: 'first', ready: undefined });
  assert.equal(lifecycle.finish(trial, 'ERROR', 'boom'), true);
  lifecycle.reopen(trial, { kind: 'restart-errored' });
  assert.deepEqual([trial.status, trial.exit, trial.iteration], ['PENDING', undefined, 0]);
});
