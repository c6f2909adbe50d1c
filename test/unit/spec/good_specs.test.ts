import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ExperimentSpec } from '../../../protocol/spec';
import { loadSpec, parseSpecText } from '../../../runtime/spec/load';
import { SpecError, type SpecProblem } from '../../../runtime/spec/spec_error';

const FIXTURES = join(__dirname, '../../../../test/unit/spec/fixtures');

function parsed(text: string, file = '/experiments/demo.tune.yaml'): ExperimentSpec {
  const result = parseSpecText(text, file);
  assert.deepEqual(result.problems, []);
  assert.ok(result.spec);
  return result.spec;
}

test('a spec with only trainer.command gets the defaults of Ray and protocol/spec.ts', () => {
  const spec = parsed('trainer:\n  command: [python3, train.py]\n');
  assert.deepEqual(spec, {
    file: '/experiments/demo.tune.yaml',
    backend: { type: 'local' },
    trainer: {
      command: ['python3', 'train.py'],
      working_dir: '/experiments',
      env: {},
      train_loop_config: {},
      scaling_config: {
        num_workers: 1,
        use_gpu: false,
        resources_per_worker: { CPU: 1, GPU: 0 },
        trainer_resources: { CPU: 1, GPU: 0 },
      },
      failure_config: { max_failures: 0, startup_timeout_s: 120, report_timeout_s: 0 },
      warm_start: { enabled: true, imports: null },
    },
    param_space: {},
    tune_config: {
      num_samples: 1,
      max_concurrent_trials: 0,
      seed: 0,
      scheduler: { type: 'fifo' },
      search_alg: { type: 'random' },
      admission: 'coordinated',
    },
    run_config: {
      name: 'demo',
      storage_path: '/experiments/tunekit_results',
      stop: {},
      failure_config: { max_failures: 0, fail_fast: false },
      checkpoint_config: { checkpoint_score_order: 'max' },
    },
  });
});

test('use_gpu without a GPU amount gives each worker one whole GPU, as Ray does', () => {
  const spec = parsed('trainer:\n  command: [python3, train.py]\n  scaling_config: {use_gpu: true, resources_per_worker: {CPU: 4}}\n');
  assert.deepEqual(spec.trainer.scaling_config.resources_per_worker, { CPU: 4, GPU: 1 });
  assert.deepEqual(spec.trainer.scaling_config.trainer_resources, { CPU: 1, GPU: 0 });
});

test('a GPU share below one per worker is accepted', () => {
  const spec = parsed('trainer:\n  command: [python3, train.py]\n  scaling_config: {use_gpu: true, resources_per_worker: {GPU: 0.25}}\n');
  assert.equal(spec.trainer.scaling_config.resources_per_worker.GPU, 0.25);
});

test('relative working_dir and storage_path resolve against the spec directory, not the process directory', () => {
  const text = 'trainer:\n  command: [python3, train.py]\n  working_dir: ../src\nrun_config:\n  storage_path: out/results\n';
  const spec = parsed(text, 'experiments/nested/demo.tune.yaml');
  assert.equal(spec.trainer.working_dir, join(process.cwd(), 'experiments/src'));
  assert.equal(spec.run_config.storage_path, join(process.cwd(), 'experiments/nested/out/results'));
  assert.equal(spec.file, join(process.cwd(), 'experiments/nested/demo.tune.yaml'));
});

test('a storage_path starting with ~ is under the home directory', () => {
  const spec = parsed('trainer:\n  command: [python3, train.py]\nrun_config:\n  storage_path: ~/ray_results\n');
  assert.equal(spec.run_config.storage_path, join(homedir(), 'ray_results'));
});

test('a command string is split like a shell splits it, quotes grouping words', () => {
  const spec = parsed(`trainer:\n  command: python3 "my train.py" --tag 'a b' --x=1\n`);
  assert.deepEqual(spec.trainer.command, ['python3', 'my train.py', '--tag', 'a b', '--x=1']);
});

test('numbers in a command list and in env become the strings a process receives', () => {
  const spec = parsed('trainer:\n  command: [python3, train.py, --epochs, 10]\n  env: {OMP_NUM_THREADS: 4, DEBUG: true, NAME: x}\n');
  assert.deepEqual(spec.trainer.command, ['python3', 'train.py', '--epochs', '10']);
  assert.deepEqual(spec.trainer.env, { OMP_NUM_THREADS: '4', DEBUG: 'true', NAME: 'x' });
});

test('the experiment name defaults to the file name without .tune.yaml or .tune.json', () => {
  assert.equal(parsed('trainer: {command: [a]}\n', '/x/mnist.tune.yaml').run_config.name, 'mnist');
  assert.equal(parsed('{"trainer": {"command": ["a"]}}', '/x/cifar.tune.json').run_config.name, 'cifar');
  assert.equal(parsed('trainer: {command: [a]}\n', '/x/plain.yml').run_config.name, 'plain');
});

