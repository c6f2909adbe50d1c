import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCsvLine } from '../../../runtime/storage/progress_csv';
import { processesMatching, runCli, scratchDir } from '../cli_harness';
import { RESUMABLE_WORKER, count, effectiveRows, journal, sleep } from './fault_harness';

const KILLS = count('TUNEKIT_FAULT_RUNTIME_KILLS', 3);
const ITERATIONS = 40;

describe('the runtime itself SIGKILLed at random moments', () => {
  it(`resumes each time and completes with the same trials and no torn or duplicated results (${KILLS} kills)`, async (t) => {
    const marker = `tunekit-fault-runtime-${process.pid}`;
    const { dir, cleanup } = scratchDir({
      'worker.py': RESUMABLE_WORKER,
      'crash.tune.yaml': `
trainer:
  command: [python3, worker.py, ${marker}]
  train_loop_config: {iterations: ${ITERATIONS}, sleep: 0.08}
  scaling_config: {trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
param_space:
  train_loop_config: {x: {grid_search: [1, 2, 3, 4, 5]}}
tune_config: {max_concurrent_trials: 3}
run_config: {name: crash}
`,
    });
    try {
      const spec = join(dir, 'crash.tune.yaml');
      const experiment = join(dir, 'tunekit_results', 'crash');
      let trialIds: string[] | undefined;
      const resumeTimes: number[] = [];
      let seed = 7;
      const rng = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let kill = 0; kill < KILLS; kill++) {
        let pid = 0;
        const started = Date.now();
        const running = runCli(kill === 0 ? ['run', spec] : ['resume', experiment], { onSpawn: (p) => (pid = p) });
        // Wait for some progress after this start, then kill at a random moment.
        const before = journal(experiment).length;
        while (journal(experiment).length <= before + 2 && Date.now() - started < 20_000) await sleep(50);
        if (kill > 0) resumeTimes.push((Date.now() - started) / 1000);
        await sleep(200 + rng() * 800);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          const early = await running;
          assert.fail(`the runtime exited before it could be killed (code ${early.code}): ${early.stderr}`);
        }
        await running;
        trialIds ??= journal(experiment).filter((e) => e.type === 'trial_created').map((e) => e.trial_id as string);
        // The drivers notice their parent is gone and take their workers down with them.
        const deadline = Date.now() + 5000;
        while (processesMatching(marker).length && Date.now() < deadline) await sleep(100);
      }
      const last = await runCli(['resume', experiment, '--json'], { timeoutMs: 120_000 });
      assert.equal(last.code, 0, last.stderr);
      const summary = JSON.parse(last.stdout);
      t.diagnostic(`runtime kills: ${KILLS}; resume to progress (s): ${resumeTimes.map((s) => s.toFixed(2)).join(', ')}`);
      assert.deepEqual(summary.trials.map((tr: { trial_id: string }) => tr.trial_id), trialIds, 'the same set of trials');
      for (const trial of summary.trials) {
        assert.equal(trial.status, 'TERMINATED', `${trial.trial_id}: ${trial.end_reason}`);
        const rows = effectiveRows(trial.path);
        assert.deepEqual([...rows.keys()].sort((a, b) => a - b), Array.from({ length: ITERATIONS }, (_, i) => i + 1));
        for (const [iteration, row] of rows) assert.equal(row.it, iteration, 'resumed from the latest checkpoint');
        const csv = readFileSync(join(trial.path, 'progress.csv'), 'utf8').trimEnd().split('\n').map(parseCsvLine);
        assert.ok(csv.every((row) => row.length === csv[0].length), 'every progress.csv row is as wide as its header');
        assert.equal(csv.length - 1, readFileSync(join(trial.path, 'result.json'), 'utf8').trimEnd().split('\n').length, 'one CSV row per result');
      }
      assert.deepEqual(processesMatching(marker), [], 'no worker of ours is left');
    } finally {
      cleanup();
    }
  });
});
