import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MachineLedger } from '../../../runtime/resources/machine_ledger';
import type { TrialRequest } from '../../../runtime/resources/request';

const twoGpus: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [{ CPU: 0, GPU: 2 }] };
const nextTick = () => new Promise((r) => setImmediate(r));

test('two experiments on one machine never get the same GPU: the second waits with the reason', () => {
  const machine = new MachineLedger({ CPU: 4, gpus: [0, 1] });
  const a = machine.seat();
  const b = machine.seat();
  const first = a.admit('t1', twoGpus, 'coordinated');
  assert.ok(first.ok);
  const second = b.admit('t1', twoGpus, 'coordinated');
  assert.equal(second.ok, false);
  assert.match(second.ok ? '' : second.reason, /GPU.*\(other experiments hold 2 GPU and 1 CPU\)$/);
});

test('a wait that no other experiment causes does not blame one', () => {
  const machine = new MachineLedger({ CPU: 4, gpus: [0, 1] });
  const a = machine.seat();
  machine.seat();
  assert.ok(a.admit('t1', twoGpus, 'coordinated').ok);
  const again = a.admit('t2', twoGpus, 'coordinated');
  assert.equal(again.ok, false);
  assert.doesNotMatch(again.ok ? '' : again.reason, /other experiments/);
});

test('the same trial id in two experiments is two holders, not a clash', () => {
  const machine = new MachineLedger({ CPU: 4, gpus: [] });
  const a = machine.seat();
  const b = machine.seat();
  const one: TrialRequest = { trainable: { CPU: 1, GPU: 0 }, workers: [] };
  assert.ok(a.admit('00000', one, 'coordinated').ok);
  assert.ok(b.admit('00000', one, 'coordinated').ok);
  a.release('00000');
  assert.equal(a.snapshot().cpu.used, 0);
  assert.equal(b.snapshot().cpu.used, 1);
});

test('each experiment sees its own holders against the whole machine, and the parts add up', () => {
  const machine = new MachineLedger({ CPU: 4, gpus: [0, 1, 2, 3] });
  const a = machine.seat();
  const b = machine.seat();
  a.admit('x', twoGpus, 'coordinated');
  b.admit('y', twoGpus, 'coordinated');
  const sa = a.snapshot();
  const sb = b.snapshot();
  assert.equal(sa.cpu.total, 4);
  assert.equal(sa.cpu.used + sb.cpu.used, machine.snapshot().cpu.used);
  assert.deepEqual(sa.gpus.flatMap((g) => g.holders.map((h) => `${g.index}:${h.trialId}`)), ['0:x', '1:x']);
  assert.deepEqual(sb.gpus.flatMap((g) => g.holders.map((h) => `${g.index}:${h.trialId}`)), ['2:y', '3:y']);
  assert.deepEqual(sa.gpus.map((g) => g.used), [1, 1, 0, 0]);
});

test('a release in one experiment wakes the others once, and not itself', async () => {
  const machine = new MachineLedger({ CPU: 4, gpus: [0, 1] });
  const a = machine.seat();
  const b = machine.seat();
  const woke = { a: 0, b: 0 };
  a.onFreedElsewhere(() => woke.a++);
  b.onFreedElsewhere(() => woke.b++);
  a.admit('t1', twoGpus, 'coordinated');
  a.admit('t2', { trainable: { CPU: 1, GPU: 0 }, workers: [] }, 'coordinated');
  a.release('t1');
  a.release('t2');
  a.release('t2'); // nothing held: no wake-up
  await nextTick();
  assert.deepEqual(woke, { a: 0, b: 1 });
  assert.ok(b.admit('t1', twoGpus, 'coordinated').ok);
});

test('an experiment that leaves frees what it still held and tells the others', async () => {
  const machine = new MachineLedger({ CPU: 2, gpus: [0, 1] });
  const a = machine.seat();
  const b = machine.seat();
  let woke = 0;
  b.onFreedElsewhere(() => woke++);
  a.admit('t1', twoGpus, 'coordinated');
  assert.equal(b.othersWillFree(), true);
  assert.equal(a.othersWillFree(), false);
  a.close();
  a.close();
  await nextTick();
  assert.equal(woke, 1);
  assert.equal(b.othersWillFree(), false);
  assert.equal(machine.snapshot().cpu.used, 0);
});

test('a trial of another experiment that only waits for its workers is not counted on to free anything', () => {
  const machine = new MachineLedger({ CPU: 2, gpus: [0, 1] });
  const a = machine.seat();
  const b = machine.seat();
  assert.ok(a.admit('t1', twoGpus, 'ray').ok); // the trainable's CPU only
  assert.equal(b.othersWillFree(), false, 'a Ray-mode trial holding its trainable waits like ours');
  assert.ok(a.acquireWorkers('t1').ok);
  assert.equal(b.othersWillFree(), true, 'once its workers run, it will finish and free them');
});
