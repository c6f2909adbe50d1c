import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alivePids, processesMatching, runCli, scratchDir } from '../cli_harness';
import { RESUMABLE_WORKER, count, effectiveRows, journal, liveWorkerPids, sleep } from './fault_harness';

const KILLS = count('TUNEKIT_FAULT_WORKER_KILLS', 6);
const ITERATIONS = 30;

describe('workers killed at random (SIGKILL) with max_failures: -1', () => {
  it(`every trial still finishes, resuming from its latest checkpoint, with no result lost or duplicated (${KILLS} kills)`, async (t) => {
    const marker = `tunekit-fault-kills-${process.pid}`;
    const { dir, cleanup } = scratchDir({
      'worker.py': RESUMABLE_WORKER,
      'kills.tune.yaml': `
trainer:
  command: [python3, worker.py, ${marker}]
  train_loop_config: {iterations: ${ITERATIONS}, sleep: 0.05}
  scaling_config: {num_workers: 2, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
  failure_config: {max_failures: -1}
param_space:
  train_loop_config: {x: {grid_search: [1, 2, 3]}}
tune_config: {max_concurrent_trials: 2}
run_config: {name: kills}
`,
    });
    try {
      const experiment = join(dir, 'tunekit_results', 'kills');
      const running = runCli(['run', join(dir, 'kills.tune.yaml'), '--json'], { timeoutMs: 240_000 });
      let kills = 0;
      let exited = false;
      void running.then(() => (exited = true));
      const rng = (() => {
        let s = 12345;
        return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      })();
      while (kills < KILLS && !exited) {
        await sleep(250 + rng() * 400);
        const pids = alivePids(liveWorkerPids(experiment));
        if (pids.length === 0) continue;
        const victim = pids[Math.floor(rng() * pids.length)];
        try {
          process.kill(victim, 'SIGKILL');
          kills++;
        } catch {
          // It exited meanwhile.
        }
      }
      const run = await running;
      assert.equal(run.code, 0, run.stderr);
      t.diagnostic(`worker kills: ${kills}`);
      assert.ok(kills >= Math.min(KILLS, 3), `only ${kills} kills landed`);
      const summary = JSON.parse(run.stdout);
      const restores = journal(experiment).filter((e) => e.type === 'trial_restored' && e.after_failure === true);
      assert.ok(restores.length >= 1, 'kills caused restores');
      for (const trial of summary.trials) {
        assert.equal(trial.status, 'TERMINATED', `${trial.trial_id}: ${trial.end_reason}`);
        if (process.env.TUNEKIT_DEBUG_FAULTS) t.diagnostic(`${trial.trial_id} ${trial.iterations} ${trial.end_reason} ${dir}`);
        const rows = effectiveRows(trial.path);
        assert.deepEqual([...rows.keys()].sort((a, b) => a - b), Array.from({ length: ITERATIONS }, (_, i) => i + 1), 'every iteration exactly once');
        for (const [iteration, row] of rows) assert.equal(row.it, iteration, 'the worker resumed from the latest checkpoint');
      }
      assert.deepEqual(processesMatching(marker), [], 'nothing of ours is left in the process table');
    } finally {
      if (!process.env.TUNEKIT_DEBUG_FAULTS) cleanup();
    }
  });
});
