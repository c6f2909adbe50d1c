import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO, runCli, scratchDir } from '../cli_harness';

const FAKES = join(REPO, 'test/fixtures/nvidia-smi');
const withFakeGpus = (fake: string) => ({ PATH: `${join(FAKES, fake)}:${process.env.PATH}` });

const GPU_SPEC = `
trainer:
  command: [python3, worker.py]
  scaling_config: {num_workers: 2, use_gpu: true, resources_per_worker: {CPU: 0, GPU: 1}, trainer_resources: {CPU: 1}}
tune_config: {num_samples: 4}
`;

describe('tunekit gpus', () => {
  it('lists the GPUs a (fake) nvidia-smi reports, as a table and as JSON', async () => {
    const table = await runCli(['gpus'], { env: withFakeGpus('two-gpus') });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /GPUs \(from nvidia-smi\)/);
    assert.match(table.stdout, /1\s+NVIDIA GeForce RTX 3090\s+0\/24576 MiB/);
    const json = await runCli(['gpus', '--json'], { env: withFakeGpus('eight-gpus') });
    const report = JSON.parse(json.stdout);
    assert.equal(report.gpus.length, 8);
    assert.equal(report.gpuSource, 'nvidia-smi');
  });

  it('says what went wrong when nvidia-smi fails, and still exits 0', async () => {
    const run = await runCli(['gpus'], { env: withFakeGpus('driver-failure') });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /GPUs: none schedulable/);
    assert.match(run.stdout, /note: nvidia-smi exited/);
  });
});

describe('tunekit validate and plan', () => {
  it('validate counts the trials and prints what each requests', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', 'gpu.tune.yaml': GPU_SPEC });
    try {
      const run = await runCli(['validate', join(dir, 'gpu.tune.yaml')], { env: withFakeGpus('eight-gpus') });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /valid; 4 trials/);
      assert.match(run.stdout, /trial 00000: trainable 1 CPU; 2 workers × \(0 CPU \+ 1 GPU\)/);
    } finally {
      cleanup();
    }
  });

  it('validate refuses a request that can never fit this machine, with exit code 2 and no stack trace', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', 'gpu.tune.yaml': GPU_SPEC });
    try {
      const run = await runCli(['validate', join(dir, 'gpu.tune.yaml')], { env: { PATH: process.env.PATH?.split(':').filter((p) => !p.includes('nvidia')).join(':') } });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /can never run on this machine/);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    } finally {
      cleanup();
    }
  });

  it('a bad spec is reported with file, line and column and exit code 2', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', 'bad.tune.yaml': 'trainer:\n  command: [python3, worker.py]\ntune_config:\n  num_sample: 3\n' });
    try {
      for (const command of ['validate', 'plan', 'run']) {
        const run = await runCli([command, join(dir, 'bad.tune.yaml')]);
        assert.equal(run.code, 2, `${command}: ${run.stderr}`);
        assert.match(run.stderr, /bad\.tune\.yaml:4:3: .*num_sample.*did you mean num_samples\?/);
      }
    } finally {
      cleanup();
    }
  });

  it('plan shows the seed scenario: two trials run, the rest wait for GPUs (and hold CPUs in ray mode)', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', 'gpu.tune.yaml': GPU_SPEC + 'resources: {CPU: 4, GPU: 4}\n' });
    try {
      const run = await runCli(['plan', join(dir, 'gpu.tune.yaml')]);
      assert.equal(run.code, 0, run.stderr);
      const [coordinated, ray] = run.stdout.split('\nray admission');
      assert.match(coordinated, /wave 1: runs 00000 \[GPU 0,1\], 00001 \[GPU 2,3\]/);
      assert.match(coordinated, /pending 00002, 00003: .*GPU/);
      assert.equal((ray.match(/started, waiting for workers/g) ?? []).length, 2);
    } finally {
      cleanup();
    }
  });

  it('an unknown command prints usage with exit code 2', async () => {
    const run = await runCli(['frobnicate']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Usage: tunekit/);
  });
});
