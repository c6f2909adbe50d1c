import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AshaScheduler } from '../../../runtime/schedulers/asha';
import { createScheduler } from '../../../runtime/schedulers/create_scheduler';
import { MedianStoppingScheduler } from '../../../runtime/schedulers/median_stopping';
import { PbtScheduler } from '../../../runtime/schedulers/pbt';
import { readSpecSchema } from '../../../runtime/spec/schema_file';
import { at, trial, tuneConfig } from './population';

const MUTATIONS = { train_loop_config: { lr: [0.1, 0.01] } };

test('each scheduler type builds the scheduler of that name', () => {
  const types = ['fifo', 'asha', 'asha_promote', 'median_stopping', 'pbt'];
  const names = types.map((type) => createScheduler(tuneConfig(type === 'pbt' ? { type, hyperparam_mutations: MUTATIONS } : { type }), 0).name);
  assert.deepEqual(names, types);
});

test('FIFO lets every trial continue and decides nothing worth an event', () => {
  const fifo = createScheduler(tuneConfig({ type: 'fifo' }, {}), 0);
  fifo.onTrialAdd(trial(0));
  assert.deepEqual(fifo.onTrialResult(trial(0), at(1_000, -1)), { action: 'continue' });
  assert.deepEqual(fifo.drainEvents(), []);
});

test('a scheduler without a metric anywhere is refused, naming tune_config.metric', () => {
  assert.throws(() => createScheduler(tuneConfig({ type: 'asha' }, {}), 0), /the asha scheduler needs a metric to compare trials on; set tune_config\.metric/);
});

test('a scheduler with a metric but no mode is refused, naming tune_config.mode', () => {
  assert.throws(() => createScheduler(tuneConfig({ type: 'median_stopping' }, { metric: 'acc' }), 0), /whether acc is better high or low; set tune_config\.mode to max or min/);
});

test("the scheduler's own metric and mode serve when tune_config has none, and must agree with it when it has", () => {
  const own = createScheduler(tuneConfig({ type: 'asha', metric: 'loss', mode: 'min' }, {}), 0) as AshaScheduler;
  assert.deepEqual([own.options.metric, own.options.mode], ['loss', 'min']);
  assert.throws(() => createScheduler(tuneConfig({ type: 'asha', metric: 'loss' }), 0), /tune_config\.scheduler\.metric \(loss\) differs from tune_config\.metric \(acc\); set it in one place only/);
});

test('options the schema cannot relate are checked here: grace_period above max_t is refused', () => {
  assert.throws(() => createScheduler(tuneConfig({ type: 'asha', grace_period: 20, max_t: 10 }), 0), /grace_period \(20\) must not exceed max_t \(10\)/);
});

test('an option of the wrong kind or an unknown option is refused with a sentence', () => {
  assert.throws(() => createScheduler(tuneConfig({ type: 'asha', max_t: '10' }), 0), /tune_config\.scheduler\.max_t must be a number, got "10"/);
  assert.throws(() => createScheduler(tuneConfig({ type: 'median_stopping', max_t: 10 }), 0), /the median_stopping scheduler has no option max_t/);
  assert.throws(() => createScheduler(tuneConfig({ type: 'hyperband' }), 0), /"hyperband" is not a scheduler; use one of fifo, asha/);
});

test('every default the schema advertises for a scheduler option is the one the scheduler uses', () => {
  const definitions = readSpecSchema().definitions as Record<string, { properties: Record<string, { default?: unknown }> }>;
  const built = {
    ashaScheduler: (createScheduler(tuneConfig({ type: 'asha' }), 0) as AshaScheduler).options,
    medianStoppingScheduler: (createScheduler(tuneConfig({ type: 'median_stopping' }), 0) as MedianStoppingScheduler).options,
    pbtScheduler: (createScheduler(tuneConfig({ type: 'pbt', hyperparam_mutations: MUTATIONS }), 0) as PbtScheduler).options,
  };
  let checked = 0;
  for (const [definition, options] of Object.entries(built)) {
    for (const [key, property] of Object.entries(definitions[definition].properties)) {
      if (!('default' in property)) continue;
      assert.deepEqual((options as unknown as Record<string, unknown>)[key], property.default, `${definition}.${key}`);
      checked++;
    }
  }
  assert.equal(checked, 18);
});
