import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { journal, noJobsLeft, REPO, rows, runCli, scratchDir, SKIP, trialDirs } from './slurm_harness';

const hasTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, sklearn'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('the digits DDP example runs across two nodes with gloo, its ranks reporting over TCP with the trial token', { skip: SKIP || (!hasTorch && 'needs python3-torch and python3-sklearn'), timeout: 240_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    const spec = readFileSync(join(REPO, 'examples/digits-ddp/digits.tune.yaml'), 'utf8')
      .replace('command: [python3, train.py]', `command: [/usr/bin/python3, train.py]\n  working_dir: ${join(REPO, 'examples/digits-ddp')}`)
      .replace('epochs: 10', 'epochs: 3')
      .replace('num_workers: {grid_search: [1, 2]}', 'num_workers: 2')
      .replace('num_samples: 3', 'num_samples: 1')
      .replace('run_config:\n', `backend:\n  type: slurm\n  nodes: 2\n  poll_interval_s: 0.5\nrun_config:\n  storage_path: ${dir}/results\n`);
    writeFileSync(join(dir, 'digits.tune.yaml'), spec);
    const run = await runCli(['run', join(dir, 'digits.tune.yaml'), '--json'], { timeoutMs: 230_000 });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const experiment = join(dir, 'results', 'digits-ddp');
    const [trial] = trialDirs(experiment);
    assert.deepEqual(rows(trial).map((r) => r.training_iteration), [1, 2, 3]);
    assert.ok((rows(trial).at(-1)!.val_acc as number) > 0.5, 'it learned');
    const launch = readFileSync(join(trial, '.slurm', '1', 'from_driver.jsonl'), 'utf8');
    assert.match(launch, /"type":"started"/);
    const job = journal(experiment).find((e) => e.type === 'trial_submitted' && e.job_id)!;
    const nodes = execFileSync('squeue', ['-h', '-t', 'all', '-j', String(job.job_id), '-o', '%N'], { encoding: 'utf8' }).trim();
    assert.equal(nodes, 'n[1-2]', 'one trial spread over both nodes');
    await noJobsLeft();
  } finally {
    cleanup();
  }
});
