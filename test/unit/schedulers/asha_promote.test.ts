import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AshaPromotionScheduler } from '../../../runtime/schedulers/asha_promote';
import type { SchedulerTrial } from '../../../runtime/schedulers/trial_scheduler';
import { at, trial, tuneConfig } from './population';

function promoting(options: Record<string, unknown> = {}): AshaPromotionScheduler {
  const config = tuneConfig({ type: 'asha_promote', grace_period: 1, max_t: 16, reduction_factor: 4, ...options });
  return new AshaPromotionScheduler(config.scheduler, config, 0);
}

const trials = (...indices: number[]): SchedulerTrial[] => indices.map((i) => trial(i));

test('eight trials through rung 1: who is paused, who is promoted in which order, who is stopped at the end', () => {
  const scheduler = promoting();
  const rungOne = [0.3, 0.9, 0.5, 0.7, 0.2, 0.8, 0.6, 0.4];
  const paused: number[] = [];
  const arrive = (i: number): void => {
    scheduler.onTrialAdd(trial(i));
    assert.deepEqual(scheduler.onTrialResult(trial(i), at(1, rungOne[i])), { action: 'pause', reason: `paused at rung 1 (acc ${rungOne[i]})` });
    paused.push(i);
  };

  // Fewer than 4 results at rung 1: nobody is in its top floor(n/4), so new trials start.
  for (const i of [0, 1, 2]) {
    arrive(i);
    assert.deepEqual(scheduler.choosePaused(trials(...paused), false), {});
  }
  arrive(3);
  assert.deepEqual(scheduler.choosePaused(trials(...paused), false), {
    resume: { id: 't1', reason: 'promoted from rung 1 to rung 4: rank 1 of 4 (acc 0.9), top 1 promoted' },
  });
  paused.splice(paused.indexOf(1), 1);

  // t1 trains on to rung 4 and is paused there; it cannot be promoted from rung 1 twice.
  assert.equal(scheduler.onTrialResult(trial(1), at(2, 0.91)).action, 'continue');
  assert.equal(scheduler.onTrialResult(trial(1), at(3, 0.93)).action, 'continue');
  assert.deepEqual(scheduler.onTrialResult(trial(1), at(4, 0.95)), { action: 'pause', reason: 'paused at rung 4 (acc 0.95)' });
  paused.push(1);
  assert.deepEqual(scheduler.choosePaused(trials(...paused), false), {});

  for (const i of [4, 5, 6]) {
    arrive(i);
    assert.deepEqual(scheduler.choosePaused(trials(...paused), false), {}, `after t${i}`);
  }
  // The eighth result makes the top 2 of rung 1: t1 (already promoted) and t5.
  arrive(7);
  assert.deepEqual(scheduler.choosePaused(trials(...paused), true), {
    resume: { id: 't5', reason: 'promoted from rung 1 to rung 4: rank 2 of 8 (acc 0.8), top 2 promoted' },
  });
  paused.splice(paused.indexOf(5), 1);
  assert.equal(scheduler.onTrialResult(trial(5), at(4, 0.85)).action, 'pause');
  paused.push(5);

  // No new trial is left and nothing runs: no ranking can change, so every paused trial stops.
  const end = scheduler.choosePaused(trials(...paused), true);
  assert.equal(end.resume, undefined);
  const reasons = Object.fromEntries((end.stop ?? []).map((s) => [s.id, s.reason]));
  assert.deepEqual(reasons, {
    t0: 'not promoted from rung 1: rank 7 of 8 (acc 0.3), top 2 promoted',
    t1: 'not promoted from rung 4: rank 1 of 2 (acc 0.95), top 0 promoted',
    t2: 'not promoted from rung 1: rank 5 of 8 (acc 0.5), top 2 promoted',
    t3: 'not promoted from rung 1: rank 3 of 8 (acc 0.7), top 2 promoted',
    t4: 'not promoted from rung 1: rank 8 of 8 (acc 0.2), top 2 promoted',
    t5: 'not promoted from rung 4: rank 2 of 2 (acc 0.85), top 0 promoted',
    t6: 'not promoted from rung 1: rank 4 of 8 (acc 0.6), top 2 promoted',
    t7: 'not promoted from rung 1: rank 6 of 8 (acc 0.4), top 2 promoted',
  });
  const kinds = scheduler.drainEvents().map((e) => `${e.trialId}:${e.kind}`);
  assert.deepEqual(kinds.filter((k) => k.endsWith('promote')), ['t1:promote', 't5:promote']);
  assert.equal(kinds.filter((k) => k.endsWith('pause')).length, 10);
  assert.equal(kinds.filter((k) => k.endsWith('stop')).length, 8);
});

