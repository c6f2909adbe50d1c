import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent } from '../../../protocol/journal';
import { replayExperiment } from '../../../runtime/tuner/experiment_replay';
import { ExperimentFixture, grant, snapshot } from './experiment_fixture';

test('a killed run is rebuilt: finished, running, paused, errored and never-started trials each get their status back', async (t) => {
  const exp = new ExperimentFixture(t);
  const done = exp.trial(0);
  const running = exp.trial(1);
  const paused = exp.trial(2);
  const errored = exp.trial(3);
  const fresh = exp.trial(4);
  exp.event({ type: 'trial_started', ts: 1010, trial_id: done.id, grant, pids: [901] });
  exp.event({ type: 'trial_started', ts: 1011, trial_id: running.id, grant, pids: [902, 903], pid_start_times: [5555, 5556] });
  exp.event({ type: 'trial_started', ts: 1012, trial_id: paused.id, grant, pids: [904] });
  exp.event({ type: 'trial_started', ts: 1013, trial_id: errored.id, grant, pids: [905] });
  exp.event({ type: 'trial_finished', ts: 1020, trial_id: done.id, status: 'TERMINATED', reason: 'stop criterion training_iteration >= 3 reached', exit_code: 0 });
  exp.event({ type: 'trial_paused', ts: 1021, trial_id: paused.id, reason: 'paused at rung 2' });
  exp.event({ type: 'trial_finished', ts: 1022, trial_id: errored.id, status: 'ERROR', reason: 'worker 0 exited with code 3', exit_code: 3, failed_rank: 0 });
  exp.tearJournal();
  exp.results(done.dir, 3, { 2: 'checkpoint_000000' });
  const runningRows = exp.results(running.dir, 4, { 2: 'checkpoint_000000', 4: 'checkpoint_000001' }, true);
  mkdirSync(join(running.dir, '.tmp_checkpoint_x1y2'));
  exp.results(paused.dir, 2, { 2: 'checkpoint_000000' });
  exp.results(errored.dir, 3, { 1: 'checkpoint_000000' });
  writeFileSync(join(exp.path, 'search_state.json'), JSON.stringify({ searcher: { name: 'random', state: { next: 5 } }, scheduler: { name: 'fifo', state: null }, trials_created: 5 }));

  const replayed = await replayExperiment(exp.path, {});

  assert.deepEqual(
    replayed.trials.map((trial) => [trial.index, trial.status, trial.resumeFirst ?? false]),
    [[0, 'TERMINATED', false], [1, 'PENDING', true], [2, 'PAUSED', false], [3, 'ERROR', false], [4, 'PENDING', false]],
  );
  const [t0, t1, t2, t3, t4] = replayed.trials;
  assert.equal(t0.endReason, 'stop criterion training_iteration >= 3 reached');
  assert.equal(t2.waitingReason, 'paused at rung 2');
  assert.equal(t3.endReason, 'worker 0 exited with code 3');
  assert.equal(t3.exit?.exitCode, 3);
  assert.equal(t1.iteration, 4);
  assert.equal(t1.timeTotalS, 10);
  assert.deepEqual(t1.lastResult, runningRows[3]);
  assert.deepEqual(t1.checkpoints, [
    { name: 'checkpoint_000000', iteration: 2, metrics: runningRows[1] },
    { name: 'checkpoint_000001', iteration: 4, metrics: runningRows[3] },
  ]);
  assert.equal(t1.iterationsSinceRestore, 0);
  assert.equal(t1.lastReportAt, undefined);
  assert.equal(t4.iteration, 0);
  assert.deepEqual(t4.checkpoints, []);
  assert.equal(t1.dir, running.dir);
  assert.equal(t1.name, running.name);
  assert.equal(replayed.searchState?.trials_created, 5);
  assert.equal(replayed.finished, false);
});

test('replaying a killed run only reads: torn lines, half-copied and unacknowledged checkpoints stay byte for byte', async (t) => {
  const exp = new ExperimentFixture(t);
  const running = exp.trial(0);
  exp.event({ type: 'trial_started', ts: 1011, trial_id: running.id, grant, pids: [902], pid_start_times: [5555] });
  exp.tearJournal();
  exp.results(running.dir, 3, { 2: 'checkpoint_000000' }, true);
  exp.checkpointDir(running.dir, 'checkpoint_000001');
  mkdirSync(join(running.dir, '.tmp_checkpoint_x1y2'));
  writeFileSync(join(exp.path, 'pbt_policy_log.jsonl'), '{"torn');
  const before = snapshot(exp.path);

  const replayed = await replayExperiment(exp.path, {});

  assert.deepEqual(replayed.trials[0].checkpoints.map((c) => c.name), ['checkpoint_000000']);
  assert.equal(replayed.trials[0].iteration, 3);
  assert.deepEqual(snapshot(exp.path), before);
});

