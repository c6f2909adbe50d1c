import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterSnapshot } from '../../../protocol/runtime_api';
import { healthOf } from '../../../extension/health';
import { clusterGroupItem, clusterNodeItem, jobItem, jobsGroupItem, namesFrom } from '../../../extension/resource_items';
import { RuntimeStore } from '../../../extension/store';
import { trialDescription } from '../../../extension/tree_items';
import { experiment, resources } from './summaries';

const cluster: ClusterSnapshot = {
  partitions: [{ name: 'gpu', isDefault: true, up: true, nodes: 2, cpusPerNode: 8, gpusPerNode: 4 }],
  nodes: [
    { name: 'n1', state: 'MIXED', cpus: 8, cpusAllocated: 2, gpus: 4, gpusAllocated: 2 },
    { name: 'n2', state: 'IDLE', cpus: 8, cpusAllocated: 0, gpus: 4, gpusAllocated: 0 },
  ],
  jobs: [
    { experimentPath: '/r/digits', trialId: 'ab12c_00000', id: '41', name: 'tunekit-ab12c_00000-1', state: 'RUNNING', nodes: 'n1' },
    { experimentPath: '/r/digits', trialId: 'ab12c_00001', id: '42', name: 'tunekit-ab12c_00001-1', state: 'PENDING', reason: 'QOSMaxJobsPerUserLimit' },
  ],
};

test('the Resources view shows the cluster\'s nodes with what is allocated, and our jobs with where they run or why they wait', () => {
  assert.equal(clusterGroupItem(cluster).description, 'partitions gpu*');
  assert.equal(clusterNodeItem(cluster.nodes[0]).description, 'mixed · CPU 2/8 · GPU 2/4');
  assert.equal(jobsGroupItem(cluster.jobs).label, 'Jobs (1 running, 1 queued)');
  const names = namesFrom([experiment({ path: '/r/digits', name: 'digits' })]);
  assert.equal(jobItem(cluster.jobs[0], names).description, 'running on n1');
  assert.equal(jobItem(cluster.jobs[1], names).label, '42 digits/ab12c_00001');
  assert.equal(jobItem(cluster.jobs[1], names).description, 'queued: QOSMaxJobsPerUserLimit');
});

test('a Slurm trial\'s row names its job, and where it runs or why it is queued', () => {
  const base = { params: [{ path: 'train_loop_config/lr', value: 0.01 }], metrics: {}, iteration: 0 } as unknown as Parameters<typeof trialDescription>[0];
  assert.equal(trialDescription({ ...base, job: { id: '41', name: 'x', state: 'RUNNING', nodes: 'n[1-2]' } }), 'lr=0.01 · job 41 on n[1-2]');
  assert.equal(trialDescription({ ...base, job: { id: '42', name: 'x', state: 'PENDING', reason: 'Priority' } }), 'lr=0.01 · job 42 queued (Priority)');
});

test('the status bar counts a Slurm experiment\'s jobs as running and queued, not as trials waiting on this machine', () => {
  const store = new RuntimeStore();
  store.reset({
    experiments: [experiment({ path: '/r/digits', counts: { PENDING: 3, RUNNING: 2, PAUSED: 0, TERMINATED: 0, ERROR: 0 } })],
    trials: [],
    resources: resources({ waiting: [{ experimentPath: '/r/digits', trialId: 'ab12c_00001', reason: 'queued in Slurm as job 42 (Priority)', holdsTrainable: true }], cluster }),
  });
  assert.equal(healthOf(store, 'connected', true).text, 'Tunekit: Slurm: 1 running, 1 queued');
});
