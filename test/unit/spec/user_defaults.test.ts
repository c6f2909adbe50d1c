import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSpec } from '../../../runtime/spec/defaults';
import { userDefaults } from '../../../runtime/spec/user_defaults';

const env = { TUNEKIT_STORAGE_PATH: 'runs', TUNEKIT_RESOURCES: '{"CPU": 8, "GPU": 4}', TUNEKIT_ADMISSION: 'ray' };

test('settings from the environment fill what the spec leaves out', () => {
  const spec = resolveSpec({ trainer: { command: ['python3', 'train.py'] } }, '/work/exp/a.tune.yaml', userDefaults(env));
  assert.equal(spec.run_config.storage_path, '/work/exp/runs');
  assert.deepEqual(spec.resources, { CPU: 8, GPU: 4 });
  assert.equal(spec.tune_config.admission, 'ray');
});

test('a value written in the spec wins over the environment', () => {
  const spec = resolveSpec(
    { trainer: { command: ['python3', 'train.py'] }, run_config: { storage_path: '/abs' }, tune_config: { admission: 'coordinated' }, resources: { CPU: 2 } },
    '/work/exp/a.tune.yaml',
    userDefaults(env),
  );
  assert.equal(spec.run_config.storage_path, '/abs');
  assert.deepEqual(spec.resources, { CPU: 2 });
  assert.equal(spec.tune_config.admission, 'coordinated');
});

test('malformed or out-of-range settings are ignored rather than guessed at', () => {
  assert.deepEqual(userDefaults({ TUNEKIT_RESOURCES: '{CPU: 8', TUNEKIT_ADMISSION: 'fast' }), {});
  assert.deepEqual(userDefaults({ TUNEKIT_RESOURCES: '{"CPU": -1, "GPU": 1.5}' }), {});
});
