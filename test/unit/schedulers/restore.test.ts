import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScheduler } from '../../../runtime/schedulers/create_scheduler';
import { at, throughJson, trial, tuneConfig } from './population';
import { simulate } from './simulation';

const MUTATIONS = { train_loop_config: { lr: { loguniform: [1e-4, 1e-1] } } };

const cases = [
  { name: 'asha', scheduler: { type: 'asha', max_t: 27, reduction_factor: 3, brackets: 2 }, expect: /"action":"stop"/ },
  { name: 'asha_promote', scheduler: { type: 'asha_promote', max_t: 27, reduction_factor: 3 }, expect: /"kind":"promote"/ },
  { name: 'median_stopping', scheduler: { type: 'median_stopping', time_attr: 'training_iteration', grace_period: 3, hard_stop: false }, expect: /"action":"pause"/ },
  { name: 'pbt', scheduler: { type: 'pbt', time_attr: 'training_iteration', perturbation_interval: 3, hyperparam_mutations: MUTATIONS }, expect: /"action":"exploit"/ },
];

for (const c of cases) {
  test(`${c.name}: decisions after a save and restore equal those of an uninterrupted run`, () => {
    const tune = tuneConfig(c.scheduler);
    const options = { trials: 12, concurrency: 3, iterations: 27 };
    const uninterrupted = simulate(tune, options);
    assert.match(uninterrupted.join('\n'), c.expect);
    for (const restoreAfter of [1, 17, 40, 90]) {
      assert.deepEqual(simulate(tune, { ...options, restoreAfter }), uninterrupted, `restored after ${restoreAfter} results`);
    }
  });
}

test('state saved by one scheduler type is refused by another', () => {
  const asha = createScheduler(tuneConfig({ type: 'asha' }), 0);
  const median = createScheduler(tuneConfig({ type: 'median_stopping' }), 0);
  assert.throws(() => median.restoreState(throughJson(asha.saveState())), /cannot restore the median_stopping scheduler's state: it was saved by the asha scheduler/);
});

test('state saved with other options or another seed is refused, naming what changed', () => {
  const saved = throughJson(createScheduler(tuneConfig({ type: 'asha', grace_period: 2 }), 0).saveState());
  assert.throws(
    () => createScheduler(tuneConfig({ type: 'asha' }), 0).restoreState(saved),
    /it was saved with grace_period 2, but the scheduler now has grace_period 1; resume with the original settings/,
  );
  assert.throws(() => createScheduler(tuneConfig({ type: 'asha', grace_period: 2 }), 1).restoreState(saved), /saved with seed 0, but the scheduler now has seed 1/);
});

test('a saved state with a missing part is refused instead of defaulted', () => {
  const scheduler = createScheduler(tuneConfig({ type: 'pbt', hyperparam_mutations: MUTATIONS }), 0);
  const saved = throughJson(scheduler.saveState()) as Record<string, unknown>;
  delete saved.policy_log;
  assert.throws(() => scheduler.restoreState(saved), /"policy_log" is missing or malformed/);
  assert.throws(() => scheduler.restoreState(undefined), /expected a mapping/);
});

test('NaN recorded at a rung survives the JSON round trip', () => {
  const tune = tuneConfig({ type: 'asha' });
  const before = createScheduler(tune, 0);
  for (const [i, value] of [[0, Number.NaN], [1, 0.5]] as const) {
    before.onTrialAdd(trial(i));
    before.onTrialResult(trial(i), at(1, value));
  }
  const after = createScheduler(tune, 0);
  after.restoreState(throughJson(before.saveState()));
  assert.deepEqual(after.saveState(), before.saveState());
  after.onTrialAdd(trial(2));
  // Cutoff of {NaN, 0.5} is 0.5: NaN was kept and ignored, not turned into null or 0.
  assert.match(JSON.stringify(after.onTrialResult(trial(2), at(1, 0.49))), /cutoff 0\.5"/);
});
