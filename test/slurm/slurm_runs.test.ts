import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { csvRows, journal, liveTunekitJobs, noJobsLeft, REPO, rows, runCli, scratchDir, SKIP, squeueAll, stepsSpec, trialDirs, workerEnvs } from './slurm_harness';

test('the quickstart runs its trials as Slurm jobs with only a backend block added', { skip: SKIP, timeout: 180_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    const quickstart = readFileSync(join(REPO, 'examples/quickstart/quickstart.tune.yaml'), 'utf8')
      .replace('command: [python3, train.py]', `command: [python3, train.py]\n  working_dir: ${join(REPO, 'examples/quickstart')}`)
      .replace('num_samples: 4', 'num_samples: 2')
      .replace('run_config:\n', `backend:\n  type: slurm\n  poll_interval_s: 0.5\nrun_config:\n  storage_path: ${dir}/results\n`);
    writeFileSync(join(dir, 'quickstart.tune.yaml'), quickstart);
    const run = await runCli(['run', join(dir, 'quickstart.tune.yaml'), '--json'], { timeoutMs: 170_000 });
    assert.equal(run.code, 0, run.stderr);
    const outcome = JSON.parse(run.stdout.trim().split('\n').pop()!);
    assert.equal(outcome.status, 'finished');
    assert.equal(outcome.trials.length, 4);
    assert.match(run.stderr, /Slurm jobs: \d+ running, \d+ queued/, 'the status block counts jobs, not this machine\'s slots');
    const experiment = join(dir, 'results', 'quickstart');
    const submitted = journal(experiment).filter((e) => e.type === 'trial_submitted' && e.job_id);
    assert.equal(new Set(submitted.map((e) => e.job_id)).size, 4, 'one job per trial');
    for (const trial of trialDirs(experiment)) {
      assert.deepEqual(rows(trial).map((r) => r.training_iteration), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.equal(csvRows(trial).length, 12);
      const jobs = join(trial, '.slurm');
      assert.equal(statSync(jobs).mode & 0o777, 0o700, 'job folders are private');
      const launch = readFileSync(join(jobs, '1', 'to_driver.jsonl'), 'utf8');
      const token = /"reportToken":"([0-9a-f]+)"/.exec(launch)![1];
      assert.equal(statSync(join(jobs, '1', 'to_driver.jsonl')).mode & 0o777, 0o600);
      assert.ok(!readFileSync(join(jobs, '1', 'job.sh'), 'utf8').includes(token), 'the report token is not in the job script');
      assert.ok(existsSync(join(trial, 'worker_0.log')));
    }
    await noJobsLeft();
  } finally {
    cleanup();
  }
});

test('a two-rank trial gets its ranks from Slurm, and a rank that dies is recorded with its own exit code', { skip: SKIP, timeout: 120_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    const spec = stepsSpec(dir, { name: 'ranks', workers: 2, config: '    steps: 4\n    delay: 0.1\n    fail_rank: {grid_search: [-1, 1]}\n    fail_at: 2' });
    writeFileSync(join(dir, 'ranks.tune.yaml'), spec);
    const run = await runCli(['run', join(dir, 'ranks.tune.yaml'), '--json'], { timeoutMs: 110_000 });
    assert.equal(run.code, 1, 'one trial errored');
    const experiment = join(dir, 'results', 'ranks');
    const finished = journal(experiment).filter((e) => e.type === 'trial_finished');
    const failed = finished.find((e) => e.status === 'ERROR')!;
    assert.equal(failed.failed_rank, 1);
    assert.equal(failed.exit_code, 3, 'the failing rank exit code, not the 143 Slurm gives the job');
    assert.equal(finished.filter((e) => e.status === 'TERMINATED').length, 1);
    const good = trialDirs(experiment).find((t) => rows(t).length === 4)!;
    const envs = workerEnvs(good).sort((a, b) => Number(a.RANK) - Number(b.RANK));
    assert.deepEqual(envs.map((e) => [e.RANK, e.WORLD_SIZE]), [['0', '2'], ['1', '2']]);
    assert.equal(envs[0].MASTER_PORT, envs[1].MASTER_PORT);
    assert.ok(envs[0].SLURM_JOB_ID);
    await noJobsLeft();
  } finally {
    cleanup();
  }
});

