import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import type { TrialStatus } from '../../../protocol/trial';
import { JournalHistory, schedulerTimeAttr, type TrialHistory } from '../../../runtime/server/journal_history';
import {
  isStoppedEarly,
  metricPoint,
  projectExperiment,
  projectResources,
  projectTrial,
  type ExperimentView,
} from '../../../runtime/server/state_projection';
import type { TrialRecord } from '../../../runtime/tuner/trial_record';

function trial(index: number, over: Partial<TrialRecord> = {}): TrialRecord {
  const id = `abcde_${String(index).padStart(5, '0')}`;
  return {
    id,
    index,
    name: `train_${id}`,
    dir: `/exp/train_${id}`,
    config: { train_loop_config: { lr: 0.1 * (index + 1) } },
    sampled: [{ path: 'train_loop_config/lr', value: 0.1 * (index + 1) }],
    trainLoopConfig: { lr: 0.1 * (index + 1) },
    scaling: { num_workers: 2, use_gpu: false, resources_per_worker: { CPU: 1, GPU: 0 }, trainer_resources: { CPU: 0, GPU: 0 } },
    request: { trainable: { CPU: 0, GPU: 0 }, workers: [{ CPU: 1, GPU: 0 }, { CPU: 1, GPU: 0 }] },
    status: 'PENDING',
    iteration: 0,
    timeTotalS: 0,
    checkpoints: [],
    trainFailures: 0,
    tuneFailures: 0,
    iterationsSinceRestore: 0,
    failuresWithoutProgress: 0,
    ...over,
  };
}

function view(trials: TrialRecord[], histories: Record<string, TrialHistory> = {}, over: Partial<ExperimentView> = {}): ExperimentView {
  return {
    path: '/exp',
    name: 'exp',
    state: 'running',
    live: true,
    startedAt: 100,
    metric: 'acc',
    mode: 'max',
    trials,
    history: (id) => histories[id],
    ...over,
  };
}

const row = (iteration: number, acc: number) => ({
  acc,
  loss: 1 - acc,
  note: 'text is not a metric',
  training_iteration: iteration,
  time_total_s: iteration * 0.5,
  timestamp: 1000 + iteration,
  trial_id: 'x',
  pid: 42,
  done: false,
  config: { lr: 1 },
});

