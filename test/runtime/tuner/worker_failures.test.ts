import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJsonLines, runCli, scratchDir } from '../cli_harness';

const FLAKY_WORKER = `
import os, sys, tunekit
cfg = tunekit.get_config()
for i in range(2):
    tunekit.report({"score": i})
if cfg["fail"] and int(os.environ["RANK"]) == cfg["failing_rank"]:
    print("about to fail on purpose", flush=True)
    print("boom: simulated crash", file=sys.stderr, flush=True)
    sys.exit(3)
`;

function spec(numWorkers: number, extra = ''): string {
  return `
trainer:
  command: [python3, worker.py]
  train_loop_config: {failing_rank: ${numWorkers - 1}}
  scaling_config: {num_workers: ${numWorkers}, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
param_space:
  train_loop_config:
    fail: {grid_search: [false, true]}
tune_config: {max_concurrent_trials: 1}
run_config: {name: flaky}
${extra}`;
}

describe('a failing worker', () => {
  it('ends its trial in ERROR with the exit code and the last log lines, while other trials finish', async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': FLAKY_WORKER, 'flaky.tune.yaml': spec(1) });
    try {
      const run = await runCli(['run', join(dir, 'flaky.tune.yaml'), '--json']);
      assert.equal(run.code, 1, 'exit code 1 when a trial errored');
      const summary = JSON.parse(run.stdout);
      const [ok, failed] = summary.trials;
      assert.equal(ok.status, 'TERMINATED');
      assert.equal(failed.status, 'ERROR');
      const error = readFileSync(join(failed.path, 'error.txt'), 'utf8');
      assert.match(error, /worker 0 exited with code 3/);
      assert.match(error, /boom: simulated crash/);
      assert.equal(readJsonLines(join(failed.path, 'result.json')).length, 2, 'results before the crash are kept');
      assert.match(run.stderr, /errored: worker 0 exited with code 3/);
      const finished = readJsonLines(join(summary.experiment_path, 'events.jsonl')).filter((e) => e.type === 'trial_finished');
      assert.deepEqual(finished.map((e) => e.status), ['TERMINATED', 'ERROR']);
      assert.equal(finished[1].exit_code, 3);
      assert.equal(finished[1].failed_rank, 0);
    } finally {
      cleanup();
    }
  });

  it('stops the rest of its worker group, so no rank is left waiting for the dead one', async () => {
    const hanging = FLAKY_WORKER + `
import time
time.sleep(600)
`;
    const { dir, cleanup } = scratchDir({ 'worker.py': hanging, 'flaky.tune.yaml': spec(2).replace('[false, true]', '[true]') });
    try {
      const run = await runCli(['run', join(dir, 'flaky.tune.yaml'), '--json'], { timeoutMs: 30_000 });
      const trial = JSON.parse(run.stdout).trials[0];
      assert.equal(trial.status, 'ERROR');
      assert.match(readFileSync(join(trial.path, 'error.txt'), 'utf8'), /worker 1 exited with code 3/);
      const started = readJsonLines(join(JSON.parse(run.stdout).experiment_path, 'events.jsonl')).find((e) => e.type === 'trial_started');
      for (const pid of started!.pids as number[]) assert.throws(() => process.kill(pid, 0), 'worker processes are gone');
    } finally {
      cleanup();
    }
  });

  it('that cannot even start (missing script) errors clearly', async () => {
    const { dir, cleanup } = scratchDir({ 'flaky.tune.yaml': spec(1).replace('worker.py', 'missing.py') });
    try {
      const run = await runCli(['run', join(dir, 'flaky.tune.yaml'), '--json']);
      assert.equal(run.code, 1);
      const trial = JSON.parse(run.stdout).trials[0];
      assert.equal(trial.status, 'ERROR');
      assert.ok(existsSync(join(trial.path, 'error.txt')));
      assert.match(readFileSync(join(trial.path, 'error.txt'), 'utf8'), /missing\.py/);
    } finally {
      cleanup();
    }
  });
});

const FAILS_ONCE_WITHOUT_CHECKPOINT = `
import os, sys, tunekit
for i in range(2):
    tunekit.report({"score": i})
if not os.path.exists("failed_once"):
    open("failed_once", "w").close()
    sys.exit(3)
`;

describe('a trial restarted without a checkpoint', () => {
  for (const [level, failureConfig] of [
    ['its worker group', 'trainer: {failure_config: {max_failures: 1}}'],
    ['the Tuner', 'run_config: {failure_config: {max_failures: 1}}'],
  ] as const) {
    it(`by ${level} trains from scratch: training_iteration starts again at 1 and the earlier results are superseded`, async () => {
      const text = `
trainer:
  command: [python3, worker.py]
  scaling_config: {num_workers: 1, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
  ${failureConfig.startsWith('trainer') ? 'failure_config: {max_failures: 1}' : ''}
run_config:
  name: scratch
  ${failureConfig.startsWith('run_config') ? 'failure_config: {max_failures: 1}' : ''}
`;
      const { dir, cleanup } = scratchDir({ 'worker.py': FAILS_ONCE_WITHOUT_CHECKPOINT, 'scratch.tune.yaml': text });
      try {
        const run = await runCli(['run', join(dir, 'scratch.tune.yaml'), '--json']);
        assert.equal(run.code, 0, run.stderr);
        const summary = JSON.parse(run.stdout);
        const trial = summary.trials[0];
        assert.equal(trial.status, 'TERMINATED');
        const rows = readJsonLines(join(trial.path, 'result.json'));
        assert.deepEqual(rows.map((r) => [r.training_iteration, r.score]), [[1, 0], [2, 1], [1, 0], [2, 1]]);
        assert.equal(rows[2].time_total_s, rows[2].time_this_iter_s, 'time_total_s starts again too');
        const events = readJsonLines(join(summary.experiment_path, 'events.jsonl'));
        const superseded = events.filter((e) => e.type === 'results_superseded');
        assert.deepEqual(superseded.map((e) => [e.from_iteration, e.to_iteration, e.checkpoint_dir_name]), [[1, 2, '']]);
        const restored = events.findIndex((e) => e.type === 'trial_restored');
        assert.ok(restored >= 0 && events.indexOf(superseded[0]) > restored, 'superseded after the restore is recorded');
      } finally {
        cleanup();
      }
    });
  }
});
