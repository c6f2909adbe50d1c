import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpecObject, specMentionsScript } from '../../../extension/spec_discovery';
import { specTemplate, validExperimentName } from '../../../extension/templates';
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
