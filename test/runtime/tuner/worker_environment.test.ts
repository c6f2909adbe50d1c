import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJsonLines, runCli, scratchDir } from '../cli_harness';

const ENV_WORKER = `
import json, os, sys, tunekit
keys = ["RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT",
        "CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS", "TUNEKIT_TRIAL_ID", "TUNEKIT_TRIAL_NAME",
        "TUNEKIT_EXPERIMENT_PATH", "TUNEKIT_TRIAL_DIR", "MY_VAR"]
env = {k: os.environ.get(k) for k in keys}
ctx = tunekit.get_context()
env["executable"] = sys.executable
env["config"] = tunekit.get_config()
env["context_rank"] = ctx.get_world_rank()
print("ENV " + json.dumps(env), flush=True)
tunekit.report({"rank_seen": ctx.get_world_rank()})
`;

describe('what a worker process sees', () => {
  it('gets the standard distributed variables, its devices, its thread share and its trial', async () => {
    const { dir, cleanup } = scratchDir({
      'worker.py': ENV_WORKER,
      'env.tune.yaml': `
trainer:
  command: [python3, worker.py]
  env: {MY_VAR: hello}
  train_loop_config: {epochs: 3}
  scaling_config: {num_workers: 2, use_gpu: true, resources_per_worker: {CPU: 1, GPU: 1}, trainer_resources: {CPU: 0}}
param_space:
  train_loop_config: {lr: {grid_search: [0.1]}}
resources: {CPU: 2, GPU: 2}
run_config: {name: env}
`,
      });
    try {
      const run = await runCli(['run', join(dir, 'env.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const trial = JSON.parse(run.stdout).trials[0];
      const seen = [0, 1].map((rank) => {
        const log = require('node:fs').readFileSync(join(trial.path, `worker_${rank}.log`), 'utf8') as string;
        return JSON.parse(log.split('\n').find((l) => l.startsWith('ENV '))!.slice(4));
      });
      assert.deepEqual(seen.map((e) => e.RANK), ['0', '1']);
      assert.deepEqual(seen.map((e) => e.LOCAL_RANK), ['0', '1']);
      assert.deepEqual(seen.map((e) => e.context_rank), [0, 1]);
      for (const env of seen) {
        assert.equal(env.WORLD_SIZE, '2');
        assert.equal(env.LOCAL_WORLD_SIZE, '2');
        assert.equal(env.MASTER_ADDR, '127.0.0.1');
        assert.ok(Number(env.MASTER_PORT) > 0);
        assert.equal(env.MASTER_PORT, seen[0].MASTER_PORT, 'one rendezvous port per trial');
        assert.equal(env.OMP_NUM_THREADS, '1');
        assert.equal(env.MY_VAR, 'hello');
        assert.equal(env.TUNEKIT_TRIAL_ID, trial.trial_id);
        assert.equal(env.TUNEKIT_TRIAL_NAME, trial.trial_name);
        assert.equal(env.TUNEKIT_TRIAL_DIR, trial.path);
        assert.deepEqual(env.config, { epochs: 3, lr: 0.1 });
        assert.ok(!env.executable.includes('shims'), 'python3 was resolved past any shim');
      }
      assert.deepEqual(seen.map((e) => e.CUDA_VISIBLE_DEVICES).sort(), ['0', '1'], 'each worker sees exactly its own GPU');
      const rows = readJsonLines(join(trial.path, 'result.json'));
      assert.equal(rows.length, 1, "only rank 0's report is a result");
      assert.equal(rows[0].rank_seen, 0);
    } finally {
      cleanup();
    }
  });
});

describe('a Node worker', () => {
  it('reports through the Node client with the same names', async () => {
    const { dir, cleanup } = scratchDir({
      'worker.js': `
const tunekit = require('tunekit');
(async () => {
  const config = tunekit.getConfig();
  for (let i = 1; i <= 3; i++) await tunekit.report({ score: i * config.scale, rank: tunekit.getContext().getWorldRank() });
})().catch((e) => { console.error(e); process.exit(1); });
`,
      'node.tune.yaml': `
trainer:
  command: [node, worker.js]
  scaling_config: {trainer_resources: {CPU: 0}}
param_space:
  train_loop_config: {scale: {grid_search: [1, 10]}}
run_config: {name: node}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 'node.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const trials = JSON.parse(run.stdout).trials;
      assert.deepEqual(
        trials.map((t: { path: string }) => readJsonLines(join(t.path, 'result.json')).map((r) => r.score)),
        [[1, 2, 3], [10, 20, 30]],
      );
    } finally {
      cleanup();
    }
  });
});

describe('the experiment time budget', () => {
  it('stops running trials when time_budget_s runs out and leaves unstarted ones pending', async () => {
    const { dir, cleanup } = scratchDir({
      'worker.py': 'import time, tunekit\nfor i in range(600):\n    tunekit.report({"i": i})\n    time.sleep(0.1)\n',
      'budget.tune.yaml': `
trainer:
  command: [python3, worker.py]
  scaling_config: {trainer_resources: {CPU: 0}}
tune_config: {num_samples: 4, max_concurrent_trials: 2, time_budget_s: 2}
run_config: {name: budget}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 'budget.tune.yaml'), '--json']);
      assert.equal(run.code, 0, run.stderr);
      const summary = JSON.parse(run.stdout);
      assert.equal(summary.status, 'stopped');
      assert.match(summary.reason, /time budget of 2 s reached/);
      const statuses = summary.trials.map((t: { status: string }) => t.status);
      assert.deepEqual(statuses.slice(2), ['PENDING', 'PENDING'], 'trials that never started stay pending (resumable)');
      assert.ok(statuses.slice(0, 2).every((s: string) => s === 'TERMINATED' || s === 'PENDING'), statuses.join(','));
    } finally {
      cleanup();
    }
  });
});