describe('trial projection', () => {
  it("shows the config a trial ran with: the trainer's constants (epochs) beside the sampled values", () => {
    const t = trial(0, { trainLoopConfig: { epochs: 30, lr: 0.1 }, config: { train_loop_config: { lr: 0.1 }, seed: 3 } });
    const summary = projectTrial(view([t]), t);
    assert.deepEqual(summary.config, { train_loop_config: { epochs: 30, lr: 0.1 }, seed: 3 });
    assert.deepEqual(summary.params, [{ path: 'train_loop_config/lr', value: 0.1 }]);
    assert.deepEqual(t.config, { train_loop_config: { lr: 0.1 }, seed: 3 }, 'params.json keeps the param_space sample, as Ray writes it');
  });

  it('draws a running trial: searched params, numeric metrics only, pids while live, worker logs', () => {
    const history: TrialHistory = { restores: [], decisions: [], pids: [11, 12], status: 'RUNNING' };
    const t = trial(0, { status: 'RUNNING', iteration: 3, lastResult: row(3, 0.8), startedAt: 5 });
    const summary = projectTrial(view([t], { [t.id]: history }), t);
    assert.deepEqual(summary.params, [{ path: 'train_loop_config/lr', value: 0.1 }]);
    assert.deepEqual(summary.metrics, { acc: 0.8, loss: 1 - 0.8 });
    assert.deepEqual(summary.pids, [11, 12]);
    assert.deepEqual(summary.workerLogs, ['/exp/train_abcde_00000/worker_0.log', '/exp/train_abcde_00000/worker_1.log']);
    assert.equal(summary.stoppedEarly, false);
    const browsed = projectTrial(view([t], { [t.id]: history }, { live: false }), t);
    assert.deepEqual(browsed.pids, []);
  });

  it('marks the checkpoint the trial was last restored from, and counts both kinds of failure', () => {
    const t = trial(1, {
      status: 'RUNNING',
      trainFailures: 1,
      tuneFailures: 2,
      checkpoints: [
        { name: 'checkpoint_000000', iteration: 2, metrics: {} },
        { name: 'checkpoint_000001', iteration: 4, metrics: {} },
      ],
    });
    const history: TrialHistory = {
      restores: [{ ts: 1, iteration: 2, fromCheckpoint: 'checkpoint_000000', reason: 'worker group restarted', afterFailure: true }],
      decisions: [],
      pids: [],
      status: 'RUNNING',
    };
    const summary = projectTrial(view([t], { [t.id]: history }), t);
    assert.deepEqual(summary.checkpoints, [
      { name: 'checkpoint_000000', iteration: 2, restoredFrom: true },
      { name: 'checkpoint_000001', iteration: 4 },
    ]);
    assert.equal(summary.failures, 3);
    assert.equal(summary.restores.length, 1);
  });

  it('says a trial stopped early only when a scheduler or a metric stop rule ended it', () => {
    const decided = (reason: string): TrialHistory => ({ restores: [], decisions: [{ ts: 1, iteration: 3, kind: 'stop', reason }], pids: [], status: 'TERMINATED' });
    const ended = (endReason: string) => trial(0, { status: 'TERMINATED', endReason });
    assert.equal(isStoppedEarly(ended('stopped'), decided('stopped by ASHA at rung 3: acc 0.2 below cutoff 0.5')), true);
    assert.equal(isStoppedEarly(ended('stopped'), decided('stopped by ASHA: reached max_t (training_iteration 9 >= 9)')), false);
    assert.equal(isStoppedEarly(ended('stop criterion training_iteration >= 10 reached'), undefined), false);
    assert.equal(isStoppedEarly(ended('stop criterion acc >= 0.99 reached'), undefined), true);
    assert.equal(isStoppedEarly(ended('rung 3; never promoted'), undefined), true);
    assert.equal(isStoppedEarly(trial(0, { status: 'ERROR', endReason: 'x' }), decided('stopped by ASHA')), false);
  });

  it('keeps the waiting reason only while the trial is unfinished', () => {
    const waiting = trial(0, { waitingReason: 'needs 2 CPU, 1 free' });
    assert.equal(projectTrial(view([waiting]), waiting).waitingReason, 'needs 2 CPU, 1 free');
    const done = trial(1, { status: 'TERMINATED', waitingReason: 'old', endReason: 'all done' });
    const summary = projectTrial(view([done]), done);
    assert.equal(summary.waitingReason, undefined);
    assert.equal(summary.endReason, 'all done');
  });
});

describe('experiment projection', () => {
  it('counts trials by status and picks the best by the last reported metric', () => {
    const statuses: TrialStatus[] = ['RUNNING', 'TERMINATED', 'TERMINATED', 'PENDING', 'ERROR'];
    const trials = statuses.map((status, i) => trial(i, { status, lastResult: i < 3 ? row(2, [0.5, 0.9, 0.7][i]) : undefined }));
    const summary = projectExperiment(view(trials, {}, { totalTrials: 8, specPath: '/s.tune.yaml' }));
    assert.deepEqual(summary.counts, { PENDING: 1, RUNNING: 1, PAUSED: 0, TERMINATED: 2, ERROR: 1 });
    assert.deepEqual(summary.best, { trialId: 'abcde_00001', value: 0.9 });
    assert.equal(summary.totalTrials, 8);
    assert.equal(summary.specPath, '/s.tune.yaml');
    const minimising = projectExperiment(view(trials, {}, { mode: 'min' }));
    assert.deepEqual(minimising.best, { trialId: 'abcde_00000', value: 0.5 });
  });

  it('has no best without a metric and mode, and uses journal counts for an experiment run elsewhere', () => {
    assert.equal(projectExperiment(view([trial(0, { lastResult: row(1, 1) })], {}, { metric: undefined })).best, undefined);
    const counts = { PENDING: 2, RUNNING: 1, PAUSED: 0, TERMINATED: 0, ERROR: 0 };
    assert.deepEqual(projectExperiment(view([], {}, { counts, live: false })).counts, counts);
  });

  it('turns a result row into a chart point without the auto-filled keys', () => {
    assert.deepEqual(metricPoint(row(4, 0.75)), { iteration: 4, timeTotalS: 2, ts: 1004, values: { acc: 0.75, loss: 0.25 } });
  });
});