test('only workers of trials that had not finished or paused are orphan candidates, with their recorded start times', async (t) => {
  const exp = new ExperimentFixture(t);
  const done = exp.trial(0);
  const running = exp.trial(1);
  const paused = exp.trial(2);
  exp.event({ type: 'trial_started', ts: 1010, trial_id: done.id, grant, pids: [901] });
  exp.event({ type: 'trial_started', ts: 1011, trial_id: running.id, grant, pids: [902, 903], pid_start_times: [5555, null] });
  exp.event({ type: 'trial_started', ts: 1012, trial_id: paused.id, grant, pids: [904] });
  exp.event({ type: 'trial_finished', ts: 1020, trial_id: done.id, status: 'TERMINATED', reason: 'done' });
  exp.event({ type: 'trial_paused', ts: 1021, trial_id: paused.id, reason: 'paused at rung 1' });

  const { processes } = await replayExperiment(exp.path, {});

  assert.deepEqual(processes, [
    { trialId: running.id, pid: 902, startTime: 5555 },
    { trialId: running.id, pid: 903, startTime: undefined },
  ]);
});

test('an errored trial stays ERROR unless asked, and resume_errored continues it from its latest checkpoint', async (t) => {
  const exp = new ExperimentFixture(t);
  const errored = exp.trial(0);
  exp.event({ type: 'trial_started', ts: 1010, trial_id: errored.id, grant, pids: [905] });
  exp.event({ type: 'trial_finished', ts: 1022, trial_id: errored.id, status: 'ERROR', reason: 'worker 0 exited with code 3', exit_code: 3 });
  exp.results(errored.dir, 3, { 2: 'checkpoint_000000' });

  assert.equal((await replayExperiment(exp.path, {})).trials[0].status, 'ERROR');
  const replayed = await replayExperiment(exp.path, { resumeErrored: true });
  const [trial] = replayed.trials;
  assert.equal(trial.status, 'PENDING');
  assert.equal(trial.resumeFirst, true);
  assert.equal(trial.endReason, undefined);
  assert.equal(trial.iteration, 3);
  assert.deepEqual(trial.checkpoints.map((c) => [c.name, c.iteration]), [['checkpoint_000000', 2]]);
  assert.deepEqual(replayed.superseded, []);
});

test('restart_errored starts an errored trial from scratch, keeps its checkpoint directories and supersedes its results', async (t) => {
  const exp = new ExperimentFixture(t);
  const errored = exp.trial(0);
  exp.event({ type: 'trial_finished', ts: 1022, trial_id: errored.id, status: 'ERROR', reason: 'worker 0 exited with code 3' });
  exp.results(errored.dir, 3, { 2: 'checkpoint_000000' });

  const replayed = await replayExperiment(exp.path, { restartErrored: true });

  const [trial] = replayed.trials;
  assert.equal(trial.status, 'PENDING');
  assert.equal(trial.iteration, 0);
  assert.equal(trial.timeTotalS, 0);
  assert.equal(trial.lastResult, undefined);
  assert.deepEqual(trial.checkpoints, []);
  assert.deepEqual(replayed.superseded, [{ trialId: errored.id, fromIteration: 1, toIteration: 3 }]);
  assert.ok(existsSync(join(errored.dir, 'checkpoint_000000', 'model.pt')));
});

test('asking both to resume and to restart errored trials is refused', async (t) => {
  const exp = new ExperimentFixture(t);
  await assert.rejects(replayExperiment(exp.path, { resumeErrored: true, restartErrored: true }), /cannot be used together/);
});

test('failures are counted from the journal, and a Tuner-level retry resets the worker-group count', async (t) => {
  const exp = new ExperimentFixture(t);
  const { id } = exp.trial(0);
  const restored = (reason: string, afterFailure = true): JournalEvent => ({ type: 'trial_restored', ts: 1100, trial_id: id, after_failure: afterFailure, failures: 0, reason });
  exp.event(restored('worker group restarted after: worker 1 exited with code 1'));
  exp.event(restored('worker group restarted after: worker 0 was killed by SIGKILL'));
  exp.event(restored('trial restarted after: the Trainer driver exited with code 1'));
  exp.event(restored('worker group restarted after: worker 0 exited with code 2'));
  exp.event(restored('promoted at rung 4', false));

  const [trial] = (await replayExperiment(exp.path, {})).trials;

  assert.equal(trial.tuneFailures, 1);
  assert.equal(trial.trainFailures, 1);
  assert.equal(trial.status, 'PENDING');
  assert.equal(trial.resumeFirst, true);
});

