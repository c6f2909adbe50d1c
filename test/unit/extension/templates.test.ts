import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpecObject, specMentionsScript } from '../../../extension/spec_discovery';
import { reportedKeys, specTemplate, validExperimentName } from '../../../extension/templates';
import { parseSpecText } from '../../../runtime/spec/load';

test('a new spec from the template passes the runtime\'s own checks without a warning', () => {
  const text = specTemplate({ name: 'mnist', script: 'train_mnist.py' });
  const { spec, problems } = parseSpecText(text, '/ws/mnist.tune.yaml');
  assert.deepEqual(problems, []);
  assert.equal(spec?.run_config.name, 'mnist');
  assert.deepEqual(spec?.trainer.command.slice(-1), ['train_mnist.py']);
});

test('a spec scaffolded for a script mentions that script, so its Tune lens appears', () => {
  const raw = parseSpecObject(specTemplate({ name: 'train', script: 'train.py' }));
  assert.ok(specMentionsScript(raw, '/ws/train.tune.yaml', '/ws/train.py'));
});

test('an experiment name must be one plain path segment', () => {
  assert.equal(validExperimentName('digits-ddp_2'), undefined);
  assert.ok(validExperimentName(''));
  assert.ok(validExperimentName('../escape'));
  assert.ok(validExperimentName('with space'));
});

test('a spec scaffolded for a script tunes a key that script reports, not a made-up val_loss', () => {
  const script = [
    'import tunekit',
    'for step in range(10):',
    '    tunekit.report({"step": step, "rank": rank})',
    '    train.report(dict(step=step, val_acc=acc))',
  ].join('\n');
  assert.deepEqual(reportedKeys(script), ['step', 'rank', 'val_acc']);
  const { spec, problems } = parseSpecText(specTemplate({ name: 'train', script: 'train.py', reported: reportedKeys(script) }), '/ws/train.tune.yaml');
  assert.deepEqual(problems, []);
  assert.deepEqual([spec?.tune_config.metric, spec?.tune_config.mode], ['val_acc', 'max']);
  const lossOnly = parseSpecText(specTemplate({ name: 't', script: 't.py', reported: reportedKeys('tunekit.report({"loss": l, "epoch": e})') }), '/ws/t.tune.yaml');
  assert.deepEqual([lossOnly.spec?.tune_config.metric, lossOnly.spec?.tune_config.mode], ['loss', 'min']);
  const counters = parseSpecText(specTemplate({ name: 'c', script: 'c.py', reported: ['step', 'rank'] }), '/ws/c.tune.yaml');
  assert.deepEqual([counters.problems, counters.spec?.tune_config.metric], [[], undefined], 'a script reporting only counters gets no invented metric');
});
