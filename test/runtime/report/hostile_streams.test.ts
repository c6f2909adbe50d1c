import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { maxConnectionsFor } from '../../../runtime/report/report_server';
import { RawPeer, eventually, startHarness, startPython, untilStoppedPythonWorker, type Harness } from './report_harness';

const TIMEOUT = { timeout: 20_000 };
/**
 * Runs `hostile` while a well-behaved Python rank 0 of the same trial is in the middle of
 * reporting, and checks that the good worker lost nothing and got nothing twice.
 */
async function besideGoodWorker(h: Harness, hostile: () => Promise<void>): Promise<void> {
  const worker = startPython(untilStoppedPythonWorker, h.workerEnv(0));
  const goodSeqs = () => h.reports.filter((r) => r.rank === 0).map((r) => r.seq);
  await eventually(() => goodSeqs().length >= 3, 'the good worker to start reporting', 10_000);
  const before = goodSeqs().length;
  await hostile();
  await eventually(() => goodSeqs().length >= before + 3, 'the good worker to go on reporting');
  worker.stop();
  const result = await worker.done;
  assert.equal(result.code, 0, result.stderr);
  const sent = Number(/^reported (\d+)\n$/.exec(result.stdout)?.[1]);
  assert.deepEqual(goodSeqs(), Array.from({ length: sent }, (_, i) => i + 1), 'every good report is delivered exactly once, in order');
}

const report = (seq: number, metrics: string) => `{"type":"report","seq":${seq},"metrics":${metrics},"checkpoint":null}\n`;

test('a line that is not JSON is answered with an error and the connection goes on', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    await besideGoodWorker(h, async () => {
      const peer = await RawPeer.connect(h.socketPath);
      assert.equal((await peer.hello(h.token, 1)).type, 'welcome');
      await peer.send('this is not json\n{"type":"report","seq":1,"metrics":{"ok":true}}\n');
      assert.deepEqual(await peer.reply(1), { type: 'error', error: 'line is not valid JSON' });
      assert.deepEqual(await peer.reply(2), { type: 'ack', seq: 1, ok: true, checkpoint_dir_name: null });
      peer.destroy();
    });
    assert.deepEqual(h.reports.filter((r) => r.rank === 1).map((r) => r.metrics), [{ ok: true }]);
    assert.match(h.rejected[0], /rank 1\): line is not valid JSON/);
  } finally {
    await h.close();
  }
});

test('raw NaN and Infinity tokens are refused while their string spellings are accepted', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    await besideGoodWorker(h, async () => {
      const peer = await RawPeer.connect(h.socketPath);
      await peer.hello(h.token, 1);
      await peer.send(report(1, '{"loss":NaN}') + report(2, '{"loss":-Infinity}') + report(3, '{"loss":"NaN","best":"-Infinity"}'));
      assert.match(String((await peer.reply(1)).error), /"NaN", "Infinity", "-Infinity"/);
      assert.equal((await peer.reply(2)).type, 'error');
      assert.deepEqual(await peer.reply(3), { type: 'ack', seq: 3, ok: true, checkpoint_dir_name: null });
      peer.destroy();
    });
    assert.deepEqual(h.reports.filter((r) => r.rank === 1).map((r) => r.metrics), [{ loss: 'NaN', best: '-Infinity' }]);
  } finally {
    await h.close();
  }
});

test('a number that overflows a double (1e999) is refused as its report, not acknowledged and stored as null', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    const peer = await RawPeer.connect(h.socketPath);
    await peer.hello(h.token, 1);
    await peer.send(report(1, '{"loss":1e999}') + report(2, '{"loss":"Infinity"}'));
    assert.deepEqual(await peer.reply(1), {
      type: 'ack',
      seq: 1,
      ok: false,
      error: `metrics["loss"] is a number beyond a double's range; send NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity"`,
    });
    assert.equal((await peer.reply(2)).ok, true);
    assert.deepEqual(h.reports.map((r) => r.metrics), [{ loss: 'Infinity' }]);
    peer.destroy();
  } finally {
    await h.close();
  }
});