test('a spec the cluster can never run is refused with one sentence before anything is submitted', { skip: SKIP, timeout: 60_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    const before = squeueAll().length;
    const cases: Array<[string, string, RegExp]> = [
      ['partition', stepsSpec(dir, { name: 'p', backend: '  partition: nosuch' }), /partition\.tune\.yaml:\d+:\d+: backend\.partition: the cluster has no partition named "nosuch" \(it has: debug\)/],
      ['fraction', stepsSpec(dir, { name: 'f', gpus: 0.5 }), /fraction\.tune\.yaml:\d+:\d+: .*whole GPUs/],
      ['too big', stepsSpec(dir, { name: 'b', workers: 5 }), /too big\.tune\.yaml:\d+:\d+: trial \S+ can never run on partition debug/],
    ];
    for (const [label, spec, expected] of cases) {
      writeFileSync(join(dir, `${label}.tune.yaml`), spec);
      const run = await runCli(['run', join(dir, `${label}.tune.yaml`)]);
      assert.equal(run.code, 2, `${label}: ${run.stderr}`);
      assert.match(run.stderr, expected);
    }
    writeFileSync(join(dir, 'nosbatch.tune.yaml'), stepsSpec(dir, { name: 'n' }));
    const bare = await runCli(['run', join(dir, 'nosbatch.tune.yaml')], { env: { PATH: '/nonexistent' } });
    assert.equal(bare.code, 2, bare.stderr);
    assert.match(bare.stderr, /needs Slurm's sbatch on PATH/);
    assert.equal(squeueAll().length, before, 'nothing was submitted');
    assert.equal(liveTunekitJobs().length, 0);
  } finally {
    cleanup();
  }
});

test('plan says which partitions a Slurm spec fits, and cluster shows partitions, nodes and GPUs', { skip: SKIP, timeout: 60_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    writeFileSync(join(dir, 'plan.tune.yaml'), stepsSpec(dir, { name: 'plan', workers: 2, gpus: 1, config: '    x: {grid_search: [1, 2, 3]}' }));
    const plan = await runCli(['plan', join(dir, 'plan.tune.yaml')]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /Submitted to: debug/);
    assert.match(plan.stdout, /3 trial\(s\) of 2 worker\(s\) × 1 CPU, 1 GPU .*: fit debug/);
    const cluster = await runCli(['cluster', '--json']);
    assert.equal(cluster.code, 0, cluster.stderr);
    const shown = JSON.parse(cluster.stdout);
    assert.deepEqual(shown.nodes.map((n: { name: string; gpus: number }) => [n.name, n.gpus]), [['n1', 2], ['n2', 2]]);
    assert.equal(shown.partitions[0].name, 'debug');
    const text = await runCli(['cluster']);
    assert.match(text.stdout, /debug \(default\)/);
  } finally {
    cleanup();
  }
});

test('a preflight job says what compute nodes lack before any trial is submitted', { skip: SKIP, timeout: 90_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    writeFileSync(join(dir, 'pre.tune.yaml'), stepsSpec(dir, { name: 'pre', backend: '  node: /nonexistent/bin/node' }));
    const before = new Set(squeueAll().map((j) => j.id));
    const run = await runCli(['run', join(dir, 'pre.tune.yaml')], { timeoutMs: 80_000 });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /preflight job \d+ found what trials would lack: the Node\.js binary \/nonexistent\/bin\/node does not run on the compute nodes/);
    const submitted = squeueAll().filter((j) => !before.has(j.id));
    assert.deepEqual(submitted.map((j) => j.name), ['tunekit-preflight'], 'only the preflight job was submitted');
    assert.ok(!existsSync(join(dir, 'results', 'pre', 'events.jsonl')), 'no trial was recorded');
  } finally {
    cleanup();
  }
});
