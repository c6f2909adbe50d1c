import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatNumber } from '../../../protocol/format';
import { describeRequestError } from '../../../extension/request_errors';
import { RestartBudget } from '../../../extension/restart_budget';
import { daemonEnv, runtimeEnv } from '../../../extension/runtime_env';

test('a crashed runtime is restarted 3 times in 3 minutes, then no more until the window passes', () => {
  let now = 0;
  const budget = new RestartBudget(3, 180_000, () => now);
  assert.deepEqual([budget.take(), budget.take(), budget.take(), budget.take()], [true, true, true, false]);
  now = 180_001;
  assert.equal(budget.take(), true);
});

test('settings reach the runtime as the environment variables it reads, and unset ones stay out', () => {
  assert.deepEqual(runtimeEnv({ pythonInterpreter: '', storagePath: '' }), {});
  assert.deepEqual(
    runtimeEnv({ pythonInterpreter: '/venv/bin/python', storagePath: 'runs', resourcesOverride: { CPU: 8, GPU: 4 }, admissionMode: 'ray' }),
    { TUNEKIT_PYTHON: '/venv/bin/python', TUNEKIT_STORAGE_PATH: 'runs', TUNEKIT_RESOURCES: '{"CPU":8,"GPU":4}', TUNEKIT_ADMISSION: 'ray' },
  );
});

test('a TUNEKIT_PYTHON from the shell is kept unless the setting names another', () => {
  const base = { PATH: '/bin', TUNEKIT_PYTHON: '/usr/bin/python3' };
  assert.equal(daemonEnv(base, { pythonInterpreter: '', storagePath: '' }).TUNEKIT_PYTHON, '/usr/bin/python3');
  assert.equal(daemonEnv(base, { pythonInterpreter: '/venv/bin/python', storagePath: '' }).TUNEKIT_PYTHON, '/venv/bin/python');
});

test('a spec error becomes one sentence naming the file and line of the first problem', () => {
  const error = Object.assign(new Error('spec has problems'), {
    data: {
      kind: 'spec',
      problems: [
        { file: '/ws/bad.tune.yaml', line: 22, column: 3, message: 'unknown key "num_sample" in tune_config; did you mean num_samples?' },
        { file: '/ws/bad.tune.yaml', line: 30, column: 1, message: 'metric is required' },
      ],
    },
  });
  const d = describeRequestError('Could not run bad.tune.yaml', error);
  assert.equal(d.message, 'Could not run bad.tune.yaml: bad.tune.yaml:22: unknown key "num_sample" in tune_config; did you mean num_samples? (and 1 more problem).');
  assert.equal(d.specProblems, true);
});

test('any other failure keeps only its first line, ending as a sentence', () => {
  const d = describeRequestError('Could not stop quickstart', new Error('experiment is not running\n    at stack'));
  assert.equal(d.message, 'Could not stop quickstart: experiment is not running.');
  assert.equal(d.specProblems, false);
});

test('numbers keep 4 significant digits and durations read as minutes and seconds', () => {
  assert.deepEqual([0.98123, 0.0012213, 12, 1.5e-7, 123456.7].map(formatNumber), ['0.9812', '0.001221', '12', '1.5e-7', '123500']);
  assert.deepEqual([45, 192, 7500].map(formatDuration), ['45s', '3m12s', '2h05m']);
});
