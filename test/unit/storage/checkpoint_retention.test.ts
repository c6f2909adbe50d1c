import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointConfig } from '../../../protocol/spec';
import {
  ScoredCheckpoint,
  checkpointScore,
  checkpointsToDelete,
  deleteCheckpoints,
} from '../../../runtime/storage/checkpoint_retention';
import { scratchDir } from './scratch_dir';

function checkpoints(scores: Array<number | undefined>, attribute = 'loss'): ScoredCheckpoint[] {
  return scores.map((score, i) => ({
    name: `checkpoint_${String(i).padStart(6, '0')}`,
    metrics: score === undefined ? {} : { [attribute]: score },
  }));
}

const config = (extra: Partial<CheckpointConfig>): CheckpointConfig => ({ checkpoint_score_order: 'max', ...extra });

test('without num_to_keep every checkpoint is kept', () => {
  assert.deepEqual(checkpointsToDelete(checkpoints([1, 2, 3]), config({})), []);
});

test('without a score attribute the newest N are kept', () => {
  assert.deepEqual(checkpointsToDelete(checkpoints([5, 1, 9, 2]), config({ num_to_keep: 2 })), [
    'checkpoint_000000',
    'checkpoint_000001',
  ]);
});

test('with order max the highest scores are kept, and the latest always', () => {
  const doomed = checkpointsToDelete(
    checkpoints([0.5, 0.9, 0.7, 0.1]),
    config({ num_to_keep: 2, checkpoint_score_attribute: 'loss', checkpoint_score_order: 'max' }),
  );
  assert.deepEqual(doomed, ['checkpoint_000000']);
});

test('with order min the lowest scores are kept', () => {
  const doomed = checkpointsToDelete(
    checkpoints([0.5, 0.9, 0.2, 0.1, 0.3]),
    config({ num_to_keep: 2, checkpoint_score_attribute: 'loss', checkpoint_score_order: 'min' }),
  );
  assert.deepEqual(doomed, ['checkpoint_000000', 'checkpoint_000001']);
});

test('a checkpoint whose result lacks the attribute ranks below every scored one', () => {
  const doomed = checkpointsToDelete(
    checkpoints([undefined, 0.1, undefined, 0.2, 0.3]),
    config({ num_to_keep: 2, checkpoint_score_attribute: 'loss', checkpoint_score_order: 'min' }),
  );
  assert.deepEqual(doomed, ['checkpoint_000000', 'checkpoint_000002']);
});

test('equal scores are broken in favour of the newer checkpoint', () => {
  const doomed = checkpointsToDelete(
    checkpoints([0.5, 0.5, 0.5, 0.1]),
    config({ num_to_keep: 1, checkpoint_score_attribute: 'loss', checkpoint_score_order: 'max' }),
  );
  assert.deepEqual(doomed, ['checkpoint_000000', 'checkpoint_000001']);
});

test('a protected checkpoint is never chosen for deletion', () => {
  const doomed = checkpointsToDelete(
    checkpoints([0.1, 0.2, 0.3, 0.4]),
    config({ num_to_keep: 1 }),
    new Set(['checkpoint_000000']),
  );
  assert.deepEqual(doomed, ['checkpoint_000001', 'checkpoint_000002']);
});

test('scores are found under a flat slash key or a nested path, NaN counts as missing', () => {
  assert.equal(checkpointScore({ 'eval/loss': 1 }, 'eval/loss'), 1);
  assert.equal(checkpointScore({ eval: { loss: 2 } }, 'eval/loss'), 2);
  assert.equal(checkpointScore({ loss: Number.NaN }, 'loss'), undefined);
  assert.equal(checkpointScore({ loss: '0.3' }, 'loss'), undefined);
});

test('num_to_keep below one is refused', () => {
  assert.throws(() => checkpointsToDelete(checkpoints([1]), config({ num_to_keep: 0 })), /at least 1/);
});

test('deleting removes the chosen checkpoint directories and only those', async (t) => {
  const trialDir = scratchDir(t);
  for (const i of [0, 1, 2]) {
    mkdirSync(join(trialDir, `checkpoint_00000${i}`, 'deep'), { recursive: true });
    writeFileSync(join(trialDir, `checkpoint_00000${i}`, 'deep', 'w.pt'), 'w');
  }
  await deleteCheckpoints(trialDir, ['checkpoint_000000', 'checkpoint_000001', 'checkpoint_000007']);
  assert.deepEqual(readdirSync(trialDir), ['checkpoint_000002']);
});

test('deleting refuses names that are not checkpoints or lead outside the trial', async (t) => {
  const root = scratchDir(t);
  const trialDir = join(root, 'trial');
  mkdirSync(join(root, 'precious'), { recursive: true });
  mkdirSync(trialDir);
  symlinkSync(join(root, 'precious'), join(trialDir, 'checkpoint_000003'));
  await assert.rejects(deleteCheckpoints(trialDir, ['../precious']), /not a checkpoint directory name/);
  await assert.rejects(deleteCheckpoints(trialDir, ['checkpoint_000003']), /symlink leads outside|not a checkpoint directory/);
  assert.ok(existsSync(join(root, 'precious')));
});
