import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedianStoppingScheduler } from '../../../runtime/schedulers/median_stopping';
import type { SchedulerDecision } from '../../../runtime/schedulers/trial_scheduler';
import { trial, tuneConfig } from './population';

function medianRule(options: Record<string, unknown> = {}, objective?: { metric: string; mode: 'min' | 'max' }): MedianStoppingScheduler {
  const config = tuneConfig({ type: 'median_stopping', grace_period: 20, min_samples_required: 2, ...options }, objective);
  return new MedianStoppingScheduler(config.scheduler, config);
}

/** Trial `index` reports [time_total_s, metric] points in order; returns the actions. */
function report(scheduler: MedianStoppingScheduler, index: number, points: Array<[number, number]>, metric = 'acc', waiting = false): SchedulerDecision[] {
  scheduler.onTrialAdd(trial(index));
  return points.map(([time, value]) => scheduler.onTrialResult(trial(index), { time_total_s: time, [metric]: value }, { trialsWaiting: waiting }));
}

const actions = (decisions: SchedulerDecision[]): string[] => decisions.map((d) => d.action);

const RISING: Array<[number, number]> = [[10, 0.2], [20, 0.4], [30, 0.6], [40, 0.8]];

test('a trial whose best is below the median of the others\' running means at the same time is stopped', () => {
  const scheduler = medianRule();
  report(scheduler, 0, RISING);
  report(scheduler, 1, RISING);
  const decisions = report(scheduler, 2, [[10, 0.1], [20, 0.3]]);
  assert.deepEqual(decisions, [
    { action: 'continue' },
    { action: 'stop', reason: "stopped by the median stopping rule at time_total_s 20: best acc 0.3 < median 0.4 of 2 other trials' running means" },
  ]);
  assert.deepEqual(scheduler.drainEvents().map((e) => [e.trialId, e.kind]), [['t2', 'stop']]);
});

test('running means start at grace_period and end at the time judged; the best counts results before grace_period', () => {
  const scheduler = medianRule();
  report(scheduler, 0, RISING);
  report(scheduler, 1, RISING);
  report(scheduler, 2, [[10, 0.1], [20, 0.3]]);
  // At 30 the others' means are (0.4 + 0.6) / 2 = 0.5; t2 stopped at 20 and no longer counts.
  // t3's latest results (0.45) are below that, but its best (0.9, at 10) is not.
  assert.deepEqual(actions(report(scheduler, 3, [[10, 0.9], [20, 0.45], [30, 0.45]])), ['continue', 'continue', 'continue']);
  const late = report(scheduler, 4, [[10, 0.4], [20, 0.4], [30, 0.49]]);
  assert.equal(late[2].action, 'stop');
  assert.match((late[2] as { reason: string }).reason, /best acc 0\.49 < median 0\.5 of 3 other/);
});

test('a tie with the median continues: only strictly worse trials stop', () => {
  const scheduler = medianRule();
  report(scheduler, 0, RISING);
  report(scheduler, 1, RISING);
  assert.deepEqual(actions(report(scheduler, 2, [[20, 0.4]])), ['continue']);
});

test('nothing is judged before grace_period or with fewer than min_samples_required other trials', () => {
  const scheduler = medianRule({ min_samples_required: 3 });
  report(scheduler, 0, RISING);
  report(scheduler, 1, RISING);
  assert.deepEqual(actions(report(scheduler, 2, [[10, 0], [20, 0], [30, 0]])), ['continue', 'continue', 'continue']);
  assert.deepEqual(actions(report(scheduler, 3, [[30, 0]])), ['stop']);
});

test('mode min stops a trial whose lowest loss is above the median', () => {
  const scheduler = medianRule({}, { metric: 'loss', mode: 'min' });
  report(scheduler, 0, [[20, 0.5], [30, 0.3]], 'loss');
  report(scheduler, 1, [[20, 0.5], [30, 0.3]], 'loss');
  const [decision] = report(scheduler, 2, [[30, 0.41]], 'loss');
  assert.deepEqual(decision, {
    action: 'stop',
    reason: "stopped by the median stopping rule at time_total_s 30: best loss 0.41 > median 0.4 of 2 other trials' running means",
  });
});

test('with hard_stop false the trial is paused, runs on unjudged later, and resumes only once no new trial is left', () => {
  const scheduler = medianRule({ hard_stop: false });
  report(scheduler, 0, RISING);
  report(scheduler, 1, RISING);
  assert.deepEqual(actions(report(scheduler, 2, [[20, 0.1]])), ['pause']);
  assert.deepEqual(actions(report(scheduler, 3, [[20, 0.1]])), ['pause']);
  assert.deepEqual(scheduler.choosePaused([trial(3), trial(2)], false), {});
  assert.equal(scheduler.choosePaused([trial(3), trial(2)], true).resume?.id, 't2');
  assert.deepEqual(actions(report(scheduler, 2, [[30, 0], [40, 0]])), ['continue', 'continue']);
});

test('with too few samples and trials waiting, a trial yields at most once per min_time_slice', () => {
  const scheduler = medianRule({ min_time_slice: 15 });
  const decisions = report(scheduler, 0, [[20, 0.5], [30, 0.5], [40, 0.5]], 'acc', true);
  assert.deepEqual(actions(decisions), ['pause', 'continue', 'pause']);
  assert.match((decisions[0] as { reason: string }).reason, /only 0 other trials reached time_total_s 20, the median stopping rule needs 2/);
});

test('with too few samples and nobody waiting, a trial continues', () => {
  const scheduler = medianRule();
  assert.deepEqual(actions(report(scheduler, 0, [[20, 0.5], [30, 0.5]], 'acc', false)), ['continue', 'continue']);
  assert.deepEqual(actions(report(scheduler, 1, [[20, 0.5]])), ['continue']);
});

test('NaN results are left out of the running means, and a trial with only NaN is stopped', () => {
  const scheduler = medianRule();
  report(scheduler, 0, [[20, Number.NaN], [30, 0.6]]);
  report(scheduler, 1, [[20, 0.6], [30, 0.6]]);
  // The median at 30 is 0.6, not NaN: a trial at 0.6 is not stopped.
  assert.deepEqual(actions(report(scheduler, 2, [[30, 0.6]])), ['continue']);
  assert.deepEqual(actions(report(scheduler, 3, [[30, Number.NaN]])), ['stop']);
});

test('a trial without a result between grace_period and the time judged is not a sample', () => {
  const scheduler = medianRule();
  report(scheduler, 0, [[10, 0.9], [50, 0.9]]);
  report(scheduler, 1, [[30, 0.8]]);
  // Only t1 has a result in [20, 30]: one sample, fewer than the two required.
  assert.deepEqual(actions(report(scheduler, 2, [[30, 0.1]])), ['continue']);
});

test('a finished trial’s final result, passed again at completion, counts twice as in Ray', () => {
  const scheduler = medianRule({ min_samples_required: 1 });
  report(scheduler, 0, [[20, 0.4], [30, 0.8]]);
  scheduler.onTrialComplete(trial(0), { time_total_s: 30, acc: 0.8 });
  // Ray's running mean of t0 at 30 is mean(0.4, 0.8, 0.8) = 0.667, which stops t1 at 0.62.
  assert.deepEqual(actions(report(scheduler, 1, [[30, 0.62]])), ['stop']);
});
