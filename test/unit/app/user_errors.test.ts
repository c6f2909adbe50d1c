import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../runtime/app/command_line';
import { applySetting, extendStart } from '../../../runtime/app/extend_trial';
import { resumeStart } from '../../../runtime/app/start_experiment';
import { ImpossibleRequestError } from '../../../runtime/backends/local_machine';
import { SlurmError } from '../../../runtime/backends/slurm/slurm_commands';
import { UserError } from '../../../runtime/errors/user_error';
import { userErrorReply } from '../../../runtime/server/error_reply';
import { SpecError } from '../../../runtime/spec/spec_error';
import { ExperimentLockedError } from '../../../runtime/tuner/run_lock';

test('every error a user can act on is a UserError, so each shell maps the family in one place', () => {
  const owner = { pid: 1, start_time: null, hostname: 'elsewhere', acquired_at: 0, token: 't' };
  for (const err of [
    new SpecError([]),
    new UsageError('bad flag'),
    new ImpossibleRequestError('never fits'),
    new SlurmError('no sinfo'),
    new ExperimentLockedError('/x', owner),
  ]) {
    assert.ok(err instanceof UserError, err.constructor.name);
    assert.ok(userErrorReply(err), `${err.constructor.name} is answered as invalid params`);
  }
  assert.equal(userErrorReply(new Error('a bug')), undefined, 'a fault of the runtime is not the user\'s');
});

test('the daemon answers a user error with its first line as a sentence, and a spec error with its problems', () => {
  assert.deepEqual(userErrorReply(new UserError('trial 3 is RUNNING\nmore detail')), { message: 'Trial 3 is RUNNING.' });
  const spec = new SpecError([{ file: '/w/a.tune.yaml', line: 4, column: 3, endLine: 4, endColumn: 9, message: 'unknown key "x"', severity: 'error' }]);
  assert.deepEqual(userErrorReply(spec), {
    message: 'a.tune.yaml line 4: unknown key "x".',
    data: { kind: 'spec', problems: [{ file: '/w/a.tune.yaml', line: 4, column: 3, message: 'unknown key "x"' }] },
  });
});

test('a --set setting replaces one value at its dotted path and leaves the original config alone', () => {
  const config = { train_loop_config: { lr: 0.1, layers: [1] } };
  assert.deepEqual(applySetting(config, 'train_loop_config.lr=0.001'), { train_loop_config: { lr: 0.001, layers: [1] } });
  assert.deepEqual(applySetting(config, 'train_loop_config.optimizer=adam'), { train_loop_config: { lr: 0.1, layers: [1], optimizer: 'adam' } });
  assert.deepEqual(config, { train_loop_config: { lr: 0.1, layers: [1] } });
  assert.throws(() => applySetting(config, 'lr'), UserError);
});

test('extend and resume refuse a wrong request before any lock is taken or journal read', () => {
  assert.throws(() => extendStart({ experimentPath: '/nowhere', trial: '1', maxIterations: 0 }), /at least 1/);
  assert.throws(() => extendStart({ experimentPath: '/nowhere', trial: '1', maxIterations: 5 }), /is not a Tunekit experiment/);
  assert.throws(() => resumeStart({ experimentPath: '/nowhere', resumeErrored: true, restartErrored: true }), /choose one of resume-errored and restart-errored/);
});
