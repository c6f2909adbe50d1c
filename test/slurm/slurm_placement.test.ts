import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { journal, noJobsLeft, rows, runCli, scratchDir, SKIP, stepsSpec, trialDirs, workerEnvs } from './slurm_harness';

/** When the trial's workers ran: from the first rank's start to the last END line. */
function span(trial: string): [number, number] {
  const starts = workerEnvs(trial).map((e) => Number(e.t0));
  let end = 0;
  for (const name of readdirSync(trial).filter((n) => /^worker_\d+\.log$/.test(n))) {
    for (const line of readFileSync(join(trial, name), 'utf8').split('\n')) if (line.startsWith('END ')) end = Math.max(end, Number(line.slice(4)));
  }
  return [Math.min(...starts), end];
}

test('four fake GPUs over two nodes: each rank gets its own GPU from Slurm, never one another running trial holds', { skip: SKIP, timeout: 180_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    writeFileSync(join(dir, 'g.tune.yaml'), stepsSpec(dir, { name: 'g', workers: 2, gpus: 1, config: '    steps: 6\n    delay: 0.3\n    x: {grid_search: [1, 2, 3, 4]}' }));
    const run = await runCli(['run', join(dir, 'g.tune.yaml'), '--json'], { timeoutMs: 170_000 });
    assert.equal(run.code, 0, run.stderr);
    const experiment = join(dir, 'results', 'g');
    const held = trialDirs(experiment).map((trial) => {
      const envs = workerEnvs(trial);
      assert.equal(envs.length, 2);
      const gpus = envs.map((e) => `${e.SLURMD_NODENAME}/${e.CUDA_VISIBLE_DEVICES}`);
      for (const e of envs) assert.match(String(e.CUDA_VISIBLE_DEVICES), /^\d$/, 'one GPU per rank');
      assert.equal(new Set(gpus).size, 2, `the ranks of ${trial} share a GPU: ${gpus}`);
      return { trial, gpus, span: span(trial) };
    });
    for (const a of held) {
      for (const b of held) {
        if (a === b || a.span[1] <= b.span[0] || b.span[1] <= a.span[0]) continue;
        assert.deepEqual(a.gpus.filter((g) => b.gpus.includes(g)), [], 'trials running at once share no GPU');
      }
    }
    assert.ok(journal(experiment).some((e) => e.type === 'trial_waiting' && /queued in Slurm/.test(String(e.reason))), 'two trials waited in the queue with its reason');
    await noJobsLeft();
  } finally {
    cleanup();
  }
});

test('ASHA stops end their trials\' jobs, and the stopped trials keep what they reported', { skip: SKIP, timeout: 180_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    writeFileSync(
      join(dir, 'a.tune.yaml'),
      stepsSpec(dir, {
        name: 'a',
        config: '    steps: 8\n    delay: 0.4\n    x: {grid_search: [1, 2, 3, 4]}',
      }).replace('  mode: max\n', '  mode: max\n  max_concurrent_trials: 4\n  scheduler: {type: asha, max_t: 8, grace_period: 1, reduction_factor: 2}\n'),
    );
    const run = await runCli(['run', join(dir, 'a.tune.yaml'), '--json'], { timeoutMs: 170_000 });
    assert.equal(run.code, 0, run.stderr);
    const experiment = join(dir, 'results', 'a');
    const stops = journal(experiment).filter((e) => e.type === 'scheduler_decision' && e.kind === 'stop');
    assert.ok(stops.length >= 1, 'ASHA stopped at least one trial');
    const lengths = trialDirs(experiment).map((t) => rows(t).length);
    assert.ok(lengths.some((n) => n < 8), `a stopped trial ended early: ${lengths}`);
    assert.ok(lengths.some((n) => n === 8), 'the best trial ran to max_t');
    await noJobsLeft(10_000);
  } finally {
    cleanup();
  }
});