test('sampled leaves and resources come from the recorded config, and a PBT exploit config replaces the created one', async (t) => {
  const exp = new ExperimentFixture(t);
  const a = exp.trial(0, { train_loop_config: { lr: 0.003, batch: 32 }, scaling_config: { num_workers: 2 } });
  const b = exp.trial(1, { train_loop_config: { lr: 0.02, batch: 16 }, scaling_config: { num_workers: 1 } });
  exp.event({
    type: 'pbt_exploit', ts: 1200, trial_id: b.id, donor_id: a.id, donor_checkpoint: 'checkpoint_000000', cloned_as: 'checkpoint_000001',
    iteration: 2, donor_iteration: 4, old_config: { train_loop_config: { lr: 0.02, batch: 16 } }, new_config: { train_loop_config: { lr: 0.0036, batch: 32 }, scaling_config: { num_workers: 1 } },
  });

  const [ta, tb] = (await replayExperiment(exp.path, {})).trials;

  assert.deepEqual(ta.sampled, [
    { path: 'scaling_config/num_workers', value: 2 },
    { path: 'train_loop_config/batch', value: 32 },
    { path: 'train_loop_config/lr', value: 0.003 },
  ]);
  assert.deepEqual(ta.trainLoopConfig, { epochs: 10, lr: 0.003, batch: 32 });
  assert.equal(ta.request.workers.length, 2);
  assert.deepEqual(tb.config, { train_loop_config: { lr: 0.0036, batch: 32 }, scaling_config: { num_workers: 1 } });
  assert.equal(tb.sampled.find((leaf) => leaf.path === 'train_loop_config/lr')?.value, 0.0036);
});

test('a PBT clone takes its iteration from the commit event and its metrics from the donor, and the trial continues from it', async (t) => {
  const exp = new ExperimentFixture(t);
  const donor = exp.trial(0);
  const clone = exp.trial(1);
  const donorRows = exp.results(donor.dir, 4, { 4: 'checkpoint_000000' });
  exp.results(clone.dir, 2, { 2: 'checkpoint_000000' });
  exp.checkpointDir(clone.dir, 'checkpoint_000001');
  exp.event({
    type: 'pbt_exploit', ts: 1200, trial_id: clone.id, donor_id: donor.id, donor_checkpoint: 'checkpoint_000000', cloned_as: 'checkpoint_000001',
    iteration: 2, donor_iteration: 4, old_config: {}, new_config: { train_loop_config: { lr: 0.9, batch: 16 } },
  });
  exp.event({ type: 'checkpoint_committed', ts: 1201, trial_id: clone.id, checkpoint_dir_name: 'checkpoint_000001', iteration: 4 });

  const trial = (await replayExperiment(exp.path, {})).trials[1];

  assert.deepEqual(trial.checkpoints[1], { name: 'checkpoint_000001', iteration: 4, metrics: donorRows[3] });
  assert.equal(trial.iteration, 4);
});

test('a checkpoint copied just before the crash, whose report was never acknowledged, is not resumed from', async (t) => {
  const exp = new ExperimentFixture(t);
  const trial = exp.trial(0);
  exp.event({ type: 'trial_started', ts: 1010, trial_id: trial.id, grant, pids: [902] });
  exp.results(trial.dir, 3, { 2: 'checkpoint_000000' });
  exp.checkpointDir(trial.dir, 'checkpoint_000001');

  const replayed = await replayExperiment(exp.path, {});

  assert.deepEqual(replayed.trials[0].checkpoints.map((c) => [c.name, c.iteration]), [['checkpoint_000000', 2]]);
  assert.equal(replayed.trials[0].iteration, 3);
});

test('an experiment counts as finished only while experiment_finished with status finished is the last event', async (t) => {
  const exp = new ExperimentFixture(t);
  exp.event({ type: 'experiment_finished', ts: 2000, status: 'stopped', reason: 'SIGINT' });
  assert.equal((await replayExperiment(exp.path, {})).finished, false);
  exp.event({ type: 'experiment_finished', ts: 2001, status: 'finished', reason: 'all trials finished' });
  assert.equal((await replayExperiment(exp.path, {})).finished, true);
  exp.event({ type: 'experiment_started', ts: 2002, experiment_id: 'ab12c', name: 'exp', resumed: true });
  assert.equal((await replayExperiment(exp.path, {})).finished, false);
});

test('a directory without experiment.json is refused as not an experiment', async (t) => {
  const exp = new ExperimentFixture(t);
  rmSync(join(exp.path, 'experiment.json'));
  await assert.rejects(replayExperiment(exp.path, {}), { message: `${exp.path} is not a Tunekit experiment directory: it has no experiment.json` });
  await assert.rejects(replayExperiment(join(exp.path, 'nope'), {}), /no such directory/);
});

test('an unreadable experiment.json is refused with a sentence saying so', async (t) => {
  const exp = new ExperimentFixture(t);
  writeFileSync(join(exp.path, 'experiment.json'), '{"experiment_id": "ab1');
  await assert.rejects(replayExperiment(exp.path, {}), /experiment\.json is not valid JSON/);
  writeFileSync(join(exp.path, 'experiment.json'), '{"experiment_id": "ab12c"}');
  await assert.rejects(replayExperiment(exp.path, {}), /experiment\.json has no spec/);
});

test('a corrupt line in the middle of the journal is refused, naming the line', async (t) => {
  const exp = new ExperimentFixture(t);
  exp.trial(0);
  const path = join(exp.path, 'events.jsonl');
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, [lines[0], '{"type": "trial_sta', lines[1], ''].join('\n'));
  await assert.rejects(replayExperiment(exp.path, {}), /cannot resume .*Line 2 of .*events\.jsonl is not valid JSON/);
});