test('scheduler and search_alg strings become mappings with that type, options kept', () => {
  const spec = parsed('trainer: {command: [a]}\ntune_config:\n  scheduler: {type: pbt, perturbation_interval: 4}\n  search_alg: grid\n');
  assert.deepEqual(spec.tune_config.scheduler, { type: 'pbt', perturbation_interval: 4 });
  assert.deepEqual(spec.tune_config.search_alg, { type: 'grid' });
});

test('when param_space picks use_gpu, GPUs per worker are not checked against the constant use_gpu', () => {
  const text = 'trainer:\n  command: [a]\n  scaling_config: {resources_per_worker: {GPU: 1}}\nparam_space:\n  scaling_config: {use_gpu: {choice: [true]}}\n';
  assert.equal(parsed(text).trainer.scaling_config.resources_per_worker.GPU, 1);
});

test('a checkpoint_score_order without an attribute is a warning and the spec still loads', () => {
  const result = parseSpecText('trainer: {command: [a]}\nrun_config:\n  checkpoint_config: {checkpoint_score_order: min}\n', '/x/a.tune.yaml');
  assert.ok(result.spec);
  assert.equal(result.spec.run_config.checkpoint_config.checkpoint_score_order, 'min');
  assert.deepEqual(
    result.problems.map((p) => [p.severity, p.line, p.column]),
    [['warning', 3, 47]],
  );
});

test('a JSON spec loads to the same ExperimentSpec as its YAML twin', async () => {
  const fromYaml = await loadSpec(join(FIXTURES, 'good/twin.tune.yaml'));
  const fromJson = await loadSpec(join(FIXTURES, 'good/twin.tune.json'));
  assert.deepEqual({ ...fromJson, file: '' }, { ...fromYaml, file: '' });
  assert.deepEqual(fromYaml.trainer.command, ['python3', 'train.py', '--data', 'my data']);
  assert.equal(fromYaml.trainer.working_dir, join(FIXTURES, 'good'));
});

test('parseSpecText reports every problem of a spec, in file order', () => {
  const file = join(FIXTURES, 'two_problems.tune.yaml');
  const { spec, problems } = parseSpecText(readFileSync(file, 'utf8'), file);
  assert.equal(spec, undefined);
  assert.deepEqual(
    problems.map((p) => [p.line, p.column, p.severity]),
    [
      [4, 18, 'error'],
      [6, 3, 'error'],
      [8, 47, 'warning'],
    ],
  );
});

test('loadSpec throws a SpecError whose message has one file:line:column line per problem', async () => {
  const file = join(FIXTURES, 'two_problems.tune.yaml');
  const error = await loadSpec(file).then(
    () => assert.fail('loadSpec accepted a spec with errors'),
    (err: unknown) => err,
  );
  assert.ok(error instanceof SpecError);
  assert.equal(error.problems.length, 3);
  assert.deepEqual(error.message.split('\n'), [
    `${file}:4:18: trainer.scaling_config.num_workers must be at least 1, got 0`,
    `${file}:6:3: unknown key "num_sample" in tune_config; did you mean num_samples?`,
    `${file}:8:47: warning: run_config.checkpoint_config.checkpoint_score_order has no effect without checkpoint_score_attribute; name the metric that ranks checkpoints`,
  ]);
});

test('loadSpec refuses a working_dir that does not exist, at the working_dir value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-spec-'));
  try {
    const file = join(dir, 'a.tune.yaml');
    writeFileSync(file, 'trainer:\n  command: [python3, train.py]\n  working_dir: missing\n');
    await assert.rejects(loadSpec(file), (err: SpecError) => {
      assert.equal(err.problems.length, 1);
      assert.deepEqual([err.problems[0].line, err.problems[0].column], [3, 16]);
      assert.match(err.problems[0].message, /trainer\.working_dir is .*missing, which does not exist/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadSpec of a file that is not there throws a SpecError naming the file', async () => {
  const file = join(tmpdir(), 'tunekit-no-such-spec.tune.yaml');
  await assert.rejects(loadSpec(file), (err: SpecError) => {
    assert.ok(err instanceof SpecError);
    assert.equal(err.message, `${file}:1:1: cannot read the spec: there is no such file`);
    return true;
  });
});

test('loadSpec hands warnings to onWarning and still returns the spec', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-spec-'));
  try {
    const file = join(dir, 'warn.tune.yaml');
    writeFileSync(file, 'trainer: {command: [a]}\nrun_config:\n  checkpoint_config: {checkpoint_score_order: min}\n');
    const warnings: SpecProblem[] = [];
    const spec = await loadSpec(file, { onWarning: (w) => warnings.push(w) });
    assert.equal(spec.run_config.name, 'warn');
    assert.deepEqual(warnings.map((w) => w.severity), ['warning']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
