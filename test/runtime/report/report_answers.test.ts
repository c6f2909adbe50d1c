import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnswerReport } from '../../../runtime/report/report_server';
import { RawPeer, startHarness } from './report_harness';

const TIMEOUT = { timeout: 20_000 };
const report = (seq: number) => `{"type":"report","seq":${seq},"metrics":{"step":${seq}},"checkpoint":null}\n`;

test('an answer given at once, one given later and one given twice each make exactly one ack, in order', TIMEOUT, async () => {
  let later: AnswerReport | undefined;
  const h = await startHarness({
    answer: (r, answer) => {
      if (r.seq === 1) return answer({ checkpoint_dir_name: null });
      if (r.seq === 2) return void (later = answer);
      if (r.seq === 3) {
        answer({ checkpoint_dir_name: 'checkpoint_000000' });
        answer(new Error('a second answer must be dropped'));
        return;
      }
      throw new Error('disk full');
    },
  });
  try {
    const peer = await RawPeer.connect(h.socketPath);
    await peer.hello(h.token, 0);
    await peer.send(report(1) + report(2) + report(3) + report(4));
    assert.deepEqual(await peer.reply(1), { type: 'ack', seq: 1, ok: true, checkpoint_dir_name: null });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(peer.received.length, 2, 'report 2 is not acked, nor any after it, before its answer');
    assert.deepEqual(
      h.reports.map((r) => r.seq),
      [1, 2],
      'a connection hands on its next report only once the one before is answered',
    );
    later!({ checkpoint_dir_name: 'checkpoint_000001' });
    assert.deepEqual(await peer.reply(2), { type: 'ack', seq: 2, ok: true, checkpoint_dir_name: 'checkpoint_000001' });
    assert.deepEqual(await peer.reply(3), { type: 'ack', seq: 3, ok: true, checkpoint_dir_name: 'checkpoint_000000' });
    assert.deepEqual(await peer.reply(4), { type: 'ack', seq: 4, ok: false, error: 'disk full' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(peer.received.length, 5, 'one welcome and four acks, none twice');
    peer.destroy();
  } finally {
    await h.close();
  }
});