test('while a trial still runs, paused trials wait even when no new trial is left', () => {
  const scheduler = promoting();
  for (const i of [0, 1]) {
    scheduler.onTrialAdd(trial(i));
    scheduler.onTrialResult(trial(i), at(1, 0.5 + i / 10));
  }
  scheduler.onTrialAdd(trial(2));
  assert.deepEqual(scheduler.choosePaused(trials(0, 1), true), {});
  scheduler.onTrialResult(trial(2), at(1, 0.1));
  assert.deepEqual(scheduler.choosePaused(trials(0, 1, 2), true).stop?.map((s) => s.id), ['t0', 't1', 't2']);
});

test('a promotable trial at a higher rung is promoted before one at a lower rung', () => {
  const scheduler = promoting();
  // Rung 4 gets four trials (promoted by hand through the scheduler), rung 1 eight.
  for (let i = 0; i < 8; i++) {
    scheduler.onTrialAdd(trial(i));
    scheduler.onTrialResult(trial(i), at(1, i / 10));
  }
  const all = trials(0, 1, 2, 3, 4, 5, 6, 7);
  assert.equal(scheduler.choosePaused(all, false).resume?.id, 't7');
  scheduler.onTrialResult(trial(7), at(4, 0.2));
  assert.equal(scheduler.choosePaused(all, false).resume?.id, 't6');
  scheduler.onTrialResult(trial(6), at(4, 0.9));
  for (let i = 8; i < 16; i++) {
    scheduler.onTrialAdd(trial(i));
    scheduler.onTrialResult(trial(i), at(1, 0.05));
  }
  // Rung 1 now has 16 results (top 4: t7, t6, t5, t4); rung 4 has 2, too few to promote from.
  assert.equal(scheduler.choosePaused(all, false).resume?.id, 't5');
  scheduler.onTrialResult(trial(5), at(4, 0.5));
  assert.equal(scheduler.choosePaused(all, false).resume?.id, 't4');
  scheduler.onTrialResult(trial(4), at(4, 0.4));
  // Rung 4 holds 0.2, 0.9, 0.5 and 0.4: its top 1 (t6) goes to rung 16 before anything else.
  assert.deepEqual(scheduler.choosePaused(all, false).resume, {
    id: 't6',
    reason: 'promoted from rung 4 to rung 16: rank 1 of 4 (acc 0.9), top 1 promoted',
  });
});

test('a trial promoted to max_t is stopped there, not paused', () => {
  const scheduler = promoting({ max_t: 10 });
  scheduler.onTrialAdd(trial(0));
  assert.deepEqual(scheduler.onTrialResult(trial(0), at(10, 0.5)), {
    action: 'stop',
    reason: 'stopped by ASHA: reached max_t (training_iteration 10 >= 10)',
  });
});

test('mode min ranks the lowest loss first', () => {
  const config = tuneConfig({ type: 'asha_promote', max_t: 16 }, { metric: 'loss', mode: 'min' });
  const scheduler = new AshaPromotionScheduler(config.scheduler, config, 0);
  [0.4, 0.1, 0.3, 0.2].forEach((loss, i) => {
    scheduler.onTrialAdd(trial(i));
    scheduler.onTrialResult(trial(i), at(1, loss, 'loss'));
  });
  assert.deepEqual(scheduler.choosePaused(trials(0, 1, 2, 3), false).resume, {
    id: 't1',
    reason: 'promoted from rung 1 to rung 4: rank 1 of 4 (loss 0.1), top 1 promoted',
  });
});

test('a result without the metric neither pauses nor records', () => {
  const scheduler = promoting();
  scheduler.onTrialAdd(trial(0));
  assert.equal(scheduler.onTrialResult(trial(0), { training_iteration: 1 }).action, 'continue');
  assert.deepEqual(scheduler.drainEvents(), []);
});

test('a finished trial is never promoted', () => {
  const scheduler = promoting();
  for (let i = 0; i < 4; i++) {
    scheduler.onTrialAdd(trial(i));
    scheduler.onTrialResult(trial(i), at(1, i));
  }
  scheduler.onTrialError(trial(3));
  assert.deepEqual(scheduler.choosePaused(trials(0, 1, 2, 3), false), {});
});

test('a promoted trial still listed as paused is not promoted twice, also after a save and restore', () => {
  const scheduler = promoting();
  for (let i = 0; i < 4; i++) {
    scheduler.onTrialAdd(trial(i));
    scheduler.onTrialResult(trial(i), at(1, i / 10));
  }
  const all = trials(0, 1, 2, 3);
  assert.equal(scheduler.choosePaused(all, false).resume?.id, 't3');
  assert.deepEqual(scheduler.choosePaused(all, false), {});
  const restored = promoting();
  restored.restoreState(JSON.parse(JSON.stringify(scheduler.saveState())));
  assert.deepEqual(restored.choosePaused(all, false), {});
});
