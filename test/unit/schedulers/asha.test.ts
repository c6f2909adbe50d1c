import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AshaScheduler } from '../../../runtime/schedulers/asha';
import { at, trial, tuneConfig } from './population';

function asha(options: Record<string, unknown> = {}, objective?: { metric: string; mode: 'min' | 'max' }, seed = 0): AshaScheduler {
  const config = tuneConfig({ type: 'asha', ...options }, objective);
  return new AshaScheduler(config.scheduler, config, seed);
}

/** Trials 0..n-1 report `values` at iteration 1, in order; returns the actions. */
function fillRungOne(scheduler: AshaScheduler, values: number[], metric = 'acc'): string[] {
  return values.map((value, i) => {
    scheduler.onTrialAdd(trial(i));
    return scheduler.onTrialResult(trial(i), at(1, value, metric)).action;
  });
}

test('rung milestones for grace_period 1, max_t 100 and reduction_factor 4 are 64, 16, 4 and 1', () => {
  assert.deepEqual(asha().milestones(), [[64, 16, 4, 1]]);
});

test('at an exact power of the reduction factor the rungs are Ray’s: a top rung at 64 = 4^3, none at 243 = 3^5 or 1000 = 10^3', () => {
  // Ray: int(np.log(max_t / grace_period) / np.log(rf) - s + 1), which rounds 243 and 1000 down.
  assert.deepEqual(asha({ max_t: 64, stop_last_trials: false }).milestones(), [[64, 16, 4, 1]]);
  assert.deepEqual(asha({ max_t: 243, reduction_factor: 3, stop_last_trials: false }).milestones(), [[81, 27, 9, 3, 1]]);
  assert.deepEqual(asha({ max_t: 1000, reduction_factor: 10, stop_last_trials: false }).milestones(), [[100, 10, 1]]);
  assert.deepEqual(asha({ max_t: 125, reduction_factor: 5, brackets: 2 }).milestones(), [[125, 25, 5, 1], [125, 25, 5]]);
});

test('with stop_last_trials false and max_t 243 = 3^5, a trial reaching 243 is not judged there, as in Ray', () => {
  const scheduler = asha({ max_t: 243, reduction_factor: 3, stop_last_trials: false });
  for (const [i, value] of [0.9, 0.8, 0.7].entries()) {
    scheduler.onTrialAdd(trial(i));
    scheduler.onTrialResult(trial(i), at(243, value));
  }
  scheduler.drainEvents();
  scheduler.onTrialAdd(trial(3));
  assert.equal(scheduler.onTrialResult(trial(3), at(81, 0.95)).action, 'continue');
  // Judged at 81 already: Ray has no higher rung, so a poor value at 243 never stops it.
  assert.equal(scheduler.onTrialResult(trial(3), at(243, 0.1)).action, 'continue');
  assert.deepEqual(scheduler.drainEvents().map((e) => e.detail?.rung), [81]);
});

test('a boolean metric is compared as 1 and 0, as Ray compares it', () => {
  const scheduler = asha();
  assert.deepEqual(
    [true, true, true, true].map((value, i) => {
      scheduler.onTrialAdd(trial(i));
      return scheduler.onTrialResult(trial(i), { training_iteration: 1, acc: value }).action;
    }),
    ['continue', 'continue', 'continue', 'continue'],
  );
  scheduler.onTrialAdd(trial(4));
  assert.deepEqual(scheduler.onTrialResult(trial(4), { training_iteration: 1, acc: false }), {
    action: 'stop',
    reason: 'stopped by ASHA at rung 1: acc 0 < cutoff 1',
  });
});

test('a rung holding 0.5, 0.6, 0.7 and 0.8 has cutoff 0.725 with reduction_factor 4, so 0.72 is stopped', () => {
  const scheduler = asha();
  assert.deepEqual(fillRungOne(scheduler, [0.5, 0.6, 0.7, 0.8]), ['continue', 'continue', 'continue', 'continue']);
  scheduler.onTrialAdd(trial(4));
  assert.deepEqual(scheduler.onTrialResult(trial(4), at(1, 0.72)), {
    action: 'stop',
    reason: 'stopped by ASHA at rung 1: acc 0.72 < cutoff 0.725',
  });
});

test('against the same rung, 0.73 passes and the pass is an event with the cutoff', () => {
  const scheduler = asha();
  fillRungOne(scheduler, [0.5, 0.6, 0.7, 0.8]);
  scheduler.drainEvents();
  scheduler.onTrialAdd(trial(4));
  assert.equal(scheduler.onTrialResult(trial(4), at(1, 0.73)).action, 'continue');
  const [event] = scheduler.drainEvents();
  assert.equal(event.kind, 'continue_at_rung');
  assert.equal(event.reason, 'passed rung 1: acc 0.73 >= cutoff 0.725');
  assert.equal(event.detail?.cutoff, 0.725);
});

