import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentRecord } from '../../../protocol/journal';
import type { ExperimentSpec } from '../../../protocol/spec';
import {
  createExperimentDir,
  experimentDirPath,
  newExperimentId,
  readExperimentRecord,
} from '../../../runtime/storage/experiment_dir';
import { createTrialDir, writeTrialError } from '../../../runtime/storage/trial_dir';
import { scratchDir } from './scratch_dir';

function record(): ExperimentRecord {
  return {
    experiment_id: newExperimentId(),
    name: 'mnist',
    spec: { file: '/x/mnist.tune.yaml' } as ExperimentSpec,
    seed: 7,
    machine: { cpus: 2, gpus: [] },
    started_at: 1_700_000_000.25,
    tunekit_version: '0.1.0',
  };
}

test('an experiment id is five lowercase hex digits', () => {
  for (let i = 0; i < 20; i++) assert.match(newExperimentId(), /^[0-9a-f]{5}$/);
});

test('the experiment directory holds experiment.json, read back as written', async (t) => {
  const storage = scratchDir(t);
  const dir = experimentDirPath(storage, 'mnist');
  const written = record();
  await createExperimentDir(dir, written);
  assert.deepEqual(await readExperimentRecord(dir), written);
});

test('an experiment name that leaves the storage path is refused', (t) => {
  assert.throws(() => experimentDirPath(scratchDir(t), '../elsewhere'), /climbs out/);
});

test('a trial directory starts with its params.json, and error.txt ends with a newline', async (t) => {
  const experiment = scratchDir(t);
  const dir = await createTrialDir(experiment, 'TorchTrainer_a1b2c_00000_lr=0.01', { train_loop_config: { lr: 0.01 } });
  assert.equal(dir, join(experiment, 'TorchTrainer_a1b2c_00000_lr=0.01'));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8')), { train_loop_config: { lr: 0.01 } });
  await writeTrialError(dir, 'worker 1 exited with code 3');
  assert.equal(readFileSync(join(dir, 'error.txt'), 'utf8'), 'worker 1 exited with code 3\n');
  await assert.rejects(createTrialDir(experiment, '../escape', {}), /climbs out/);
});
