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

test('asha_promote pauses free the allocation and a promotion resubmits from the checkpoint; PBT clones on the shared filesystem', { skip: SKIP, timeout: 240_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    writeFileSync(
      join(dir, 'p.tune.yaml'),
      stepsSpec(dir, { name: 'p', config: '    steps: 4\n    delay: 0.2\n    x: {grid_search: [1, 2, 3, 4]}' }).replace(
        '  mode: max\n',
        '  mode: max\n  max_concurrent_trials: 2\n  scheduler: {type: asha_promote, max_t: 4, grace_period: 1, reduction_factor: 2}\n',
      ),
    );
    const run = await runCli(['run', join(dir, 'p.tune.yaml'), '--json'], { timeoutMs: 200_000 });
    assert.equal(run.code, 0, run.stderr);
    const experiment = join(dir, 'results', 'p');
    const events = journal(experiment);
    const paused = new Set(events.filter((e) => e.type === 'trial_paused').map((e) => e.trial_id));
    assert.ok(paused.size >= 1, 'trials paused at a rung');
    const promoted = events.filter((e) => e.type === 'trial_restored' && e.after_failure === false && paused.has(e.trial_id));
    assert.ok(promoted.length >= 1, 'a paused trial was promoted');
    const trialId = promoted[0].trial_id;
    const jobs = events.filter((e) => e.type === 'trial_submitted' && e.job_id && e.trial_id === trialId);
    assert.ok(jobs.length >= 2, 'the promotion ran as a new job');
    const trial = trialDirs(experiment).find((t) => t.includes(String(trialId)))!;
    assert.ok(readFileSync(join(trial, workerLogs(trial)[0]), 'utf8').match(/START [1-9]/), 'the promoted trial resumed from its checkpoint, not from scratch');
    await noJobsLeft();

    writeFileSync(
      join(dir, 'b.tune.yaml'),
      stepsSpec(dir, { name: 'b', config: '    steps: 6\n    delay: 0.2\n    x: {grid_search: [1, 5]}' }).replace(
        '  mode: max\n',
        '  mode: max\n  scheduler: {type: pbt, time_attr: training_iteration, perturbation_interval: 2, hyperparam_mutations: {train_loop_config: {x: {uniform: [1, 5]}}}}\n',
      ),
    );
    const pbt = await runCli(['run', join(dir, 'b.tune.yaml'), '--json'], { timeoutMs: 200_000 });
    assert.equal(pbt.code, 0, pbt.stderr);
    const exploits = journal(join(dir, 'results', 'b')).filter((e) => e.type === 'pbt_exploit');
    assert.ok(exploits.length >= 1, 'the bottom trial cloned the top one');
    await noJobsLeft();
  } finally {
    cleanup();
  }
});

function workerLogs(trial: string): string[] {
  return readdirSync(trial).filter((n) => /^worker_\d+\.log$/.test(n));
}