test('the result is recorded after the cutoff is computed, so the first trial at a rung always passes', () => {
  const scheduler = asha();
  assert.deepEqual(fillRungOne(scheduler, [0.1]), ['continue']);
  assert.match(scheduler.drainEvents()[0].reason, /acc 0\.1, the first result recorded there/);
});

test('with reduction_factor 3 the cutoff is the 66.67th percentile: 0.7 for 0.5 to 0.8', () => {
  const scheduler = asha({ reduction_factor: 3, max_t: 81 });
  fillRungOne(scheduler, [0.5, 0.6, 0.7, 0.8]);
  scheduler.onTrialAdd(trial(4));
  assert.equal(scheduler.onTrialResult(trial(4), at(1, 0.69)).action, 'stop');
  scheduler.onTrialAdd(trial(5));
  assert.equal(scheduler.onTrialResult(trial(5), at(1, 0.7)).action, 'continue');
});

test('mode min compares negated values and words the stop with the loss itself', () => {
  const scheduler = asha({}, { metric: 'loss', mode: 'min' });
  fillRungOne(scheduler, [0.5, 0.6, 0.7, 0.8], 'loss');
  scheduler.onTrialAdd(trial(4));
  assert.deepEqual(scheduler.onTrialResult(trial(4), at(1, 0.58, 'loss')), {
    action: 'stop',
    reason: 'stopped by ASHA at rung 1: loss 0.58 > cutoff 0.575',
  });
  scheduler.onTrialAdd(trial(5));
  assert.equal(scheduler.onTrialResult(trial(5), at(1, 0.57, 'loss')).action, 'continue');
});

test('a result without the metric or the time attribute continues and records nothing', () => {
  const scheduler = asha();
  scheduler.onTrialAdd(trial(0));
  assert.equal(scheduler.onTrialResult(trial(0), { training_iteration: 1 }).action, 'continue');
  assert.equal(scheduler.onTrialResult(trial(0), { acc: 0.9 }).action, 'continue');
  assert.equal(scheduler.onTrialResult(trial(0), { training_iteration: 2, acc: null }).action, 'continue');
  assert.deepEqual(scheduler.drainEvents(), []);
  // The rung is still empty, so the next trial is not compared with anything.
  scheduler.onTrialAdd(trial(1));
  assert.equal(scheduler.onTrialResult(trial(1), at(1, 0.01)).action, 'continue');
});

test('a NaN metric is never stopped, and the cutoff ignores it', () => {
  const scheduler = asha();
  fillRungOne(scheduler, [0.5, 0.6, 0.7, 0.8]);
  scheduler.onTrialAdd(trial(4));
  assert.equal(scheduler.onTrialResult(trial(4), at(1, Number.NaN)).action, 'continue');
  assert.match(scheduler.drainEvents().at(-1)!.reason, /acc NaN is not compared with cutoff 0\.725/);
  scheduler.onTrialAdd(trial(5));
  assert.equal(scheduler.onTrialResult(trial(5), at(1, 0.72)).action, 'stop');
});

test('workers spelling NaN as the string "NaN" count as NaN; a rung of only NaN stops no one', () => {
  const scheduler = asha();
  fillRungOne(scheduler, [Number.NaN, Number.NaN]);
  scheduler.onTrialAdd(trial(2));
  assert.equal(scheduler.onTrialResult(trial(2), { training_iteration: 1, acc: 'NaN' }).action, 'continue');
  scheduler.onTrialAdd(trial(3));
  assert.equal(scheduler.onTrialResult(trial(3), at(1, -1e9)).action, 'continue');
});

test('a trial is judged once per rung even when it reports again at or after the milestone', () => {
  const scheduler = asha();
  fillRungOne(scheduler, [0.5, 0.9]);
  scheduler.drainEvents();
  // Judged again at rung 1 this would stop (0.1 < cutoff 0.8); it is not judged again.
  assert.equal(scheduler.onTrialResult(trial(0), at(2, 0.1)).action, 'continue');
  assert.equal(scheduler.onTrialResult(trial(0), at(3, 0.1)).action, 'continue');
  assert.deepEqual(scheduler.drainEvents(), []);
});

test('a trial that jumps from iteration 1 to 5 is judged at rung 4 only', () => {
  const scheduler = asha();
  fillRungOne(scheduler, [0.5]);
  scheduler.drainEvents();
  assert.equal(scheduler.onTrialResult(trial(0), at(5, 0.3)).action, 'continue');
  const events = scheduler.drainEvents();
  assert.deepEqual(events.map((e) => e.detail?.rung), [4]);
  assert.equal(scheduler.onTrialResult(trial(0), at(6, 0.3)).action, 'continue');
  assert.deepEqual(scheduler.drainEvents(), []);
});

