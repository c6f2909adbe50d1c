import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { test } from 'node:test';
import {
  commandWords,
  importsTunekit,
  isSpecFile,
  parseSpecObject,
  resultsDirOf,
  specMentionsScript,
  specPathForScript,
} from '../../../extension/spec_discovery';

test('a script that imports tunekit either way is recognised', () => {
  assert.ok(importsTunekit('import os\nimport tunekit\n'));
  assert.ok(importsTunekit('from tunekit import report\n'));
  assert.ok(importsTunekit('    import tunekit  # inside a function\n'));
});

test('a script that only mentions tunekit is not taken for a user of it', () => {
  assert.ok(!importsTunekit('# run me with tunekit\nimport tunekit_extras\n'));
  assert.ok(!importsTunekit('x = "import tunekit"\n'));
});

test('a spec whose command names the script mentions it, in argv or string form', () => {
  const argv = parseSpecObject('trainer:\n  command: [python3, src/train.py, --fast]\n');
  const line = parseSpecObject('trainer:\n  command: "python3 -u train.py --epochs 3"\n');
  assert.ok(specMentionsScript(argv, '/ws/a.tune.yaml', '/ws/src/train.py'));
  assert.ok(specMentionsScript(line, '/ws/a.tune.yaml', '/ws/train.py'));
  assert.deepEqual(commandWords(line), ['python3', '-u', 'train.py', '--epochs', '3']);
});

test('a spec that runs another script does not mention this one', () => {
  const raw = parseSpecObject('trainer:\n  command: [python3, pretrain.py]\n');
  assert.ok(!specMentionsScript(raw, '/ws/a.tune.yaml', '/ws/train.py'));
  assert.ok(!specMentionsScript(undefined, '/ws/a.tune.yaml', '/ws/train.py'));
});

test('a spec in another folder that runs its own train.py does not claim this one', () => {
  const raw = parseSpecObject('trainer:\n  command: [python3, train.py]\n');
  assert.ok(specMentionsScript(raw, '/ws/quickstart/q.tune.yaml', '/ws/quickstart/train.py'));
  assert.ok(!specMentionsScript(raw, '/ws/digits/d.tune.yaml', '/ws/quickstart/train.py'));
});

test('the script is found from the trainer\'s working_dir', () => {
  const raw = parseSpecObject('trainer:\n  command: [python3, train.py]\n  working_dir: ../src\n');
  assert.ok(specMentionsScript(raw, '/ws/specs/a.tune.yaml', '/ws/src/train.py'));
  assert.ok(!specMentionsScript(raw, '/ws/specs/a.tune.yaml', '/ws/specs/train.py'));
});

test('a spec that does not parse has no content to offer', () => {
  assert.equal(parseSpecObject('trainer: [unclosed\n'), undefined);
  assert.equal(parseSpecObject('- just\n- a list\n'), undefined);
});

test('results go to ./tunekit_results/<file name> beside the spec by default', () => {
  assert.equal(resultsDirOf('/ws/exp/quickstart.tune.yaml', {}), '/ws/exp/tunekit_results/quickstart');
  assert.equal(resultsDirOf('/ws/exp/other.tune.yml', undefined), '/ws/exp/tunekit_results/other');
});

test('the spec\'s own storage_path and name win over the setting', () => {
  const raw = parseSpecObject('run_config:\n  name: big\n  storage_path: ../results\n');
  assert.equal(resultsDirOf('/ws/exp/a.tune.yaml', raw, '/elsewhere'), '/ws/results/big');
  assert.equal(resultsDirOf('/ws/exp/a.tune.yaml', {}, 'runs'), '/ws/exp/runs/a');
  assert.equal(resultsDirOf('/ws/exp/a.tune.yaml', parseSpecObject('run_config: {storage_path: ~/r}\n')), `${homedir()}/r/a`);
});

test('spec files are recognised by their double extension only', () => {
  assert.ok(isSpecFile('/ws/a.tune.yaml'));
  assert.ok(isSpecFile('/ws/a.tune.json'));
  assert.ok(!isSpecFile('/ws/a.yaml'));
  assert.ok(!isSpecFile('/ws/tune.yaml'));
});

test('a script\'s new spec goes beside it under the same name', () => {
  assert.equal(specPathForScript('/ws/src/train_mnist.py'), '/ws/src/train_mnist.tune.yaml');
});
