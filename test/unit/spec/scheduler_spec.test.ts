import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpecText } from '../../../runtime/spec/load';

const FILE = '/experiments/sched.tune.yaml';

/** A spec whose tune_config.scheduler is the given YAML lines (indented under it). */
function withScheduler(...lines: string[]): string {
  return ['trainer: {command: [python3, train.py]}', 'tune_config:', '  metric: acc', '  mode: max', '  scheduler:', ...lines.map((l) => `    ${l}`), ''].join('\n');
}

function onlyError(text: string): { line: number; column: number; message: string } {
  const errors = parseSpecText(text, FILE).problems.filter((p) => p.severity === 'error');
  assert.equal(errors.length, 1, `expected one error, got:\n${errors.map((p) => p.message).join('\n')}`);
  return errors[0];
}

test('a misspelled ASHA option suggests the option it resembles, at the key', () => {
  const error = onlyError(withScheduler('type: asha', 'grace_perod: 2'));
  assert.equal(error.message, 'unknown key "grace_perod" in tune_config.scheduler; did you mean grace_period?');
  assert.deepEqual([error.line, error.column], [7, 5]);
});

test('a misspelled median stopping option suggests the option it resembles', () => {
  const error = onlyError(withScheduler('type: median_stopping', 'min_sample_required: 2'));
  assert.match(error.message, /did you mean min_samples_required\?/);
});

test("an option of another scheduler is refused with the options this one has", () => {
  const error = onlyError(withScheduler('type: median_stopping', 'reduction_factor: 2'));
  assert.match(error.message, /^unknown key "reduction_factor" in tune_config\.scheduler; expected type, time_attr, metric, mode, grace_period, min_samples_required, min_time_slice or hard_stop$/);
});

test('an option of the wrong type is a sentence placed at the value', () => {
  const error = onlyError(withScheduler('type: asha', 'max_t: ten'));
  assert.equal(error.message, 'tune_config.scheduler.max_t must be a number, got "ten"');
  assert.deepEqual([error.line, error.column], [7, 12]);
});

test('asha_promote takes the options of asha and their ranges', () => {
  const error = onlyError(withScheduler('type: asha_promote', 'reduction_factor: 1'));
  assert.equal(error.message, 'tune_config.scheduler.reduction_factor must be greater than 1, got 1');
  assert.deepEqual([error.line, error.column], [7, 23]);
});

test('hard_stop: no is a type error that explains YAML 1.2 reads it as text', () => {
  const error = onlyError(withScheduler('type: median_stopping', 'hard_stop: no'));
  assert.match(error.message, /tune_config\.scheduler\.hard_stop must be true or false, got "no"; write true or false/);
});

test('PBT quantile_fraction above 0.5 is refused, as Ray refuses it', () => {
  const error = onlyError(withScheduler('type: pbt', 'hyperparam_mutations: {train_loop_config: {lr: [0.1, 0.01]}}', 'quantile_fraction: 0.7'));
  assert.equal(error.message, 'tune_config.scheduler.quantile_fraction must be at most 0.5, got 0.7');
  assert.deepEqual([error.line, error.column], [8, 24]);
});

test("a scheduler's own mode must be min or max", () => {
  const error = onlyError(withScheduler('type: asha', 'mode: maximize'));
  assert.match(error.message, /tune_config\.scheduler\.mode must be "min" or "max", got "maximize"/);
});

test('each scheduler with its options written out is a valid spec', () => {
  const specs = [
    withScheduler('type: asha', 'time_attr: training_iteration', 'max_t: 81', 'grace_period: 1', 'reduction_factor: 3', 'brackets: 2', 'stop_last_trials: false'),
    withScheduler('type: asha_promote', 'max_t: 16', 'grace_period: 2'),
    withScheduler('type: median_stopping', 'grace_period: 10', 'min_samples_required: 2', 'min_time_slice: 5', 'hard_stop: false'),
    withScheduler(
      'type: pbt',
      'perturbation_interval: 4',
      'burn_in_period: 2',
      'hyperparam_mutations: {train_loop_config: {lr: {loguniform: [1.0e-4, 1.0e-1]}, batch_size: [16, 32, 64]}}',
      'quantile_fraction: 0.25',
      'resample_probability: 0.5',
      'perturbation_factors: [1.2, 0.8]',
    ),
  ];
  for (const text of specs) assert.deepEqual(parseSpecText(text, FILE).problems, [], text);
});
