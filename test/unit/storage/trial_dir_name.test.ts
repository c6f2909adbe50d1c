import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TRIAL_DIR_NAME, formatValue, trialDirName } from '../../../runtime/storage/trial_dir_name';

const sampled = [
  { path: 'train_loop_config/lr', value: 0.0012345 },
  { path: 'scaling_config/num_workers', value: 2 },
];

test('a trial dir name reads trainable, experiment id, index and the sampled params', () => {
  assert.equal(trialDirName('TorchTrainer', 'a1b2c', 3, sampled), 'TorchTrainer_a1b2c_00003_lr=0.001234,num_workers=2');
});

test('the same arguments always give the same name', () => {
  assert.equal(trialDirName('TorchTrainer', 'a1b2c', 7, sampled), trialDirName('TorchTrainer', 'a1b2c', 7, sampled));
});

test('a trial without sampled params is named by its prefix alone', () => {
  assert.equal(trialDirName('TorchTrainer', '0f0f0', 12, []), 'TorchTrainer_0f0f0_00012');
});

test('numbers are written compactly with about four significant digits', () => {
  assert.equal(formatValue(0.1), '0.1');
  assert.equal(formatValue(3.14159265), '3.142');
  assert.equal(formatValue(1e-5), '1e-05');
  assert.equal(formatValue(0.00012345), '0.0001234');
  assert.equal(formatValue(123456.7), '1.235e+05');
  assert.equal(formatValue(64), '64');
  assert.equal(formatValue(-2.5), '-2.5');
  assert.equal(formatValue(Number.NaN), 'nan');
  assert.equal(formatValue(true), 'true');
});

test('hostile values cannot climb out, nest directories or hide the dir', () => {
  const name = trialDirName('TorchTrainer', 'a1b2c', 0, [
    { path: 'train_loop_config/data', value: '../../etc' },
    { path: 'train_loop_config/sub', value: 'a/b' },
    { path: 'train_loop_config/ctl', value: 'x\u0000y\nz\u001b' },
    { path: 'train_loop_config/sep', value: 'k=v,w' },
  ]);
  assert.equal(name, 'TorchTrainer_a1b2c_00000_data=____etc,sub=a_b,ctl=x_y_z_,sep=k_v_w');
  assert.doesNotMatch(name, /\/|\.\.|[\u0000-\u001f]/);
});

test('a trainable name starting with a dot does not make a hidden directory', () => {
  const name = trialDirName('.hidden/x', 'a1b2c', 0, []);
  assert.equal(name, '_hidden_x_a1b2c_00000');
});

test('very long params are cut so the whole name stays within the cap', () => {
  const long = Array.from({ length: 40 }, (_, i) => ({ path: `train_loop_config/param_${i}`, value: 'v'.repeat(20) }));
  const name = trialDirName('TorchTrainer', 'a1b2c', 1, long);
  assert.equal(name.length, MAX_TRIAL_DIR_NAME);
  assert.ok(name.startsWith('TorchTrainer_a1b2c_00001_param_0=vvvv'));
  const trainable = trialDirName('T'.repeat(500), 'a1b2c', 1, long);
  assert.ok(trainable.length <= MAX_TRIAL_DIR_NAME);
  assert.match(trainable, /^T+_a1b2c_00001_param_0=/);
});

test('an experiment id that is not five hex digits is refused', () => {
  assert.throws(() => trialDirName('TorchTrainer', '../ab', 0, []), /5 lowercase hex/);
  assert.throws(() => trialDirName('TorchTrainer', 'a1b2c', -1, []), /index/);
});
