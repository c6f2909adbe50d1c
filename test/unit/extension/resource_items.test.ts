import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuItem, gpuItem, holderItem, namesFrom, waitingItem } from '../../../extension/resource_items';
import { experiment } from './summaries';

test('a GPU row shows its name, memory, utilisation and how much of it is held', () => {
  const item = gpuItem({
    index: 1,
    name: 'NVIDIA H100',
    simulated: false,
    memoryTotalMiB: 81559,
    memoryUsedMiB: 1024,
    utilizationPct: 37,
    holders: [{ experimentPath: '/e', trialId: '00001', rank: 0, fraction: 0.5 }],
  });
  assert.equal(item.label, 'GPU 1: NVIDIA H100');
  assert.equal(item.description, '1024/81559 MiB · 37% · 0.5/1 held');
  assert.equal(item.collapsible, 'expanded');
});

test('a simulated GPU says so and has no live figures', () => {
  const item = gpuItem({ index: 0, name: 'simulated GPU', simulated: true, holders: [] });
  assert.equal(item.label, 'GPU 0: simulated GPU (simulated)');
  assert.equal(item.description, '0/1 held');
  assert.equal(item.collapsible, 'none');
});

test('a holder names the experiment, the trial and the rank', () => {
  const names = namesFrom([experiment({ path: '/r/quickstart', name: 'quickstart' })]);
  const item = holderItem('cpu', { experimentPath: '/r/quickstart', trialId: '00003', rank: 1, fraction: 1 }, names);
  assert.equal(item.label, 'quickstart/00003');
  assert.equal(item.description, 'rank 1 · 1');
  assert.equal(holderItem('cpu', { experimentPath: '/r/x', trialId: '1', rank: 'trainable', fraction: 1 }, names).description, 'trainable · 1');
});

test('the CPU row counts the held slots', () => {
  assert.equal(cpuItem({ total: 16, used: 3.5, holders: [] }).description, '3.5/16 held');
});

test('a waiting trial shows the ledger\'s reason', () => {
  const item = waitingItem({ experimentPath: '/r/q', trialId: '00004', reason: 'needs 2 GPUs, 1 free', holdsTrainable: false }, () => 'q');
  assert.equal(item.label, 'q/00004');
  assert.equal(item.description, 'needs 2 GPUs, 1 free');
});

test('a GPU row that gains holders gets a new id, so VS Code shows it expanded rather than its remembered collapsed state', () => {
  const free = gpuItem({ index: 0, name: 'g', simulated: true, holders: [] });
  const held = gpuItem({ index: 0, name: 'g', simulated: true, holders: [{ experimentPath: '/e', trialId: '1', rank: 0, fraction: 1 }] });
  assert.notEqual(free.id, held.id);
  assert.equal(held.id, gpuItem({ index: 0, name: 'g', simulated: true, holders: [{ experimentPath: '/e', trialId: '2', rank: 0, fraction: 1 }] }).id);
  assert.notEqual(cpuItem({ total: 2, used: 0, holders: [] }).id, cpuItem({ total: 2, used: 1, holders: [{ experimentPath: '/e', trialId: '1', rank: 0, fraction: 1 }] }).id);
});
