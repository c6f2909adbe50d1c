import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, scratchDir } from '../cli_harness';

const WORKER = 'trainer:\n  command: [python3, worker.py]\n';
const NO_GPU_PATH = { PATH: process.env.PATH?.split(':').filter((p) => !p.includes('nvidia')).join(':') };

/** No errno names or Node's wording of them ("ENOTDIR: not a directory, mkdir …"), and no stack. */
function assertSentence(stderr: string): void {
  assert.doesNotMatch(stderr, /\bE[A-Z]{3,}\b|not a directory, |\n\s+at /, stderr);
}

describe('specs refused before anything is written', () => {
  it('a storage path that is an existing file is bad input for validate and run, in a sentence at its line', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', results: 'not a folder', 'a.tune.yaml': `${WORKER}run_config:\n  storage_path: ./results\n` });
    try {
      for (const command of ['validate', 'plan', 'run']) {
        const run = await runCli([command, join(dir, 'a.tune.yaml')]);
        assert.equal(run.code, 2, `${command}: ${run.stderr}`);
        assert.match(run.stderr, /a\.tune\.yaml:4:17: run_config\.storage_path is .*results, which is a file; name a directory/, command);
        assertSentence(run.stderr);
      }
    } finally {
      cleanup();
    }
  });

  it('a file on the way to the storage path, or where the results folder goes, is named', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', blocker: '', 'a.tune.yaml': `${WORKER}run_config:\n  storage_path: ./blocker/deeper/results\n` });
    try {
      const under = await runCli(['run', join(dir, 'a.tune.yaml')]);
      assert.equal(under.code, 2, under.stderr);
      assert.match(under.stderr, /but .*blocker is a file, so no folder can be made under it/);
      assertSentence(under.stderr);
      writeFileSync(join(dir, 'b.tune.yaml'), `${WORKER}run_config:\n  storage_path: .\n  name: worker.py\n`);
      const taken = await runCli(['run', join(dir, 'b.tune.yaml')]);
      assert.equal(taken.code, 2, taken.stderr);
      assert.match(taken.stderr, /b\.tune\.yaml:5:9: the results folder .*worker\.py is a file; remove it or choose another run_config\.name/);
    } finally {
      cleanup();
    }
  });

  it('run refuses a scheduler without a metric with its line, and leaves no results folder behind', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', 'a.tune.yaml': `${WORKER}tune_config:\n  scheduler: asha\nrun_config:\n  storage_path: ./results\n` });
    try {
      const run = await runCli(['run', join(dir, 'a.tune.yaml')]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /a\.tune\.yaml:4:3: the asha scheduler needs a metric/);
      assert.equal(existsSync(join(dir, 'results')), false, 'run created the results folder before refusing the spec');
    } finally {
      cleanup();
    }
  });

  it('run refuses a trial that can never fit this machine with its line, and leaves no results folder behind', async () => {
    const spec = `${WORKER}  scaling_config: {num_workers: 2, use_gpu: true}\nrun_config:\n  storage_path: ./results\nresources: {CPU: 64}\n`;
    const { dir, cleanup } = scratchDir({ 'worker.py': '', 'a.tune.yaml': spec });
    try {
      const run = await runCli(['run', join(dir, 'a.tune.yaml')], { env: NO_GPU_PATH });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /a\.tune\.yaml:3:19: trial 00000 can never run on this machine: each trial needs 2 whole GPUs/);
      assert.equal(existsSync(join(dir, 'results')), false, 'run created the results folder before refusing the spec');
    } finally {
      cleanup();
    }
  });

  it('a working_dir that is a file is refused at its line by validate and run', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': '', 'a.tune.yaml': `${WORKER}  working_dir: ./worker.py\n` });
    try {
      for (const command of ['validate', 'run']) {
        const run = await runCli([command, join(dir, 'a.tune.yaml')]);
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, /a\.tune\.yaml:3:16: trainer\.working_dir is .*worker\.py, which is a file/);
      }
      assert.equal(existsSync(join(dir, 'tunekit_results')), false);
    } finally {
      cleanup();
    }
  });
});

describe('files that are not specs', () => {
  it('a 5 MB spec is refused at once for its size, without parsing it', async () => {
    // Were it parsed, the misspelt key and the tab-indented line at its end would be reported too.
    const big = `${WORKER}param_space:\n  train_loop_config:\n    x: {grid_search: [${Array.from({ length: 700_000 }, (_, i) => i).join(',')}]}\ntune_confg: {}\n\tbad: 1\n`;
    const { dir, cleanup } = scratchDir({ 'big.tune.yaml': big });
    try {
      const run = await runCli(['validate', join(dir, 'big.tune.yaml')]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /big\.tune\.yaml:1:1: the file is 4\.\d MB, and a spec is at most 1\.0 MB/);
      assert.equal(run.stderr.trim().split('\n').length, 1, `only the size is reported:\n${run.stderr}`);
    } finally {
      cleanup();
    }
  });

  it('a binary file is "not a text file", in one line without replacement characters', async () => {
    const { dir, cleanup } = scratchDir({});
    try {
      writeFileSync(join(dir, 'model.tune.yaml'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x80, 0x0a, 0x41, 0x3a, 0x20, 0xc3]));
      const run = await runCli(['validate', join(dir, 'model.tune.yaml')]);
      assert.equal(run.code, 2);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, /model\.tune\.yaml:1:1: this is not a text file/);
      assert.doesNotMatch(run.stderr, /\uFFFD/);
    } finally {
      cleanup();
    }
  });

  it('a file indented with tabs on every line prints the tab problem once, with the other lines', async () => {
    const tabs = 'trainer:\n\tcommand: [python3, worker.py]\n\tworking_dir: .\ntune_config:\n\tnum_samples: 3\n\tmetric: loss\n\tmode: min\n';
    const { dir, cleanup } = scratchDir({ 'tabs.tune.yaml': tabs });
    try {
      const run = await runCli(['validate', join(dir, 'tabs.tune.yaml')]);
      assert.equal(run.code, 2);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0], /tabs\.tune\.yaml:2:1: a tab is used for indentation.*\(also on lines 3, 5, 6, 7\)/);
    } finally {
      cleanup();
    }
  });

  it('a spec that cannot be read is a sentence, not errno text', async () => {
    const { dir, cleanup } = scratchDir({});
    try {
      const run = await runCli(['validate', dir]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /cannot read the spec: this is a directory/);
      assertSentence(run.stderr);
    } finally {
      cleanup();
    }
  });
});
