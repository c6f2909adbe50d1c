import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { csvRows, journal, liveTunekitJobs, noJobsLeft, rows, runCli, scratchDir, SKIP, stepsSpec, trialDirs, waitFor } from './slurm_harness';

const iterations = (trial: string) => rows(trial).map((r) => r.training_iteration as number);

/**
 * result.json and progress.csv agree, and reading the rows as a resume does (a later run from a
 * checkpoint supersedes what followed it) gives 1..steps, each once.
 */
function assertCompleteOnce(trial: string, steps: number): void {
  const its = iterations(trial);
  assert.equal(csvRows(trial).length, its.length, `${trial}: progress.csv has result.json's rows`);
  const kept: number[] = [];
  for (const it of its) {
    while (kept.length && kept[kept.length - 1] >= it) kept.pop();
    kept.push(it);
  }
  assert.deepEqual(kept, Array.from({ length: steps }, (_, i) => i + 1), `${trial}: ${its.join(',')}`);
}

test('a killed Tuner loses no job: resume re-attaches to the running jobs and never submits a trial twice', { skip: SKIP, timeout: 180_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    writeFileSync(join(dir, 'k.tune.yaml'), stepsSpec(dir, { name: 'k', config: '    steps: 25\n    delay: 0.3\n    x: {grid_search: [1, 2]}' }));
    const experiment = join(dir, 'results', 'k');
    let pid = 0;
    const first = runCli(['run', join(dir, 'k.tune.yaml')], { timeoutMs: 120_000, onSpawn: (p) => (pid = p) });
    await waitFor('both trials to report', () => {
      try {
        const trials = trialDirs(experiment);
        return trials.length === 2 && trials.every((t) => rows(t).length >= 3);
      } catch {
        return false;
      }
    }, 90_000);
    process.kill(pid, 'SIGKILL');
    await first;
    const running = liveTunekitJobs();
    assert.equal(running.length, 2, 'the jobs outlive the Tuner');
    const resumed = await runCli(['resume', experiment, '--json'], { timeoutMs: 150_000 });
    assert.equal(resumed.code, 0, resumed.stderr);
    const submitted = journal(experiment).filter((e) => e.type === 'trial_submitted' && e.job_id);
    assert.deepEqual(new Set(submitted.map((e) => e.job_id)), new Set(running.map((j) => j.id)), 'no job submitted after the kill');
    for (const trial of trialDirs(experiment)) {
      assert.deepEqual(iterations(trial), Array.from({ length: 25 }, (_, i) => i + 1), 'each result once');
      assert.equal(csvRows(trial).length, 25);
    }
    await noJobsLeft();
  } finally {
    cleanup();
  }
});

test('stopping the experiment cancels every job it owns, queued ones included', { skip: SKIP, timeout: 120_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    // Four 2-CPU trials on two 2-CPU nodes: two run, two wait in Slurm's queue.
    writeFileSync(join(dir, 's.tune.yaml'), stepsSpec(dir, { name: 's', workers: 2, config: '    steps: 100\n    delay: 0.3\n    x: {grid_search: [1, 2, 3, 4]}' }));
    const experiment = join(dir, 'results', 's');
    let pid = 0;
    const run = runCli(['run', join(dir, 's.tune.yaml')], { timeoutMs: 100_000, onSpawn: (p) => (pid = p) });
    await waitFor('two jobs running and two queued', () => {
      const jobs = liveTunekitJobs();
      return jobs.filter((j) => j.state === 'RUNNING').length === 2 && jobs.filter((j) => j.state === 'PENDING').length === 2;
    }, 60_000);
    await waitFor('two trials to start their workers', () => journal(experiment).filter((e) => e.type === 'trial_started').length === 2);
    await waitFor('a queued trial to show Slurm\'s reason', () =>
      journal(experiment).some((e) => e.type === 'trial_waiting' && /queued in Slurm as job \d+ \((Resources|Priority)\)/.test(String(e.reason))),
    );
    process.kill(pid, 'SIGINT');
    const done = await run;
    assert.equal(done.code, 130, done.stderr);
    await noJobsLeft(20_000);
    const finished = journal(experiment).filter((e) => e.type === 'trial_finished');
    assert.equal(finished.length, 2, 'only the two trials that ran are finished; the two cancelled in the queue never ran and stay resumable');
  } finally {
    cleanup();
  }
});