test('as in Ray, a trial whose first result is past rung 1 is judged at rung 1 on its next result', () => {
  const scheduler = asha();
  fillRungOne(scheduler, [0.9, 0.8]);
  scheduler.onTrialAdd(trial(2));
  assert.equal(scheduler.onTrialResult(trial(2), at(5, 0.5)).action, 'continue');
  assert.deepEqual(scheduler.onTrialResult(trial(2), at(6, 0.5)), {
    action: 'stop',
    reason: 'stopped by ASHA at rung 1: acc 0.5 < cutoff 0.875',
  });
});

test('without stop_last_trials, a trial judged at a reached rung is not judged at a lower one', () => {
  const scheduler = asha({ stop_last_trials: false });
  fillRungOne(scheduler, [0.9, 0.8]);
  scheduler.onTrialAdd(trial(2));
  scheduler.onTrialResult(trial(2), at(5, 0.5));
  assert.equal(scheduler.onTrialResult(trial(2), at(6, 0.5)).action, 'continue');
});

test('a trial that reaches max_t is stopped, with a stop event', () => {
  const scheduler = asha({ max_t: 10 });
  scheduler.onTrialAdd(trial(0));
  assert.deepEqual(scheduler.onTrialResult(trial(0), at(10, 0.5)), {
    action: 'stop',
    reason: 'stopped by ASHA: reached max_t (training_iteration 10 >= 10)',
  });
  assert.deepEqual(scheduler.drainEvents().map((e) => e.kind), ['stop']);
});

test('with stop_last_trials false a trial trains on past max_t', () => {
  const scheduler = asha({ max_t: 10, stop_last_trials: false });
  scheduler.onTrialAdd(trial(0));
  assert.equal(scheduler.onTrialResult(trial(0), at(10, 0.5)).action, 'continue');
  assert.equal(scheduler.onTrialResult(trial(0), at(15, 0.5)).action, 'continue');
});

test('two brackets have milestones 64, 16, 4, 1 and 64, 16, 4, joined in the softmax proportion e^0 : e^-1', () => {
  const scheduler = asha({ brackets: 2 }, undefined, 7);
  assert.deepEqual(scheduler.milestones(), [[64, 16, 4, 1], [64, 16, 4]]);
  const trials = 4000;
  let first = 0;
  for (let i = 0; i < trials; i++) {
    scheduler.onTrialAdd(trial(i));
    if (scheduler.bracketOfTrial(`t${i}`) === 0) first++;
  }
  const expected = 1 / (1 + Math.exp(-1));
  assert.ok(Math.abs(first / trials - expected) < 0.025, `bracket 0 got ${first / trials}, expected about ${expected}`);
});

test('a trial in the second bracket is first judged at rung 4, not 1', () => {
  const scheduler = asha({ brackets: 2 }, undefined, 7);
  let index = 0;
  for (;; index++) {
    scheduler.onTrialAdd(trial(index));
    if (scheduler.bracketOfTrial(`t${index}`) === 1) break;
  }
  assert.equal(scheduler.onTrialResult(trial(index), at(1, 0.5)).action, 'continue');
  assert.deepEqual(scheduler.drainEvents(), []);
  scheduler.onTrialResult(trial(index), at(4, 0.5));
  assert.deepEqual(scheduler.drainEvents().map((e) => e.detail?.rung), [4]);
});

test('the same seed puts the same trials in the same brackets', () => {
  const brackets = (seed: number): Array<number | undefined> => {
    const scheduler = asha({ brackets: 3 }, undefined, seed);
    return Array.from({ length: 30 }, (_, i) => {
      scheduler.onTrialAdd(trial(i));
      return scheduler.bracketOfTrial(`t${i}`);
    });
  };
  assert.deepEqual(brackets(11), brackets(11));
  assert.notDeepEqual(brackets(11), brackets(12));
});

test('a completed trial has its last result recorded at a rung, as Ray does, and leaves', () => {
  const scheduler = asha();
  fillRungOne(scheduler, [0.5]);
  scheduler.onTrialAdd(trial(1));
  scheduler.onTrialComplete(trial(1), at(1, 0.9));
  assert.equal(scheduler.bracketOfTrial('t1'), undefined);
  // The rung now holds 0.5 and 0.9: cutoff 0.8.
  scheduler.onTrialAdd(trial(2));
  assert.match(String((scheduler.onTrialResult(trial(2), at(1, 0.79)) as { reason?: string }).reason), /cutoff 0\.8$/);
});

test('reasons show four significant digits', () => {
  const scheduler = asha();
  fillRungOne(scheduler, [0.5123456, 0.9876543]);
  scheduler.onTrialAdd(trial(2));
  const decision = scheduler.onTrialResult(trial(2), at(1, 0.1234567));
  assert.deepEqual(decision, { action: 'stop', reason: 'stopped by ASHA at rung 1: acc 0.1235 < cutoff 0.8688' });
});
