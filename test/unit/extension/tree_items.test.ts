import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  experimentDescription,
  experimentItem,
  sectionItems,
  splitTrials,
  trialIcon,
  trialItem,
  trialSections,
} from '../../../extension/tree_items';
import { experiment, trial } from './summaries';

test('an experiment says how many trials run, how many of all are done, the best by last result and its duration', () => {
  const e = experiment({
    counts: { PENDING: 20, RUNNING: 8, PAUSED: 0, TERMINATED: 11, ERROR: 1 },
    totalTrials: 40,
    metric: 'val_acc',
    best: { trialId: '00003', value: 0.98123 },
    startedAt: 1000,
  });
  assert.equal(experimentDescription(e, 1192), '8 running · 12/40 done · best val_acc 0.9812 (last result) · 3m12s');
});

test('an experiment without a known total counts the trials it has, and a finished one stops its clock', () => {
  const e = experiment({ counts: { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 8, ERROR: 0 }, startedAt: 0, endedAt: 45, state: 'finished', live: false });
  assert.equal(experimentDescription(e, 99999), '8/8 done · 45s');
});

test('the experiment contextValue says which actions apply', () => {
  assert.equal(experimentItem(experiment({ live: true, state: 'running' }), 0).contextValue, 'experiment.running');
  assert.equal(experimentItem(experiment({ live: false, state: 'interrupted' }), 0).contextValue, 'experiment.resumable');
  assert.equal(experimentItem(experiment({ live: false, state: 'stopped' }), 0).contextValue, 'experiment.resumable');
  assert.equal(experimentItem(experiment({ live: false, state: 'finished' }), 0).contextValue, 'experiment.finished');
});

test('a live experiment opens expanded and a browsed one collapsed', () => {
  assert.equal(experimentItem(experiment({ live: true }), 0).collapsible, 'expanded');
  assert.equal(experimentItem(experiment({ live: false, state: 'finished' }), 0).collapsible, 'collapsed');
});

test('each trial status has its codicon and colour', () => {
  const icon = (status: Parameters<typeof trial>[0]) => trialItem(trial(status)).icon;
  assert.deepEqual(icon({ status: 'PENDING' }), { id: 'circle-outline' });
  assert.deepEqual(icon({ status: 'RUNNING' }), { id: 'sync~spin' });
  assert.deepEqual(icon({ status: 'PAUSED' }), { id: 'debug-pause' });
  assert.deepEqual(icon({ status: 'TERMINATED' }), { id: 'pass', color: 'charts.green' });
  assert.deepEqual(icon({ status: 'TERMINATED', stoppedEarly: true }), { id: 'stop-circle', color: 'charts.yellow' });
  assert.deepEqual(icon({ status: 'ERROR' }), { id: 'error', color: 'charts.red' });
});

test('a trial contextValue follows its status', () => {
  assert.equal(trialItem(trial({ status: 'RUNNING' })).contextValue, 'trial.running');
  assert.equal(trialItem(trial({ status: 'TERMINATED', stoppedEarly: true })).contextValue, 'trial.finished');
  assert.equal(trialItem(trial({ status: 'ERROR' })).contextValue, 'trial.error');
  assert.equal(trialItem(trial({ status: 'PENDING' })).contextValue, 'trial.pending');
});

test('a trial description shows its searched parameters by short name and the metric', () => {
  const t = trial({
    params: [
      { path: 'train_loop_config/lr', value: 0.0012213 },
      { path: 'train_loop_config/batch_size', value: 16 },
    ],
    metrics: { val_acc: 0.9713, val_loss: 0.2 },
    iteration: 12,
  });
  assert.equal(trialItem(t, 'val_acc').description, 'lr=0.001221 batch_size=16 · val_acc 0.9713');
  assert.equal(trialItem(t).description, 'lr=0.001221 batch_size=16 · iter 12');
});

test('trial ids are unique across experiments', () => {
  const a = trialItem(trial({ experimentPath: '/a', id: '00000' }));
  const b = trialItem(trial({ experimentPath: '/b', id: '00000' }));
  assert.notEqual(a.id, b.id);
});

test('with 1,000 trials only the unfinished ones show and the rest fold under Finished', () => {
  const trials = Array.from({ length: 1000 }, (_, i) =>
    trial({ id: String(i).padStart(5, '0'), status: i < 990 ? (i % 7 === 0 ? 'ERROR' : 'TERMINATED') : i < 994 ? 'RUNNING' : 'PENDING' }),
  );
  const { shown, finished } = splitTrials(trials);
  assert.equal(shown.length, 10);
  assert.ok(shown.every((t) => t.status === 'RUNNING' || t.status === 'PENDING'));
  assert.equal(finished?.length, 990);
});