test('a scancel storm fails the jobs it hits, and failure_config retries them from their checkpoints', { skip: SKIP, timeout: 180_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    writeFileSync(
      join(dir, 'c.tune.yaml'),
      stepsSpec(dir, { name: 'c', config: '    steps: 12\n    delay: 0.3\n    x: {grid_search: [1, 2]}', extra: '  failure_config: {max_failures: 2}' }),
    );
    const experiment = join(dir, 'results', 'c');
    const run = runCli(['run', join(dir, 'c.tune.yaml'), '--json'], { timeoutMs: 170_000 });
    await waitFor('both trials to report', () => {
      try {
        return trialDirs(experiment).filter((t) => rows(t).length >= 2).length === 2;
      } catch {
        return false;
      }
    }, 90_000);
    const victims = liveTunekitJobs().map((j) => j.id);
    execFileSync('scancel', victims);
    const done = await run;
    assert.equal(done.code, 0, done.stderr);
    const restored = journal(experiment).filter((e) => e.type === 'trial_restored' && e.after_failure === true);
    assert.equal(restored.length, 2, 'each cancelled trial was retried once');
    for (const trial of trialDirs(experiment)) assertCompleteOnce(trial, 12);
    const submitted = journal(experiment).filter((e) => e.type === 'trial_submitted' && e.job_id);
    assert.equal(submitted.length, 4, 'one new job per retried trial');
    await noJobsLeft();
  } finally {
    cleanup();
  }
});

test('a job requeued by Slurm is resubmitted from its checkpoint once, not counted as a failure', { skip: SKIP, timeout: 180_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    writeFileSync(join(dir, 'q.tune.yaml'), stepsSpec(dir, { name: 'q', config: '    steps: 12\n    delay: 0.3\n    x: 1' }));
    const experiment = join(dir, 'results', 'q');
    const run = runCli(['run', join(dir, 'q.tune.yaml'), '--json'], { timeoutMs: 170_000 });
    await waitFor('the trial to report', () => {
      try {
        return trialDirs(experiment).some((t) => rows(t).length >= 3);
      } catch {
        return false;
      }
    }, 90_000);
    const [job] = liveTunekitJobs();
    execFileSync('scontrol', ['requeue', job.id]);
    const done = await run;
    assert.equal(done.code, 0, done.stderr);
    const events = journal(experiment);
    const restores = events.filter((e) => e.type === 'trial_restored');
    assert.equal(restores.length, 1);
    assert.equal(restores[0].after_failure, false, 'a requeue is not a failure');
    assert.equal(restores[0].failures, 0);
    const jobIds = events.filter((e) => e.type === 'trial_submitted' && e.job_id).map((e) => e.job_id);
    assert.equal(jobIds.length, 2, 'resubmitted as a new job');
    const [trial] = trialDirs(experiment);
    assertCompleteOnce(trial, 12);
    await noJobsLeft();
    assert.ok(!liveTunekitJobs().some((j) => j.id === job.id), 'the requeued job never runs a second copy');
  } finally {
    cleanup();
  }
});

test('a job warned of its time limit (USR1) stops cleanly and is resubmitted from its checkpoint, not counted as a failure', { skip: SKIP, timeout: 240_000 }, async () => {
  const { dir, cleanup } = scratchDir({});
  try {
    // time 1 minute, warned 45 s before: Slurm sends USR1 some 15 s into each job.
    writeFileSync(join(dir, 't.tune.yaml'), stepsSpec(dir, { name: 't', config: '    steps: 80\n    delay: 0.3\n    x: 1', backend: '  time: "1"\n  signal_grace_s: 45' }));
    const run = await runCli(['run', join(dir, 't.tune.yaml'), '--json'], { timeoutMs: 230_000 });
    assert.equal(run.code, 0, run.stderr);
    const experiment = join(dir, 'results', 't');
    const events = journal(experiment);
    const restores = events.filter((e) => e.type === 'trial_restored');
    assert.ok(restores.length >= 1, 'resubmitted at least once');
    for (const r of restores) {
      assert.equal(r.after_failure, false);
      assert.match(String(r.reason), /time-limit warning/);
    }
    const [trial] = trialDirs(experiment);
    assertCompleteOnce(trial, 80);
    await noJobsLeft();
  } finally {
    cleanup();
  }
});