describe('resource projection', () => {
  it('adds every live experiment holdings, marks simulated GPUs and lists who waits', () => {
    const running = trial(0, {
      status: 'RUNNING',
      grant: { trainable: { CPU: 0, gpus: [] }, workers: [{ CPU: 1, gpus: [{ index: 0, fraction: 1 }] }, { CPU: 1, gpus: [{ index: 3, fraction: 0.5 }] }] },
    });
    const holding = trial(1, { status: 'RUNNING', waitingReason: 'waiting for workers: needs 1 GPU', grant: { trainable: { CPU: 1, gpus: [] }, workers: [] } });
    const pending = trial(2, { waitingReason: 'needs 2 CPU, 0 free' });
    const finished = trial(3, { status: 'TERMINATED', grant: { trainable: { CPU: 4, gpus: [] }, workers: [] } });
    const snapshot = projectResources({ cpuTotal: 8, gpus: [{ index: 0, name: 'H100', memoryTotalMiB: 80000, utilizationPct: 50 }] }, [
      {
        experimentPath: '/exp',
        ledger: {
          cpu: { used: 3, total: 8 },
          gpus: [
            { index: 0, used: 1, holders: [{ trialId: running.id, rank: 0, fraction: 1 }] },
            { index: 3, used: 0.5, holders: [{ trialId: running.id, rank: 1, fraction: 0.5 }] },
          ],
        },
        trials: [running, holding, pending, finished],
      },
    ]);
    assert.deepEqual(snapshot.cpu, {
      total: 8,
      used: 3,
      holders: [
        { experimentPath: '/exp', trialId: running.id, rank: 0, fraction: 1 },
        { experimentPath: '/exp', trialId: running.id, rank: 1, fraction: 1 },
        { experimentPath: '/exp', trialId: holding.id, rank: 'trainable', fraction: 1 },
      ],
    });
    assert.deepEqual(snapshot.gpus.map((g) => [g.index, g.name, g.simulated, g.holders.length]), [
      [0, 'H100', false, 1],
      [3, 'simulated GPU', true, 1],
    ]);
    assert.equal(snapshot.gpus[0].utilizationPct, 50);
    assert.deepEqual(snapshot.waiting, [
      { experimentPath: '/exp', trialId: holding.id, reason: 'waiting for workers: needs 1 GPU', holdsTrainable: true },
      { experimentPath: '/exp', trialId: pending.id, reason: 'needs 2 CPU, 0 free', holdsTrainable: false },
    ]);
  });

  it('shows the idle machine when nothing runs', () => {
    const snapshot = projectResources({ cpuTotal: 2, gpus: [] }, []);
    assert.deepEqual(snapshot, { cpu: { total: 2, used: 0, holders: [] }, gpus: [], waiting: [] });
  });
});