test('a 10 MB line is refused as oversized and the next line on the same connection is read', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    await besideGoodWorker(h, async () => {
      const peer = await RawPeer.connect(h.socketPath);
      await peer.hello(h.token, 1);
      const huge = `{"type":"report","seq":1,"metrics":{"blob":"${'x'.repeat(10 * 1024 * 1024)}"}}\n`;
      await peer.send(huge + report(2, '{"after":1}'));
      assert.deepEqual(await peer.reply(1), { type: 'error', error: 'line longer than 1048576 bytes' });
      assert.deepEqual(await peer.reply(2), { type: 'ack', seq: 2, ok: true, checkpoint_dir_name: null });
      peer.destroy();
    });
    assert.deepEqual(h.reports.filter((r) => r.rank === 1).map((r) => r.metrics), [{ after: 1 }]);
  } finally {
    await h.close();
  }
});

test('a megabyte of blank lines is skipped quickly and the connection still reports', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    const peer = await RawPeer.connect(h.socketPath);
    await peer.hello(h.token, 1);
    const started = Date.now();
    await peer.send('\n'.repeat(1024 * 1024) + report(1, '{"after":"blanks"}'));
    assert.deepEqual(await peer.reply(1), { type: 'ack', seq: 1, ok: true, checkpoint_dir_name: null });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.deepEqual(h.rejected, []);
    peer.destroy();
  } finally {
    await h.close();
  }
});

test('a wrong token, a report before hello, or a rank outside the world closes the connection', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    await besideGoodWorker(h, async () => {
      const wrongToken = await RawPeer.connect(h.socketPath);
      assert.deepEqual(await wrongToken.hello('0'.repeat(64), 1), { type: 'error', error: 'wrong token' });
      await wrongToken.closed;

      const noHello = await RawPeer.connect(h.socketPath);
      await noHello.send(report(1, '{"sneaky":1}'));
      assert.deepEqual(await noHello.reply(0), { type: 'error', error: 'the first message must be a hello' });
      await noHello.closed;

      const outside = await RawPeer.connect(h.socketPath);
      assert.match(String((await outside.hello(h.token, 4)).error), /rank 4 is outside the world size 4/);
      await outside.closed;
    });
    assert.ok(h.reports.every((r) => r.rank === 0));
    assert.ok(h.events.every((e) => e.startsWith('connect 0') || e === 'disconnect 0'), h.events.join());
  } finally {
    await h.close();
  }
});

test('an oversized first line closes the connection like any other error before the hello', TIMEOUT, async () => {
  const h = await startHarness({ maxLineBytes: 1000 });
  try {
    const peer = await RawPeer.connect(h.socketPath);
    const hello = JSON.stringify({ type: 'hello', token: h.token, rank: 1, pid: process.pid });
    await peer.send(`${'x'.repeat(5000)}\n${hello}\n`);
    await peer.closed;
    assert.deepEqual(peer.received, [{ type: 'error', error: 'line longer than 1000 bytes' }]);
    assert.ok(!h.events.some((e) => e.startsWith('connect 1')), h.events.join());
    assert.match(h.rejected[0], /line longer than 1000 bytes; closing/);
  } finally {
    await h.close();
  }
});

test('a flood of 5,000 garbage lines is cut off, and logged at a bounded rate', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    await besideGoodWorker(h, async () => {
      const welcomed = await RawPeer.connect(h.socketPath);
      await welcomed.hello(h.token, 1);
      await welcomed.send('garbage\n'.repeat(5000));
      await welcomed.closed;
      // 50 errors are answered one by one, then the 51st closes the connection.
      assert.equal(welcomed.received.length, 1 + 50 + 1);
      assert.deepEqual(welcomed.received.at(-1), { type: 'error', error: 'more than 50 bad lines in a row' });

      const stranger = await RawPeer.connect(h.socketPath);
      await stranger.send('garbage\n'.repeat(5000));
      await stranger.closed;
      assert.equal(stranger.received.length, 1);
    });
    assert.equal(h.rejected.length, 10, 'only the first rejections of a window are logged');
    await h.server.close();
    assert.match(h.rejected[10], /^\d+ more rejected report lines/);
  } finally {
    await h.close();
  }
});

test('a client that connects and says nothing is closed after the hello timeout', TIMEOUT, async () => {
  const h = await startHarness({ helloTimeoutMs: 200 });
  try {
    await besideGoodWorker(h, async () => {
      const silent = await RawPeer.connect(h.socketPath);
      await silent.closed;
      assert.deepEqual(silent.received, [{ type: 'error', error: 'no hello within 200 ms' }]);
    });
  } finally {
    await h.close();
  }
});