test('50 trials or fewer are listed without a Finished group', () => {
  const trials = Array.from({ length: 50 }, (_, i) => trial({ id: String(i).padStart(5, '0'), status: 'TERMINATED' }));
  assert.deepEqual(splitTrials(trials), { shown: trials });
});

test('a trial shows only the sections it has something in', () => {
  const bare = trial();
  assert.deepEqual(trialSections(bare).map((s) => s.section), ['config']);
  const full = trial({
    metrics: { val_acc: 0.9 },
    checkpoints: [{ name: 'checkpoint_000002', iteration: 3 }],
    decisions: [{ ts: 5, iteration: 4, kind: 'stop', reason: 'below the median' }],
    workerLogs: ['/r/t/worker_0.log'],
  });
  assert.deepEqual(trialSections(full).map((s) => s.section), ['config', 'metrics', 'checkpoints', 'events', 'logs']);
});

test('the config section flattens nested values into path rows, and marks the values that were not sampled', () => {
  const t = trial({ config: { train_loop_config: { lr: 0.01, layers: [64, 64] }, seed: 1 }, params: [{ path: 'train_loop_config/lr', value: 0.01 }] });
  const rows = sectionItems(t, 'config');
  assert.deepEqual(rows.map((r) => [r.label, r.description]), [
    ['train_loop_config/lr', '0.01'],
    ['train_loop_config/layers', '[64,64] · constant'],
    ['seed', '1 · constant'],
  ]);
  assert.match(rows[0].tooltip ?? '', /sampled/);
});

test('the checkpoint a trial was restored from is marked', () => {
  const rows = sectionItems(
    trial({ checkpoints: [{ name: 'checkpoint_000001', iteration: 2 }, { name: 'checkpoint_000004', iteration: 5, restoredFrom: true }] }),
    'checkpoints',
  );
  assert.deepEqual(rows.map((r) => r.description), ['iteration 2', 'iteration 5 · restored from']);
  assert.equal(rows[1].icon?.id, 'debug-step-back');
});

test('restores and scheduler decisions read as one timeline', () => {
  const rows = sectionItems(
    trial({
      restores: [{ ts: 20, iteration: 6, reason: 'worker group restarted after: worker 1 was killed by SIGKILL', afterFailure: true }],
      decisions: [
        { ts: 10, iteration: 4, kind: 'continue_at_rung', reason: 'top half at rung 4' },
        { ts: 30, iteration: 8, kind: 'stop', reason: 'below the rung cutoff' },
      ],
    }),
    'events',
  );
  assert.deepEqual(rows.map((r) => r.label), ['continue at rung at iteration 4', 'restored at iteration 6', 'stop at iteration 8']);
  assert.equal(new Set(rows.map((r) => r.id)).size, 3);
});

test('a refused checkpoint is one of the trial’s events, in time order', () => {
  const t = trial({
    decisions: [{ ts: 10, iteration: 4, kind: 'continue_at_rung', reason: 'top half at rung 4' }],
    refusedCheckpoints: [{ ts: 5, iteration: 2, reason: 'Checkpoint source /tmp/ck is not a readable directory' }],
  });
  assert.ok(trialSections(t).some((s) => s.section === 'events' && s.item.description === '2'));
  const rows = sectionItems(t, 'events');
  assert.deepEqual(rows.map((r) => [r.label, r.description]), [
    ['checkpoint refused at iteration 2', 'Checkpoint source /tmp/ck is not a readable directory'],
    ['continue at rung at iteration 4', 'top half at rung 4'],
  ]);
});

test('a worker log row opens its file', () => {
  const [row] = sectionItems(trial({ workerLogs: ['/r/t/worker_1.log'] }), 'logs');
  assert.equal(row.label, 'worker_1.log');
  assert.equal(row.opens, '/r/t/worker_1.log');
  assert.equal(row.contextValue, 'workerLog');
});

test('a trial the user stopped has its own icon, neither the completed one nor the scheduler-stop one', () => {
  const user = trialIcon(trial({ status: 'TERMINATED', endReason: 'stopped by the user' }));
  const completed = trialIcon(trial({ status: 'TERMINATED' }));
  const early = trialIcon(trial({ status: 'TERMINATED', stoppedEarly: true }));
  assert.equal(new Set([user.id, completed.id, early.id]).size, 3);
  assert.match(trialItem(trial({ status: 'TERMINATED', endReason: 'stopped by the user' })).tooltip ?? '', /TERMINATED \(by user\)/);
});
