import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackgroundWork, SerialQueues } from '../../../runtime/tuner/background_work';
import { tunerHarness, until } from './tuner_harness';

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('background work is counted until it settles, and a failure in it or after it is a warning, never a rejection', async () => {
  const warnings: string[] = [];
  let idle = 0;
  const work = new BackgroundWork((m) => warnings.push(m), () => idle++);
  let fail!: (err: Error) => void;
  const then: string[] = [];
  work.run('closing the results of t1', new Promise((_, reject) => (fail = reject)), () => then.push('after'));
  work.run('recording the end of t2', Promise.resolve(), () => {
    throw new Error('trial t2 cannot go from TERMINATED to PENDING');
  });
  await turn();
  assert.equal(work.busy, true);
  assert.equal(idle, 0);
  fail(new Error('disk full'));
  await turn();
  assert.equal(work.busy, false);
  assert.equal(idle, 1);
  assert.deepEqual(then, ['after']);
  assert.deepEqual(warnings.sort(), ['closing the results of t1: disk full', 'recording the end of t2: trial t2 cannot go from TERMINATED to PENDING']);
  work.report('journal write failed', Promise.reject(new Error('EIO')));
  await turn();
  assert.equal(warnings.at(-1), 'journal write failed: EIO');
});

test("a trial's events run one after another in the order they came; an idle trial's event runs at once", async () => {
  const work = new BackgroundWork(() => undefined, () => undefined);
  const queues = new SerialQueues(work);
  const order: string[] = [];
  let release!: () => void;
  queues.push('a', 'a1', () => {
    order.push('a1 start');
    return new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('a1 end'));
  });
  assert.deepEqual(order, ['a1 start']);
  queues.push('a', 'a2', () => void order.push('a2'));
  queues.push('b', 'b1', () => void order.push('b1'));
  assert.deepEqual(order, ['a1 start', 'b1']);
  release();
  await until(() => order.length === 4);
  assert.deepEqual(order, ['a1 start', 'b1', 'a1 end', 'a2']);
  assert.equal(work.busy, false);
});

test('a result that arrives while the one before it still commits its checkpoint is recorded after it, in order', async (t) => {
  const h = tunerHarness(t);
  const driver = await h.launched(0);
  h.sendResult(driver, { loss: 3 }, true);
  const second = await h.result(driver, { loss: 2 });
  assert.equal(second.error, undefined);
  const trial = h.trial(0);
  assert.equal(trial.iteration, 2);
  const acks = driver.sent.filter((m) => m.type === 'result_ack');
  assert.equal(acks.length, 2);
  assert.ok(acks[0].type === 'result_ack' && acks[0].checkpointDirName === 'checkpoint_000000');
  h.ended(driver, { status: 'TERMINATED', reason: 'done' });
  await h.done;
  assert.deepEqual(
    h.rows(trial).map((r) => [r.training_iteration, r.loss]),
    [
      [1, 3],
      [2, 2],
    ],
  );
  assert.equal(trial.checkpoints[0].iteration, 1);
});