test('a client that disconnects mid-line delivers nothing and is reported gone', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    await besideGoodWorker(h, async () => {
      const peer = await RawPeer.connect(h.socketPath);
      await peer.hello(h.token, 2);
      await peer.send('{"type":"report","seq":1,"metrics":{"half');
      peer.destroy();
      await eventually(() => h.events.includes('disconnect 2'), 'the disconnect of rank 2');
    });
    assert.ok(h.reports.every((r) => r.rank === 0));
  } finally {
    await h.close();
  }
});

test('a seq that does not increase is refused as its own ack', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    const peer = await RawPeer.connect(h.socketPath);
    await peer.hello(h.token, 1);
    await peer.send(report(5, '{"a":1}') + report(5, '{"a":2}') + report(4, '{"a":3}') + report(6, '{"a":4}'));
    assert.equal((await peer.reply(1)).ok, true);
    assert.deepEqual(await peer.reply(2), { type: 'ack', seq: 5, ok: false, error: 'seq 5 does not follow 5' });
    assert.equal((await peer.reply(3)).ok, false);
    assert.equal((await peer.reply(4)).ok, true);
    assert.deepEqual(h.reports.map((r) => r.metrics.a), [1, 4]);
    peer.destroy();
  } finally {
    await h.close();
  }
});

test('a new hello for a connected rank replaces the older connection', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    const older = await RawPeer.connect(h.socketPath);
    await older.hello(h.token, 3);
    const newer = await RawPeer.connect(h.socketPath);
    await newer.hello(h.token, 3);
    await older.closed;
    await newer.send(report(1, '{"from":"newer"}'));
    assert.equal((await newer.reply(1)).ok, true);
    assert.deepEqual(h.events.map((e) => e.replace(/^(connect \d+) \d+$/, '$1')), ['connect 3', 'disconnect 3', 'connect 3']);
    newer.destroy();
    await eventually(() => h.events.length === 4, 'the newer connection to be reported gone');
    assert.equal(h.events[3], 'disconnect 3');
  } finally {
    await h.close();
  }
});

test('all the hostile streams at once leave a good worker of the same trial untouched', TIMEOUT, async () => {
  const h = await startHarness({ helloTimeoutMs: 300 });
  try {
    await besideGoodWorker(h, async () => {
      const welcomed = async (rank: number) => {
        const peer = await RawPeer.connect(h.socketPath);
        await peer.hello(h.token, rank);
        return peer;
      };
      const closedAfter = async (peer: Promise<RawPeer>, data: string) => {
        const p = await peer;
        await p.send(data);
        await p.closed;
      };
      await Promise.all([
        closedAfter(welcomed(1), 'not json\n'.repeat(5000)),
        closedAfter(welcomed(2), report(1, '{"a":NaN}').repeat(100)),
        closedAfter(welcomed(3), `${'y'.repeat(10 * 1024 * 1024)}\n`.repeat(2) + 'z\n'.repeat(100)),
        closedAfter(RawPeer.connect(h.socketPath), '{"type":"hello","token":"nope","rank":1,"pid":1}\n'),
        closedAfter(RawPeer.connect(h.socketPath), report(1, '{}')),
        closedAfter(RawPeer.connect(h.socketPath), ''),
      ]);
    });
    assert.ok(h.reports.every((r) => r.rank === 0));
    assert.ok(h.rejected.length <= 10, `logged ${h.rejected.length} rejections`);
  } finally {
    await h.close();
  }
});

test('a worker that opens connections in a loop holds at most a bounded number of the Tuner’s file descriptors', TIMEOUT, async () => {
  const h = await startHarness();
  const sockets: Socket[] = [];
  try {
    await besideGoodWorker(h, async () => {
      const openFds = () => require('node:fs').readdirSync('/proc/self/fd').length as number;
      const before = openFds();
      for (let i = 0; i < 300; i++) {
        const s = connect(h.socketPath);
        s.on('error', () => undefined);
        sockets.push(s);
      }
      // Each is accepted or closed at once; none of them says hello.
      await new Promise((r) => setTimeout(r, 500));
      // This process holds the clients' ends too (one each); the server's side is what is bounded.
      const serverSide = openFds() - before - sockets.filter((s) => !s.destroyed).length;
      assert.ok(serverSide <= maxConnectionsFor(4) + 2, `the server holds ${serverSide} descriptors for 300 connection attempts`);
    });
  } finally {
    for (const s of sockets) s.destroy();
    await h.close();
  }
});