describe('journal history', () => {
  it('places restores at the iteration of their checkpoint and decisions at their training_iteration', () => {
    const history = new JournalHistory('training_iteration', () => 99);
    const touched = history.apply([
      { type: 'experiment_started', ts: 1, experiment_id: 'abcde', name: 'exp' },
      { type: 'trial_created', ts: 2, trial_id: 't0', trial_name: 't0', trial_dir_name: 'd0', index: 0, config: {} },
      { type: 'trial_started', ts: 3, trial_id: 't0', grant: { trainable: { CPU: 1, gpus: [] }, workers: [] }, pids: [7, 8] },
      { type: 'checkpoint_committed', ts: 4, trial_id: 't0', checkpoint_dir_name: 'checkpoint_000000', iteration: 2 },
      { type: 'trial_restored', ts: 5, trial_id: 't0', from_checkpoint: 'checkpoint_000000', after_failure: true, failures: 1, reason: 'worker group restarted after: worker 1 was killed by SIGKILL' },
      { type: 'scheduler_decision', ts: 6, trial_id: 't0', kind: 'continue_at_rung', reason: 'passed rung 4', detail: { time: 4 } },
      { type: 'scheduler_decision', ts: 7, trial_id: 't0', kind: 'stop', reason: 'below cutoff', detail: {} },
    ]);
    assert.deepEqual([...touched], ['t0']);
    const t0 = history.of('t0')!;
    assert.deepEqual(t0.restores, [
      { ts: 5, iteration: 2, fromCheckpoint: 'checkpoint_000000', reason: 'worker group restarted after: worker 1 was killed by SIGKILL', afterFailure: true, source: undefined },
    ]);
    assert.deepEqual(t0.decisions.map((d) => [d.kind, d.iteration]), [
      ['continue_at_rung', 4],
      ['stop', 99],
    ]);
    assert.deepEqual(t0.pids, [], 'a restart forgets the old workers');
    assert.equal(history.startedAt, 1);
  });

  it('keeps a refused checkpoint among the trial’s events, and the projected trial carries it', () => {
    const history = new JournalHistory();
    const touched = history.apply([
      { type: 'trial_created', ts: 1, trial_id: 'abcde_00000', trial_name: 't0', trial_dir_name: 'd0', index: 0, config: {} },
      { type: 'checkpoint_refused', ts: 2, trial_id: 'abcde_00000', iteration: 3, reason: 'Symlink leak in checkpoint source /tmp/x points outside it' },
    ]);
    assert.deepEqual([...touched], ['abcde_00000']);
    const view = { path: '/exp', live: true, trials: [trial(0)], history: (id: string) => history.of(id) } as unknown as ExperimentView;
    assert.deepEqual(projectTrial(view, trial(0)).refusedCheckpoints, [
      { ts: 2, iteration: 3, reason: 'Symlink leak in checkpoint source /tmp/x points outside it' },
    ]);
    assert.equal(projectTrial(view, trial(1)).refusedCheckpoints, undefined, 'absent when none was refused');
  });

  it('places decisions by the scheduler’s own default time_attr when the spec names none', () => {
    assert.equal(schedulerTimeAttr({ type: 'pbt' }), 'time_total_s');
    assert.equal(schedulerTimeAttr({ type: 'median_stopping' }), 'time_total_s');
    assert.equal(schedulerTimeAttr({ type: 'asha' }), 'training_iteration');
    assert.equal(schedulerTimeAttr({ type: 'pbt', time_attr: 'training_iteration' }), 'training_iteration');
    assert.equal(schedulerTimeAttr(undefined), 'training_iteration');
  });

  it('knows when the experiment ended, and forgets it when the experiment resumes', () => {
    const history = new JournalHistory();
    history.apply([
      { type: 'trial_created', ts: 1, trial_id: 't0', trial_name: 't0', trial_dir_name: 'd0', index: 0, config: {} },
      { type: 'trial_finished', ts: 2, trial_id: 't0', status: 'ERROR', reason: 'boom' },
      { type: 'experiment_finished', ts: 3, status: 'stopped', reason: 'interrupted by SIGINT' },
    ]);
    assert.deepEqual(history.end, { status: 'stopped', reason: 'interrupted by SIGINT', ts: 3 });
    assert.deepEqual(history.counts(), { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 0, ERROR: 1 });
    history.apply([{ type: 'experiment_started', ts: 4, experiment_id: 'abcde', name: 'exp', resumed: true }]);
    assert.equal(history.end, undefined);
  });
});

test('a running Slurm trial carries its job into the summary and the cluster picture, and a finished one does not', () => {
  const job = { id: '41', name: 'tunekit-ab12c_00000-1', state: 'RUNNING', nodes: 'n1' };
  const running = { ...slurmTrial(), job };
  const done = { ...slurmTrial(), id: 'ab12c_00001', status: 'TERMINATED' as const, job: { ...job, id: '40' } };
  const snapshot = projectResources(
    { cpuTotal: 2, gpus: [], cluster: { partitions: [], nodes: [{ name: 'n1', state: 'MIXED', cpus: 2, cpusAllocated: 1, gpus: 0, gpusAllocated: 0 }] } },
    [{ experimentPath: '/r/e', ledger: { cpu: { used: 0, total: 0 }, gpus: [] }, trials: [running, done] as never }],
  );
  assert.deepEqual(snapshot.cluster?.jobs, [{ experimentPath: '/r/e', trialId: running.id, ...job }]);
  assert.equal(snapshot.cluster?.nodes[0].name, 'n1');
  assert.equal(projectResources({ cpuTotal: 2, gpus: [] }, []).cluster, undefined, 'no cluster section on a local machine');
});

function slurmTrial() {
  return { id: 'ab12c_00000', status: 'RUNNING' as const, grant: { trainable: { CPU: 0, gpus: [] }, workers: [{ CPU: 1, gpus: [] }] } };
}
